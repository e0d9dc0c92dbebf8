"""The collector on a real database: durability, filtering, privacy, orders, shipping."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tandem.core import Conflict, Forbidden, InvalidInput, NotFound
from tandem.links import create_link
from tandem.measure import (
    Backpressure,
    ConversionIn,
    DuckDBRunner,
    Hit,
    HitKind,
    Request,
    collect,
    create_site,
    import_conversions,
    path_table,
    record_conversions,
    ship_events,
    store,
)
from tandem.measure.shipping import SHIP_COLLECTED_EVENTS
from tandem.storage.queue import JobRow
from tandem.storage.warehouse import Warehouse

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
BROWSER = Request(
    user_agent=FIREFOX, ip="203.0.113.9", origin="https://shop.example.com"
)


def _site(db, world, privacy="cookieless"):
    with db.session() as s:
        return create_site(
            s,
            workspace_id=world.acme.id,
            name="Shop",
            domains=["example.com"],
            privacy=privacy,
            clock=world.clock,
        )


def _collect(db, world, site, hits, request=BROWSER, max_backlog=1000):
    with db.session() as s:
        return collect(
            s,
            site_key=site.key,
            hits=hits,
            request=request,
            clock=world.clock,
            max_backlog=max_backlog,
        )


def _outbox(db):
    with db.session() as s:
        return [e for _, e in store.oldest(s, limit=1000)]


def pageview(url="https://shop.example.com/", referrer=None, visitor=None):
    return Hit(HitKind.PAGEVIEW, url, referrer=referrer, visitor=visitor)


def test_a_pageview_is_stored_with_its_channel_and_no_ip(db, world):
    site = _site(db, world)
    accepted = _collect(
        db, world, site, [pageview(referrer="https://www.google.com/search?q=x")]
    )
    assert accepted.stored == 1
    [event] = _outbox(db)
    assert (event.channel, event.source, event.medium) == (
        "Organic Search",
        "google",
        "organic",
    )
    assert event.referrer == "www.google.com"  # the host only
    assert event.visitor_id and event.visitor_id.startswith("h_")
    assert "203.0.113" not in repr(event)
    with db.session() as s:
        jobs = s.scalar(
            select(func.count()).where(JobRow.kind == SHIP_COLLECTED_EVENTS)
        )
    assert jobs == 1


def test_unknown_keys_and_foreign_hosts_are_refused(db, world):
    site = _site(db, world)
    with db.session() as s, pytest.raises(NotFound):
        collect(
            s,
            site_key="ts_doesnotexist",
            hits=[pageview()],
            request=BROWSER,
            clock=world.clock,
            max_backlog=10,
        )
    evil = Request(user_agent=FIREFOX, ip="1.1.1.1", origin="https://evil.test")
    with pytest.raises(Forbidden, match="evil.test"):
        _collect(db, world, site, [pageview()], request=evil)
    with pytest.raises(Forbidden, match="other.test"):
        _collect(db, world, site, [pageview(url="https://other.test/")])
    assert _outbox(db) == []


def test_bots_are_answered_but_not_stored(db, world):
    site = _site(db, world)
    bot = Request(user_agent="Googlebot/2.1", ip="1.1.1.1", origin=None)
    assert _collect(db, world, site, [pageview()], request=bot).filtered == 1
    prefetch = Request(
        user_agent=FIREFOX, ip="1.1.1.1", origin=None, purpose="prefetch"
    )
    assert _collect(db, world, site, [pageview()], request=prefetch).filtered == 1
    assert _outbox(db) == []


def test_a_full_outbox_pushes_back_instead_of_dropping(db, world):
    site = _site(db, world)
    _collect(db, world, site, [pageview()] * 3, max_backlog=3)
    with pytest.raises(Backpressure) as caught:
        _collect(db, world, site, [pageview()], max_backlog=3)
    assert caught.value.status == 503 and caught.value.retry_after > 0
    assert len(_outbox(db)) == 3


def test_cookieless_ids_change_at_midnight_consented_ids_do_not(db, world):
    cookieless = _site(db, world)
    _collect(db, world, cookieless, [pageview(visitor="0123456789abcdef")])
    world.clock.advance(days=1)
    _collect(db, world, cookieless, [pageview(visitor="0123456789abcdef")])
    first, second = _outbox(db)
    assert first.visitor_id != second.visitor_id  # the consent id is ignored here
    consent = _site(db, world, privacy="consent")
    _collect(db, world, consent, [pageview(visitor="0123456789abcdef")])
    world.clock.advance(days=1)
    _collect(db, world, consent, [pageview(visitor="0123456789abcdef")])
    _, _, third, fourth = _outbox(db)
    assert third.visitor_id == fourth.visitor_id == "v_0123456789abcdef"


def test_yesterdays_salt_is_deleted(db, world):
    site = _site(db, world)
    _collect(db, world, site, [pageview()])
    world.clock.advance(days=2)
    _collect(db, world, site, [pageview()])
    with db.session() as s:
        days = list(s.scalars(select(store.SaltRow.day)))
    assert days == [world.clock.now().date()]


def test_a_repeated_order_is_stored_once(db, world):
    site = _site(db, world)
    order = Hit(
        HitKind.CONVERSION,
        "https://shop.example.com/thanks",
        value=49.9,
        currency="EUR",
        order_id="A-1",
    )
    assert _collect(db, world, site, [order]).stored == 1
    again = _collect(db, world, site, [order, order])
    assert (again.stored, again.duplicates) == (0, 2)
    assert len(_outbox(db)) == 1


def test_a_landing_from_a_tracked_link_carries_the_link(db, world):
    site = _site(db, world)
    with db.session() as s:
        link = create_link(
            s,
            workspace_id=world.acme.id,
            destination="https://shop.example.com/sale",
            campaign_key="Spring Sale",
            platform="mastodon",
            actor=None,
            clock=world.clock,
        )
    _collect(db, world, site, [pageview(url=link.destination)])
    [event] = _outbox(db)
    assert event.properties["link_id"] == link.id
    assert event.channel == "Organic Social"


def test_api_conversions_are_idempotent_and_conflicts_are_refused(db, world):
    item = ConversionIn(
        order_id="O-9", occurred_at=world.clock.now(), value=10.0, currency="EUR"
    )
    with db.session() as s:
        [(first, created)] = record_conversions(
            s, workspace_id=world.acme.id, items=[item], clock=world.clock
        )
    assert created
    with db.session() as s:
        [(again, created)] = record_conversions(
            s, workspace_id=world.acme.id, items=[item], clock=world.clock
        )
    assert not created and again.event_id == first.event_id
    changed = ConversionIn(
        order_id="O-9", occurred_at=world.clock.now(), value=12.0, currency="EUR"
    )
    with db.session() as s, pytest.raises(Conflict, match="O-9"):
        record_conversions(
            s, workspace_id=world.acme.id, items=[changed], clock=world.clock
        )
    future = ConversionIn(
        order_id="O-10", occurred_at=world.clock.now() + timedelta(days=1)
    )
    with db.session() as s, pytest.raises(InvalidInput) as caught:
        record_conversions(
            s, workspace_id=world.acme.id, items=[future], clock=world.clock
        )
    assert caught.value.field == "occurred_at"
    assert len(_outbox(db)) == 1


CSV = """order_id,occurred_at,value,currency,contact
A-1,2026-11-01,10.50,EUR,ann@example.com
A-2,2026-11-01T10:00:00Z,oops,EUR,
A-3,2026-11-01T10:00:00+01:00,5,,
A-4,2026-11-01T10:00:00Z,7,EUR,
"""


def test_a_csv_with_bad_rows_stores_nothing_and_names_every_row(db, world):
    with db.session() as s:
        result = import_conversions(
            s, workspace_id=world.acme.id, text=CSV, clock=world.clock
        )
    assert not result.stored and result.imported == 0
    assert [(e.row, e.field) for e in result.errors] == [
        (2, "value"),
        (3, "currency"),
    ]
    assert _outbox(db) == []


def test_a_partial_csv_import_stores_the_good_rows_once(db, world):
    for _ in range(2):
        with db.session() as s:
            result = import_conversions(
                s, workspace_id=world.acme.id, text=CSV, clock=world.clock, partial=True
            )
    assert result.stored and result.imported == 0 and result.duplicates == 2
    assert len(result.errors) == 2
    events = _outbox(db)
    assert sorted(e.properties["order_id"] for e in events) == ["A-1", "A-4"]
    assert all(e.properties["origin"] == "import" for e in events)


def test_a_csv_without_the_required_columns_is_refused(db, world):
    with db.session() as s, pytest.raises(InvalidInput, match="occurred_at"):
        import_conversions(
            s, workspace_id=world.acme.id, text="order_id\nA-1\n", clock=world.clock
        )


def test_shipping_moves_everything_once_and_journeys_follow_identity(
    db, world, tmp_path
):
    site = _site(db, world)
    social = (
        "https://shop.example.com/?utm_source=mastodon&utm_medium=social&utm_campaign=x"
    )
    _collect(db, world, site, [pageview(url=social)])
    world.clock.advance(hours=1)
    _collect(
        db,
        world,
        site,
        [
            Hit(
                HitKind.IDENTIFY,
                "https://shop.example.com/login",
                contact_key="Ann@x.test",
            )
        ],
    )
    world.clock.advance(hours=1)
    with db.session() as s:
        record_conversions(
            s,
            workspace_id=world.acme.id,
            items=[
                ConversionIn(
                    order_id="Z-1",
                    occurred_at=world.clock.now(),
                    value=80.0,
                    currency="EUR",
                    contact_key="ann@x.test",
                )
            ],
            clock=world.clock,
        )
    with Warehouse(tmp_path / "w.duckdb") as warehouse:
        with db.session() as s:
            assert ship_events(s, warehouse, now=world.clock.now(), batch_size=2) == 3
        with db.session() as s:
            assert ship_events(s, warehouse, now=world.clock.now()) == 0
            assert store.backlog(s) == 0
        assert warehouse.count(world.acme.id) == 3
        rows = path_table(
            DuckDBRunner(warehouse),
            workspace_id=world.acme.id,
            since=world.clock.now() - timedelta(days=1),
            until=world.clock.now() + timedelta(seconds=1),
        )
    assert [(r.path, r.total_conversions, r.total_conversion_value) for r in rows] == [
        ("Organic Social", 1, 80.0)
    ]


class _AppendThenCheck:
    """A warehouse whose append first checks that a collector could write meanwhile."""

    def __init__(self, db, world, site, fail_on: int | None = None):
        self.db, self.world, self.site = db, world, site
        self.fail_on, self.calls, self.events = fail_on, 0, []

    def append(self, events):
        self.calls += 1
        # A beacon arriving while a batch is appended: on SQLite it needs the write lock,
        # which the ship job must not be holding now (else: "database is locked" after 30 s).
        with self.db.session() as s:
            collect(
                s,
                site_key=self.site.key,
                hits=[pageview(url="https://shop.example.com/during")],
                request=BROWSER,
                clock=self.world.clock,
                max_backlog=1000,
            )
        if self.calls == self.fail_on:
            raise OSError("the warehouse disk is full")
        self.events.extend(events)


def test_shipping_leaves_the_outbox_writable_and_keeps_what_it_shipped(db, world):
    site = _site(db, world)
    for n in range(4):
        _collect(db, world, site, [pageview(url=f"https://shop.example.com/{n}")])
    warehouse = _AppendThenCheck(db, world, site, fail_on=2)
    with db.session() as s, pytest.raises(OSError, match="disk is full"):
        ship_events(s, warehouse, now=world.clock.now(), batch_size=2)
    # Batch 1 was appended and is gone from the outbox; batch 2 failed and stays, and the
    # two beacons that arrived during the appends were stored.
    assert [e.url.rsplit("/", 1)[1] for e in warehouse.events] == ["0", "1"]
    left = sorted(e.url.rsplit("/", 1)[1] for e in _outbox(db))
    assert left == ["2", "3", "during", "during"]
