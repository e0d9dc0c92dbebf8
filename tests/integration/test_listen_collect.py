"""Listening sources and alerts on SQLite and PostgreSQL: an RSS feed served over real HTTP on
127.0.0.1, a connector search (a fake Searcher), and the `listen.collect` job sending spike
alerts in the app, by email (a real SMTP server on 127.0.0.1) and as webhooks, once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from tandem.accounts import Member, Role, store
from tandem.core.http import http_client
from tandem.jobs import Worker, run_pending
from tandem.jobs.listen import LISTEN_COLLECT
from tandem.jobs.webhooks import secret_box_for
from tandem.listen import actions, alerts
from tandem.listen import store as listen_store
from tandem.listen.collect import collect_all, search_terms
from tandem.listen.ports import FoundPost
from tandem.listen.records import SourceInput, TopicInput
from tandem.listen.topics import parse_query
from tandem.notify import endpoints as ep
from tandem.notify import notifications_of
from tandem.notify.webhooks import WebhookDeliveryRow
from tandem.publish.ports import AccountRef, ErrorKind, PublishError
from tandem.storage import Database
from tandem.storage.queue import JobRow, enqueue
from tests.support.fake_publisher import FakePublisher
from tests.support.feeds import rss, serve_feed
from tests.support.listen import seed_history
from tests.support.world import PERSONAS, T0, World
from tests.web.conftest import make_settings


def owner(db: Database, world: World) -> Member:
    with db.session() as s:
        user = store.to_user(store.get_user_row(s, world.users[Role.OWNER].id))
        found = store.member_in(s, user, world.acme)
        assert found is not None
        return found


def add_topic(
    db: Database, world: World, name: str, query: str, kind: str = "brand"
) -> str:
    with db.session() as s:
        return actions.add_topic(
            s,
            actor=owner(db, world),
            data=TopicInput(name, query, kind),
            clock=world.clock,
        ).id


def add_source(db: Database, world: World, **kw: str) -> str:
    with db.session() as s:
        return actions.add_source(
            s, actor=owner(db, world), data=SourceInput(**kw), clock=world.clock
        ).id  # type: ignore[arg-type]


class FakeSearcher:
    def __init__(self, posts: list[FoundPost], fail: bool = False) -> None:
        self.posts, self.fail, self.queries = posts, fail, []  # type: ignore[var-annotated]

    def search(
        self,
        account: AccountRef,
        query: str,
        *,
        since: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[FoundPost]:
        self.queries.append(query)
        if self.fail:
            raise PublishError("rate limited", kind=ErrorKind.RETRY)
        return [
            p
            for p in self.posts
            if all(w in p.text.lower() for w in query.lower().split())
        ]


def collect(db: Database, world: World, searcher: FakeSearcher | None = None):  # type: ignore[no-untyped-def]
    def searchers(_session, account):  # type: ignore[no-untyped-def]
        return (
            (searcher, AccountRef(account.id, account.platform, account.handle))
            if searcher
            else None
        )

    with http_client(allow_private=True) as client:
        return collect_all(
            db,
            client=client,
            searchers=searchers,
            clock=world.clock,
            max_bytes=1_000_000,
        )


def test_search_terms_keep_what_a_mention_must_contain() -> None:
    assert search_terms(parse_query('acme OR #acme OR "acme boots" -job').root) == [
        "acme",
        "#acme",
        "acme boots",
    ]
    assert search_terms(parse_query("(rival OR rivalco) AND NOT review").root) == [
        "rival",
        "rivalco",
    ]
    assert search_terms(parse_query("rival shoes").root) == ["rival shoes"]


def test_a_feed_source_stores_its_entries_once_and_keeps_errors(
    db: Database, world: World
) -> None:
    topic_id = add_topic(db, world, "Rival", "rival", "competitor")
    with serve_feed() as feed, serve_feed() as broken:
        feed.body = rss(
            {
                "guid": "1",
                "title": "Rival recalls its heaters",
                "link": "https://news.test/1",
                "pubDate": "Mon, 02 Nov 2026 07:00:00 GMT",
            },
            {
                "guid": "2",
                "title": "Weather today",
                "link": "https://news.test/2",
                "pubDate": "Mon, 02 Nov 2026 06:00:00 GMT",
            },
        )
        broken.status = 500
        source_id = add_source(db, world, kind="feed", url=feed.url)
        broken_id = add_source(db, world, kind="feed", url=broken.url)
        first = {r.source_id: r for r in collect(db, world)}
        assert first[source_id].stored == 2 and not first[source_id].error
        assert first[broken_id].stored == 0 and "500" in first[broken_id].error
        second = {r.source_id: r for r in collect(db, world)}
        assert second[source_id].stored == 0
        assert feed.not_modified == 1  # the second read was a conditional GET
    with db.session() as s:
        sources = {x.id: x for x in listen_store.sources_in(s, world.acme.id)}
        linked = s.scalar(
            select(func.count()).where(
                listen_store.ListenMentionTopicRow.topic_id == topic_id
            )
        )
        rows = s.scalars(
            select(listen_store.ListenMentionRow).order_by(
                listen_store.ListenMentionRow.created_at
            )
        ).all()
    assert sources[source_id].collected == 2 and sources[broken_id].last_error
    assert linked == 1
    assert [(r.platform, r.url, r.source) for r in rows] == [
        ("web", "https://news.test/2", "feed"),
        ("web", "https://news.test/1", "feed"),
    ]


def test_a_search_source_keeps_only_what_matches_a_topic(
    db: Database, world: World
) -> None:
    add_topic(db, world, "Rival", "rival -giveaway", "competitor")
    source_id = add_source(db, world, kind="search", account_id=world.acme_account_id)
    at = T0 - timedelta(hours=1)
    searcher = FakeSearcher(
        [
            FoundPost(
                "sandbox",
                "p1",
                "rival heaters are scary",
                "ann",
                at,
                url="https://sandbox.test/p1",
                author_followers=50,
            ),
            FoundPost("sandbox", "p2", "rival giveaway!!!", "bot", at),
        ]
    )
    (result,) = collect(db, world, searcher)
    assert searcher.queries == ["rival"] and result.stored == 1
    (again,) = collect(db, world, searcher)
    assert again.stored == 0  # the same post is not stored twice
    (failed,) = collect(db, world, FakeSearcher([], fail=True))
    assert "rate limited" in failed.error

    class Broken(FakeSearcher):
        def search(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            raise RuntimeError("connector bug")

    with serve_feed() as feed:
        feed.body = rss(
            {"guid": "9", "title": "rival news", "link": "https://n.test/9"}
        )
        feed_id = add_source(db, world, kind="feed", url=feed.url)
        results = {r.source_id: r for r in collect(db, world, Broken([]))}
    assert "RuntimeError: connector bug" in results[source_id].error
    assert results[feed_id].stored == 1  # the other source was still read
    with db.session() as s:
        assert listen_store.source_row(s, world.acme.id, source_id).collected == 1


def test_the_collect_job_alerts_once_by_app_email_and_webhook_and_sends_a_digest(
    db: Database, world: World, tmp_path: Path, smtp_server
) -> None:
    settings = make_settings(
        tmp_path,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
        webhooks_allow_private=True,
    )
    add_topic(db, world, "Rival", "rival OR #rivalrecall", "competitor")
    seed_history(db, world.acme.id, T0)
    with db.session() as s:
        ep.create_endpoint(
            s,
            workspace_id=world.acme.id,
            url="http://127.0.0.1:9/hook",
            event_types=["listen.spike"],
            description="",
            box=secret_box_for(settings),
            now=T0,
        )
        enqueue(s, LISTEN_COLLECT, {}, now=T0)
    fake = FakePublisher()
    worker = Worker(
        database=db,
        settings=settings,
        clock=world.clock,
        publishers=lambda _p: fake,
        publish=False,
    )
    run_pending(worker)
    with db.session() as s:
        sent = listen_store.alerts_in(s, world.acme.id)
        bell = notifications_of(s, world.users[Role.SOCIAL_MANAGER].id)
        analyst_bell = notifications_of(s, world.users[Role.ANALYST].id)
        deliveries = s.scalars(select(WebhookDeliveryRow)).all()
        next_run = s.scalars(
            select(JobRow).where(
                JobRow.kind == LISTEN_COLLECT, JobRow.status == "queued"
            )
        ).all()
    expected = {
        ("spike", "Spike in Acme: #rivalrecall"),
        ("sentiment_drop", "Sentiment drop in Acme: Rival"),  # the recall is bad news
    }
    assert {(a.kind.value, a.title) for a in sent} == expected
    assert {n.title for n in bell} == {title for _, title in expected}
    assert analyst_bell == []  # only people who manage listening
    assert len(deliveries) == 1 and deliveries[0].event_type == "listen.spike"
    assert [j.run_at for j in next_run] == [T0 + timedelta(minutes=15)]
    subjects = [m["Subject"] for m in smtp_server.inbox.messages]
    assert "Spike in Acme: #rivalrecall" in subjects
    assert "Listening digest: Acme, 2026-11-02" in subjects
    digest = next(
        m
        for m in smtp_server.inbox.messages
        if m["Subject"].startswith("Listening digest")
    )
    assert (
        "Rival (competitor)" in digest.get_payload()
        and "#rivalrecall" in digest.get_payload()
    )
    assert PERSONAS[Role.ANALYST] not in {m["To"] for m in smtp_server.inbox.messages}
    count = len(smtp_server.inbox.messages)
    with db.session() as s:  # a second check the same day sends nothing again
        assert alerts.check_all(
            s, now=T0 + timedelta(minutes=15), base_url="http://tandem.test"
        ) == {world.acme.id: []}
        assert (
            alerts.send_digest(s, world.acme, now=T0 + timedelta(hours=2), base_url="x")
            is False
        )
    run_pending(worker)
    assert len(smtp_server.inbox.messages) == count


def test_a_sentiment_drop_is_an_alert(db: Database, world: World) -> None:
    add_topic(db, world, "Acme", "acme")
    from tandem.listen.ingest import ingest
    from tandem.listen.records import MentionInput

    happy = [
        MentionInput(
            f"acme boots are lovely and great {i}", T0 - timedelta(days=2, hours=i)
        )
        for i in range(12)
    ]
    angry = [
        MentionInput(
            f"acme boots are awful, broken and terrible {i}",
            T0 - timedelta(hours=i + 1),
        )
        for i in range(12)
    ]
    with db.session() as s:
        ingest(
            s, workspace_id=world.acme.id, mentions=happy + angry, source="test", now=T0
        )
    with db.session() as s:
        found = alerts.sentiment_candidates(s, world.acme, T0)
    assert [c.kind.value for c in found] == ["sentiment_drop"]
    assert found[0].data["recent"] < 0 < found[0].data["before"]
