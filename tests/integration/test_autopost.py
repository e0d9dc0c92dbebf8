"""RSS/Atom auto-posting against a real HTTP server on 127.0.0.1, on SQLite and PostgreSQL:
only new entries, never twice, conditional GET, queue slots, filters, errors on the feed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tandem.accounts import Member, Role, store
from tandem.compose import validate
from tandem.compose.autopost import (
    FeedInput,
    ItemStatus,
    Mode,
    PollOptions,
    PollResult,
    add_feed,
    feed_client,
    feed_detail,
    fetch_and_parse,
    finish_poll,
    poll_feed,
    poll_feeds,
    polling,
    start_poll,
    update_feed,
)
from tandem.compose.autopost.store import FeedItemRow, FeedRow
from tandem.compose.store import BriefRow, VariantRow
from tandem.core import Forbidden
from tandem.core.http import http_client
from tandem.links.store import TrackedLinkRow
from tandem.publish.ledger import PublicationRow
from tandem.publish.queue_slots import configure_queue
from tandem.publish.scheduling import to_local
from tandem.storage import Database
from tandem.storage.queue import JobRow
from tests.support.feeds import FeedServer, rss, serve_feed
from tests.support.world import T0, World
from tests.web.conftest import make_settings

BASE_URL = "http://tandem.test"
OPTIONS = PollOptions(base_url=BASE_URL, max_bytes=1_000_000)
OLD = "Sun, 01 Nov 2026 08:00:00 GMT"  # before the feed is added (T0)


def later(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%a, %d %b %Y %H:%M:%S GMT")


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    with serve_feed() as server:
        yield server


def member(db: Database, world: World, role: Role = Role.OWNER) -> Member:
    with db.session() as s:
        user = store.to_user(store.get_user_row(s, world.users[role].id))
        found = store.member_in(s, user, world.acme)
        assert found is not None
        return found


def add(db: Database, world: World, url: str, role: Role = Role.OWNER, **kw: object):  # type: ignore[no-untyped-def]
    actor = member(db, world, role)
    data = FeedInput(url=url, account_ids=(world.acme_account_id,), **kw)  # type: ignore[arg-type]
    with db.session() as s:
        return add_feed(s, actor=actor, data=data, clock=world.clock)


def poll(db: Database, world: World, feed_id: str) -> PollResult:
    with http_client(allow_private=True) as client:
        result = poll_feed(
            db,
            feed_id=feed_id,
            options=OPTIONS,
            clock=world.clock,
            client=client,
            force=True,
        )
    assert result is not None
    return result


def briefs(db: Database, world: World) -> list[BriefRow]:
    with db.session() as s:
        return list(
            s.scalars(
                select(BriefRow)
                .where(BriefRow.workspace_id == world.acme.id)
                .order_by(BriefRow.created_at, BriefRow.title)
            )
        )


def variants(db: Database, brief_id: str) -> list[VariantRow]:
    with db.session() as s:
        return list(
            s.scalars(select(VariantRow).where(VariantRow.brief_id == brief_id))
        )


def item(guid: str, title: str, date: str, **extra: str) -> dict[str, str]:
    return {
        "guid": guid,
        "title": title,
        "link": f"https://blog.acme.test/{guid}",
        "description": f"About {title}.",
        "pubDate": date,
        **extra,
    }


def test_the_first_poll_only_records_what_is_already_in_the_feed(
    db, world, feed_server
):
    feed_server.body = rss(item("a", "Old one", OLD), item("b", "Old two", OLD))
    feed = add(db, world, feed_server.url)
    result = poll(db, world, feed.id)
    assert result.seen == 2 and result.created == ()
    assert briefs(db, world) == []
    with db.session() as s:
        statuses = set(s.scalars(select(FeedItemRow.status)))
    assert statuses == {ItemStatus.BASELINE.value}


def test_a_new_entry_becomes_one_draft_and_never_a_second(db, world, feed_server):
    feed_server.body = rss(item("a", "Old one", OLD))
    feed = add(db, world, feed_server.url)
    poll(db, world, feed.id)
    world.clock.advance(hours=1)
    new = item("b", "Trail Bottle 2", later(30), category="open source")
    feed_server.body = rss(new, item("a", "Old one", OLD))
    first = poll(db, world, feed.id)
    assert len(first.created) == 1
    (brief,) = briefs(db, world)
    assert brief.status == "draft" and brief.title == "Trail Bottle 2"
    assert brief.link == "https://blog.acme.test/b"
    (variant,) = variants(db, brief.id)
    text = variant.content["parts"][0]
    # The link in the post is Tandem's tracked short link, as the composer makes it.
    assert variant.short_url.startswith(BASE_URL + "/") and variant.short_url in text
    assert "https://blog.acme.test/b" not in text
    assert "#OpenSource" in text and "About Trail Bottle 2." in text
    with db.session() as s:
        link = s.scalar(
            select(TrackedLinkRow).where(TrackedLinkRow.id == variant.link_id)
        )
        assert link is not None and "utm_source=" in link.destination

    world.clock.advance(hours=1)
    assert poll(db, world, feed.id).created == ()  # the same entry again
    edited = {**new, "title": "Trail Bottle 2 (updated)", "description": "New words."}
    feed_server.body = rss(edited, item("a", "Old one", OLD))
    assert poll(db, world, feed.id).created == ()  # an edited entry keeps its guid
    feed_server.body = rss(item("a", "Old one", OLD), edited)  # re-ordered
    assert poll(db, world, feed.id).created == ()
    feed_server.body = rss(item("a", "Old one", OLD))  # dropped ...
    poll(db, world, feed.id)
    feed_server.body = rss(edited, item("a", "Old one", OLD))  # ... and back
    assert poll(db, world, feed.id).created == ()
    assert len(briefs(db, world)) == 1


def test_entries_without_guid_are_recognised_by_their_link(db, world, feed_server):
    feed_server.body = rss()
    feed = add(db, world, feed_server.url)
    poll(db, world, feed.id)
    one = {"title": "No guid", "link": "https://blog.acme.test/x", "pubDate": later(5)}
    feed_server.body = rss(one)
    assert len(poll(db, world, feed.id).created) == 1
    feed_server.body = rss({**one, "title": "No guid, retitled"})
    assert poll(db, world, feed.id).created == ()
    with db.session() as s:
        keys = list(s.scalars(select(FeedItemRow.key)))
    assert keys == ["link:https://blog.acme.test/x"]


def test_an_unchanged_feed_answers_304_and_nothing_happens(db, world, feed_server):
    feed_server.body = rss(item("a", "Old", OLD))
    feed = add(db, world, feed_server.url)
    poll(db, world, feed.id)
    result = poll(db, world, feed.id)
    assert result.fetched is False and result.error == ""
    assert feed_server.not_modified == 1
    assert feed_server.requests[1]["if-none-match"] == feed_server.etag
    assert (
        feed_server.requests[1]["if-modified-since"] == "Mon, 02 Nov 2026 08:00:00 GMT"
    )
    with db.session() as s:
        detail = feed_detail(s, world.acme.id, feed.id)
    assert detail.feed.last_error == "" and detail.feed.last_success_at == T0


def test_a_malformed_feed_shows_a_clear_error_and_backs_off(db, world, feed_server):
    feed_server.body = b"<html><body><h1>Our blog</h1></body></html>"
    feed_server.content_type = "text/html"
    feed = add(db, world, feed_server.url, interval_minutes=30)
    result = poll(db, world, feed.id)
    assert "did not answer with an RSS or Atom feed" in result.error
    with db.session() as s:
        detail = feed_detail(s, world.acme.id, feed.id).feed
    assert detail.last_error == result.error and detail.failures == 1
    assert detail.next_poll_at == T0 + timedelta(minutes=30)
    poll(db, world, feed.id)
    with db.session() as s:
        row = s.get(FeedRow, feed.id)
        assert row is not None and row.failures == 2
        assert row.next_poll_at == T0 + timedelta(minutes=60)  # doubled
    feed_server.body = rss(item("a", "Fixed", OLD))
    feed_server.content_type = "application/rss+xml"
    assert poll(db, world, feed.id).error == ""
    with db.session() as s:
        assert feed_detail(s, world.acme.id, feed.id).feed.last_error == ""


def test_a_server_error_is_shown_on_the_feed(db, world, feed_server):
    feed_server.status = 404
    feed = add(db, world, feed_server.url)
    assert "404" in poll(db, world, feed.id).error


def test_private_addresses_are_refused_unless_allowed(db, world, feed_server, tmp_path):
    feed_server.body = rss(item("a", "Old", OLD))
    feed = add(db, world, feed_server.url)
    with feed_client(make_settings(tmp_path)) as client:
        result = poll_feed(
            db,
            feed_id=feed.id,
            options=OPTIONS,
            clock=world.clock,
            client=client,
            force=True,
        )
    assert result is not None
    assert "private or local address" in result.error
    assert "TANDEM_FEEDS_ALLOW_PRIVATE" in result.error
    assert feed_server.requests == []  # refused before any byte was sent
    allowed = make_settings(tmp_path, feeds_allow_private=True)
    with feed_client(allowed) as client:
        result = poll_feed(
            db,
            feed_id=feed.id,
            options=OPTIONS,
            clock=world.clock,
            client=client,
            force=True,
        )
    assert result is not None and result.error == ""


def test_a_feed_over_the_size_limit_is_refused(db, world, feed_server):
    feed_server.body = rss(*(item(str(i), "x" * 200, OLD) for i in range(50)))
    feed = add(db, world, feed_server.url)
    with http_client(allow_private=True) as client:
        result = poll_feed(
            db,
            feed_id=feed.id,
            options=PollOptions(base_url=BASE_URL, max_bytes=2048),
            clock=world.clock,
            client=client,
            force=True,
        )
    assert result is not None and "2,048 bytes" in result.error


def test_the_keyword_filter_keeps_only_matching_entries(db, world, feed_server):
    feed_server.body = rss()
    feed = add(
        db,
        world,
        feed_server.url,
        include_keywords=("bottle", "trail"),
        exclude_keywords=("sale",),
    )
    poll(db, world, feed.id)
    feed_server.body = rss(
        item("1", "New bottle colours", later(1)),
        item("2", "Bottle clearance sale", later(2)),
        item("3", "Company picnic", later(3)),
    )
    assert len(poll(db, world, feed.id).created) == 1
    assert [b.title for b in briefs(db, world)] == ["New bottle colours"]
    with db.session() as s:
        notes = dict(s.execute(select(FeedItemRow.title, FeedItemRow.note)).all())
    assert notes["Bottle clearance sale"] == "Contains the excluded keyword “sale”."
    assert notes["Company picnic"] == "Contains none of the keywords to include."


def test_a_long_summary_is_shortened_to_a_valid_post(db, world, feed_server):
    feed_server.body = rss()
    feed = add(db, world, feed_server.url)
    poll(db, world, feed.id)
    long = " ".join(
        f"Sentence number {i} says something about bottles." for i in range(40)
    )
    feed_server.body = rss(item("long", "A long story", later(1), description=long))
    poll(db, world, feed.id)
    (brief,) = briefs(db, world)
    (variant,) = variants(db, brief.id)
    parts = variant.content["parts"]
    assert len(parts) == 1  # one post, not a thread
    assert [p for p in validate("x", parts[0]) if p.blocking] == []
    assert parts[0].startswith("A long story\n\nSentence number 0")
    assert variant.short_url in parts[0]
    assert "Shortened the summary to fit 280." in variant.content["notes"]


def test_queue_mode_takes_the_next_free_slots(db, world, feed_server):
    owner = member(db, world)
    with db.session() as s:
        # T0 is Monday 2026-11-02 10:00 in Paris.
        configure_queue(
            s,
            actor=owner,
            account_id=world.acme_account_id,
            now=T0,
            slots=[("mon", "12:00"), ("mon", "15:00")],
        )
    feed_server.body = rss()
    feed = add(db, world, feed_server.url, mode=Mode.QUEUE)
    poll(db, world, feed.id)
    feed_server.body = rss(
        item("q1", "First", later(1)), item("q2", "Second", later(2))
    )
    result = poll(db, world, feed.id)
    assert len(result.created) == 2
    with db.session() as s:
        pubs = list(s.scalars(select(PublicationRow).order_by(PublicationRow.due_at)))
        statuses = set(s.scalars(select(BriefRow.status)))
        item_status = set(s.scalars(select(FeedItemRow.status)))
    assert [to_local(p.due_at, "Europe/Paris") for p in pubs] == [
        "2026-11-02T12:00",
        "2026-11-02T15:00",
    ]
    assert statuses == {"scheduled"} and item_status == {ItemStatus.QUEUED.value}
    # the older entry goes first
    first = briefs(db, world)[0]
    assert first.title == "First"


def test_queue_mode_without_slots_falls_back_to_a_draft_and_says_so(
    db, world, feed_server
):
    feed_server.body = rss()
    feed = add(db, world, feed_server.url, mode=Mode.QUEUE)
    poll(db, world, feed.id)
    feed_server.body = rss(item("q1", "First", later(1)))
    poll(db, world, feed.id)
    (brief,) = briefs(db, world)
    assert brief.status == "draft"
    with db.session() as s:
        (row,) = s.scalars(select(FeedItemRow))
    assert row.status == ItemStatus.DRAFTED.value
    assert "@acme: draft created instead" in row.note and "no queue slots" in row.note


def test_only_roles_that_may_approve_can_choose_queue_mode(db, world, feed_server):
    with pytest.raises(Forbidden) as caught:
        add(db, world, feed_server.url, role=Role.SOCIAL_MANAGER, mode=Mode.QUEUE)
    assert caught.value.field == "mode"


def test_only_new_off_posts_the_back_catalogue(db, world, feed_server):
    feed_server.body = rss(item("a", "Old one", OLD))
    feed = add(db, world, feed_server.url, only_new=False)
    assert len(poll(db, world, feed.id).created) == 1


def test_an_entry_dated_before_the_feed_was_added_is_not_posted_later(
    db, world, feed_server
):
    feed_server.body = rss(item("a", "Old", OLD))
    feed = add(db, world, feed_server.url)
    poll(db, world, feed.id)
    feed_server.body = rss(item("a", "Old", OLD), item("z", "Older still", OLD))
    assert poll(db, world, feed.id).created == ()
    with db.session() as s:
        status = s.scalar(
            select(FeedItemRow.status).where(FeedItemRow.title == "Older still")
        )
    assert status == ItemStatus.OLD.value


def test_concurrent_polls_create_each_post_once(db, world, feed_server):
    feed_server.body = rss()
    feed = add(db, world, feed_server.url)
    poll(db, world, feed.id)
    feed_server.body = rss(
        *(item(f"c{i}", f"Post {i}", later(i + 1)) for i in range(3))
    )
    with db.session() as s:
        target = start_poll(s, feed_id=feed.id, now=world.clock.now(), force=True)
    assert target is not None
    # Two pollers with the same claim (as after an expired lease) race to record entries.
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with http_client(allow_private=True) as client:
                fetched = fetch_and_parse(client, target, max_bytes=10**6, now=T0)
            barrier.wait(timeout=10)
            with db.session() as s:
                finish_poll(s, target, fetched, options=OPTIONS, clock=world.clock)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(b.title for b in briefs(db, world)) == ["Post 0", "Post 1", "Post 2"]


def test_a_feed_being_polled_is_not_claimed_twice(db, world, feed_server):
    feed_server.body = rss()
    feed = add(db, world, feed_server.url)
    with db.session() as s:
        assert start_poll(s, feed_id=feed.id, now=T0, force=True) is not None
    with db.session() as s:
        assert start_poll(s, feed_id=feed.id, now=T0, force=True) is None
    with db.session() as s:  # the lease runs out
        later_on = T0 + timedelta(minutes=6)
        assert start_poll(s, feed_id=feed.id, now=later_on, force=True) is not None


def test_the_job_polls_due_feeds_and_queues_its_next_run(
    db, world, feed_server, tmp_path
):
    feed_server.body = rss(item("a", "Old", OLD))
    feed = add(db, world, feed_server.url)

    class Ctx:
        settings = make_settings(tmp_path, feeds_allow_private=True)
        clock = world.clock
        database = db

    poll_feeds(Ctx(), {})
    with db.session() as s:
        row = s.get(FeedRow, feed.id)
        assert row is not None and row.baseline_done and row.last_success_at == T0
        waiting = s.scalar(
            select(func.count()).where(
                JobRow.kind == "poll_feeds", JobRow.status == "queued"
            )
        )
    assert waiting == 1  # added with the feed; the run re-queues itself, never twice
    assert len(feed_server.requests) == 1
    poll_feeds(Ctx(), {})  # not due again yet: no request
    assert len(feed_server.requests) == 1


def test_changing_the_url_starts_over_without_posting_the_new_feeds_past(
    db, world, feed_server
):
    feed_server.body = rss(item("a", "Old", OLD))
    feed = add(db, world, feed_server.url)
    poll(db, world, feed.id)
    world.clock.advance(hours=2)
    with serve_feed("/other.xml") as other:
        other.body = rss(item("n", "Posted an hour ago on the other feed", later(60)))
        with db.session() as s:
            update_feed(
                s,
                actor=member(db, world),
                feed_id=feed.id,
                data=FeedInput(url=other.url, account_ids=(world.acme_account_id,)),
                clock=world.clock,
            )
        assert poll(db, world, feed.id).created == ()
        assert other.requests[0].get("if-none-match") is None  # validators were reset


def test_the_unique_item_row_stops_a_poller_that_read_before_another_committed(
    db, world, feed_server, monkeypatch
):
    feed_server.body = rss()
    feed = add(db, world, feed_server.url)
    poll(db, world, feed.id)
    feed_server.body = rss(item("u1", "Once", later(1)), item("u2", "Twice?", later(2)))
    assert len(poll(db, world, feed.id).created) == 2
    # A poller whose "already seen?" read happened before the other one committed:
    monkeypatch.setattr(polling.store, "seen_digests", lambda *_a, **_k: set())
    feed_server.body = rss(
        item("u1", "Once", later(1)), item("u2", "Twice?", later(2)), title="x"
    )
    assert poll(db, world, feed.id).created == ()
    assert sorted(b.title for b in briefs(db, world)) == ["Once", "Twice?"]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(FeedItemRow)) == 2
