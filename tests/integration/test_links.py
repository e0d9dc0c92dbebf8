"""Tracked links on a real database: creation, unique codes, clicks, shipping to DuckDB."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from tandem.accounts import Member, Role
from tandem.accounts import store as accounts
from tandem.accounts.store import AuditRow
from tandem.core import Conflict, Forbidden, InvalidInput, NotFound, new_id
from tandem.jobs import Worker, run_pending
from tandem.links import (
    SHIP_LINK_CLICKS,
    LinkQuery,
    TrackedLink,
    Visit,
    create_link,
    follow_link,
    ship_clicks,
    ship_link_clicks,
    store,
)
from tandem.links.store import LinkClickRow, TrackedLinkRow
from tandem.settings import Settings
from tandem.storage import Database, Warehouse
from tandem.storage.queue import JobRow, JobStatus
from tests.support.world import World

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
PERSON = Visit("GET", BROWSER, "https://www.linkedin.com/feed/update/123?private=1")
SLACK = Visit("GET", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", None)


def codes(*values: str) -> Iterator[str]:
    yield from values


def make_link(
    db: Database,
    world: World,
    *,
    campaign: str = "spring-sale",
    workspace_id: str | None = None,
    code: str | None = None,
    content: str | None = None,
) -> TrackedLink:
    with db.session() as s:
        generate = codes(code).__next__ if code else None
        return create_link(
            s,
            workspace_id=workspace_id or world.acme.id,
            destination="https://acme.test/spring?ref=nav#top",
            campaign_key=campaign,
            platform="linkedin",
            content=content,
            variant_id="variant-1",
            actor=world.users[Role.MARKETER],
            clock=world.clock,
            **({"generate_code": generate} if generate else {}),
        )


def click(db: Database, world: World, code: str, visit: Visit = PERSON) -> str:
    with db.session() as s:
        return follow_link(s, code=code, visit=visit, clock=world.clock)


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    with Warehouse(tmp_path / "warehouse.duckdb") as opened:
        yield opened


def test_it_stores_the_tracked_destination_and_audits_the_creation(db, world):
    link = make_link(db, world)
    assert link.destination == (
        "https://acme.test/spring?ref=nav&utm_source=linkedin&utm_medium=social"
        "&utm_campaign=spring-sale&utm_content=variant-1#top"
    )
    assert re.fullmatch(r"[0-9A-Za-z]{8}", link.code)
    assert (link.workspace_id, link.variant_id) == (world.acme.id, "variant-1")
    with db.session() as s:
        assert store.link_by_code(s, link.code) == link
        entry = s.scalar(select(AuditRow).where(AuditRow.entity_id == link.id))
    assert entry is not None and entry.action == "link.create"
    assert entry.actor_id == world.users[Role.MARKETER].id
    assert entry.after is not None and entry.after["code"] == link.code


def test_a_content_label_wins_over_the_variant_id(db, world):
    link = make_link(db, world, content="Carousel B")
    assert link.content == "carousel-b" and link.variant_id == "variant-1"


def test_an_invalid_destination_stores_nothing(db, world):
    with pytest.raises(InvalidInput) as caught, db.session() as s:
        create_link(
            s,
            workspace_id=world.acme.id,
            destination="javascript:alert(1)",
            campaign_key="c",
            platform="x",
            actor=None,
            clock=world.clock,
        )
    assert caught.value.field == "destination"
    with db.session() as s:
        assert s.scalar(select(TrackedLinkRow.id)) is None


def test_a_taken_code_is_never_reused(db, world):
    first = make_link(db, world, code="AAAA1111")
    with db.session() as s:
        second = create_link(
            s,
            workspace_id=world.beta.id,
            destination="https://beta.test/",
            campaign_key="c",
            platform="x",
            actor=None,
            clock=world.clock,
            generate_code=codes("AAAA1111", "AAAA1111", "BBBB2222").__next__,
        )
    assert (first.code, second.code) == ("AAAA1111", "BBBB2222")


def test_the_database_refuses_a_duplicate_code(db, world):
    link = make_link(db, world)
    with pytest.raises(IntegrityError), db.session() as s:
        row = s.get(TrackedLinkRow, link.id)
        assert row is not None
        s.add(
            TrackedLinkRow(
                **{
                    c.key: getattr(row, c.key)
                    for c in TrackedLinkRow.__table__.columns
                    if c.key != "id"
                },
                id=new_id(),
            )
        )
        s.flush()


def test_it_gives_up_with_a_conflict_when_no_code_is_free(db, world):
    make_link(db, world, code="AAAA1111")
    with pytest.raises(Conflict), db.session() as s:
        create_link(
            s,
            workspace_id=world.acme.id,
            destination="https://acme.test/",
            campaign_key="c",
            platform="x",
            actor=None,
            clock=world.clock,
            generate_code=lambda: "AAAA1111",
        )


def test_random_codes_are_distinct_base62(db, world):
    made = {make_link(db, world).code for _ in range(40)}
    assert len(made) == 40
    assert all(re.fullmatch(r"[0-9A-Za-z]{8}", c) for c in made)


def _member(world: World, role: Role, workspace_id: str) -> Member:
    workspace = world.acme if workspace_id == world.acme.id else world.beta
    return Member(world.users[role], workspace, role, "m")


def test_a_member_without_content_edit_or_from_elsewhere_is_refused(db, world):
    for member in (
        _member(world, Role.APPROVER, world.acme.id),
        _member(world, Role.MARKETER, world.beta.id),
    ):
        with pytest.raises(Forbidden), db.session() as s:
            create_link(
                s,
                workspace_id=world.acme.id,
                destination="https://acme.test/",
                campaign_key="c",
                platform="x",
                actor=member,
                clock=world.clock,
            )


def test_a_click_is_stored_with_the_referrer_host_only_and_no_ip(db, world):
    link = make_link(db, world)
    assert click(db, world, link.code) == link.destination
    with db.session() as s:
        (row,) = s.scalars(select(LinkClickRow)).all()
        assert (row.link_id, row.workspace_id, row.at) == (
            link.id,
            world.acme.id,
            world.clock.now(),
        )
        assert (row.is_bot, row.referrer_host, row.ua_family) == (
            False,
            "www.linkedin.com",
            "Firefox",
        )
    columns = set(LinkClickRow.__table__.columns.keys())
    assert not {c for c in columns if "ip" in c.split("_") or "addr" in c}
    assert "user_agent" not in columns


def test_bots_are_recorded_but_not_counted(db, world):
    link = make_link(db, world)
    click(db, world, link.code)
    click(db, world, link.code, SLACK)
    click(db, world, link.code, Visit("HEAD", BROWSER, None))
    with db.session() as s:
        counts = store.click_counts(
            s,
            link.id,
            first=world.clock.now().date(),
            last=world.clock.now().date(),
            zone="UTC",
        )
        (stats,), total = store.list_links(s, world.acme.id, LinkQuery())
    assert (counts.total, counts.human, counts.bots) == (3, 1, 2)
    assert (stats.clicks, total) == (1, 1)


def test_an_unknown_code_is_not_found_and_records_nothing(db, world):
    for code in ("ZZZZ9999", "../../etc", "a" * 40):
        with pytest.raises(NotFound), db.session() as s:
            follow_link(s, code=code, visit=PERSON, clock=world.clock)
    with db.session() as s:
        assert s.scalar(select(LinkClickRow.id)) is None


def test_days_are_cut_in_the_workspace_zone(db, world):
    link = make_link(db, world)
    world.clock.current = datetime(2026, 11, 2, 23, 30, tzinfo=UTC)  # 00:30 in Paris
    click(db, world, link.code)
    with db.session() as s:
        counts = store.click_counts(
            s,
            link.id,
            first=date(2026, 11, 2),
            last=date(2026, 11, 3),
            zone="Europe/Paris",
        )
    assert [(d.day.isoformat(), d.clicks) for d in counts.by_day] == [
        ("2026-11-02", 0),
        ("2026-11-03", 1),
    ]


def test_many_clicks_queue_one_shipping_job(db, world):
    link = make_link(db, world)
    for _ in range(3):
        click(db, world, link.code)
    with db.session() as s:
        jobs = s.scalars(select(JobRow).where(JobRow.kind == SHIP_LINK_CLICKS)).all()
    assert len(jobs) == 1
    assert jobs[0].run_at > world.clock.now()


def test_listing_filters_by_campaign_sorts_by_clicks_and_stays_in_its_workspace(
    db, world
):
    quiet = make_link(db, world, campaign="spring")
    busy = make_link(db, world, campaign="spring")
    make_link(db, world, campaign="autumn")
    other = make_link(db, world, campaign="spring", workspace_id=world.beta.id)
    click(db, world, busy.code)
    click(db, world, other.code)
    with db.session() as s:
        rows, total = store.list_links(
            s, world.acme.id, LinkQuery(campaign_key="spring", sort="clicks")
        )
        assert store.campaigns_in(s, world.acme.id) == ["autumn", "spring"]
        with pytest.raises(NotFound):
            store.link_in(s, world.acme.id, other.id)
    assert total == 2
    assert [(r.link.id, r.clicks) for r in rows] == [(busy.id, 1), (quiet.id, 0)]


def _ship(db: Database, warehouse: Warehouse, world: World, **kw: int) -> int:
    with db.session() as s:
        return ship_clicks(s, warehouse, now=world.clock.now(), **kw)


def test_shipping_twice_never_duplicates_events(db, world, warehouse):
    link = make_link(db, world)
    click(db, world, link.code)
    click(db, world, link.code, SLACK)
    click(db, world, link.code)
    assert _ship(db, warehouse, world) == 3
    assert warehouse.count() == 2  # bots stay in the operational database
    assert _ship(db, warehouse, world) == 0
    assert warehouse.count() == 2
    with db.session() as s:  # a crash after the append, before the commit
        s.execute(update(LinkClickRow).values(shipped_at=None))
    assert _ship(db, warehouse, world) == 3
    assert warehouse.count() == 2
    with db.session() as s:
        ids = set(
            s.scalars(select(LinkClickRow.id).where(LinkClickRow.is_bot.is_(False)))
        )
    assert {r[0] for r in warehouse.query("SELECT event_id FROM events")} == ids


def test_a_shipped_click_is_a_click_event_with_the_link_utm(db, world, warehouse):
    link = make_link(db, world)
    click(db, world, link.code)
    _ship(db, warehouse, world)
    (row,) = warehouse.query(
        "SELECT workspace_id, type, occurred_at, source, medium, campaign, content, "
        "url, referrer, channel, json_extract_string(properties, '$.code') FROM events"
    )
    assert row[0:2] == (world.acme.id, "click")
    assert row[2] == world.clock.now()
    assert row[3:] == (
        "linkedin",
        "social",
        "spring-sale",
        "variant-1",
        link.destination,
        "www.linkedin.com",
        "Organic Social",
        link.code,
    )


def test_shipping_goes_in_batches_and_queues_a_successor_when_capped(
    db, world, warehouse
):
    link = make_link(db, world)
    for _ in range(5):
        click(db, world, link.code)
    with db.session() as s:
        s.execute(update(JobRow).values(status=JobStatus.DONE))
    assert _ship(db, warehouse, world, batch_size=2, max_batches=2) == 4
    with db.session() as s:
        assert store.unshipped_count(s) == 1
        assert store.job_queued(s, SHIP_LINK_CLICKS)
    assert _ship(db, warehouse, world, batch_size=2) == 1
    assert warehouse.count() == 5


def test_the_worker_ships_clicks_with_the_registered_handler(db, world, tmp_path):
    link = make_link(db, world)
    click(db, world, link.code)
    click(db, world, link.code, SLACK)
    worker = Worker(
        database=db,
        settings=Settings(data_dir=tmp_path, secret_key="k" * 48),
        clock=world.clock,
        handlers={SHIP_LINK_CLICKS: ship_link_clicks},
    )
    assert run_pending(worker) == 0  # the job waits a little to gather clicks
    world.clock.advance(minutes=1)
    assert run_pending(worker) == 1
    with db.session() as s:
        assert store.unshipped_count(s) == 0
        job = s.scalar(select(JobRow).where(JobRow.kind == SHIP_LINK_CLICKS))
        assert job is not None and job.status == JobStatus.DONE
    with Warehouse(tmp_path / "warehouse.duckdb", read_only=True) as warehouse:
        assert warehouse.count(world.acme.id) == 1


def test_deleting_a_workspace_deletes_its_links_and_clicks(db, world):
    link = make_link(db, world)
    click(db, world, link.code)
    with db.session() as s:
        row = s.get(accounts.WorkspaceRow, world.acme.id)
        s.delete(row)
    with db.session() as s:
        assert s.get(TrackedLinkRow, link.id) is None
        assert s.scalar(select(LinkClickRow.id)) is None


def test_click_times_are_aware_utc(db, world):
    link = make_link(db, world)
    click(db, world, link.code)
    with db.session() as s:
        (clicked,) = store.clicks_of(s, link.id)
    assert clicked.at.tzinfo is not None and clicked.at.utcoffset() == timedelta(0)


def test_a_redirect_records_its_click_while_a_batch_is_appended(db, world, warehouse):
    link = make_link(db, world)
    for _ in range(3):
        click(db, world, link.code)
    during: list[str] = []

    class Appending:
        """The warehouse, with a visitor following the link during each append: on SQLite
        the click needs the write lock, which shipping must not hold while it appends."""

        def append(self, events):
            if not during:
                during.append(click(db, world, link.code))
            warehouse.append(events)

    # 3 clicks, and one more during the first append: two batches of two.
    assert _ship(db, Appending(), world, batch_size=2) == 4
    assert len(during) == 1
    assert warehouse.count() == 4
