"""The publish worker announces outcomes: publication.published when a post settles as
published, publication.failed where the failure alert is raised (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from tandem.jobs import run_pending
from tandem.jobs.publishing import publish_next
from tandem.jobs.webhooks import secret_box_for
from tandem.notify import endpoints as ep
from tandem.notify.webhooks import WebhookDeliveryRow
from tandem.publish.ledger import publication
from tandem.publish.policy import Policy
from tandem.publish.ports import ErrorKind
from tandem.settings import Settings
from tandem.storage import Database
from tests.integration.test_publish_ledger import schedule
from tests.integration.test_webhooks import settings_for, worker_for
from tests.support.fake_publisher import UNKNOWN_AFTER, FakePublisher
from tests.support.webhook_receiver import webhook_receiver
from tests.support.world import T0, World

LEASE = timedelta(minutes=5)
BOTH = ["publication.failed", "publication.published"]


def subscribe(db: Database, world: World, settings: Settings, url: str) -> None:
    with db.session() as s:
        ep.create_endpoint(
            s,
            workspace_id=world.acme.id,
            url=url,
            event_types=BOTH,
            box=secret_box_for(settings),
            now=world.clock.now(),
        )


def publish_all(db: Database, world: World, fake: FakePublisher, **kw) -> None:
    while publish_next(
        db,
        publishers=lambda _p: fake,
        clock=world.clock,
        lease=LEASE,
        base_url="http://tandem.test",
        **kw,
    ):
        pass


def test_a_published_post_sends_publication_published_with_its_url(db, world, tmp_path):
    settings = settings_for(tmp_path)
    fake = FakePublisher(now=T0)
    with webhook_receiver() as receiver:
        subscribe(db, world, settings, receiver.url)
        pid = schedule(db, world, "Our Trail Bottle is back")
        publish_all(db, world, fake)
        run_pending(worker_for(db, world, settings))
    (got,) = receiver.received
    event = json.loads(got.body)
    assert event["type"] == "publication.published"
    publication = event["data"]["publication"]
    assert publication["id"] == pid and publication["state"] == "published"
    assert publication["url"] == fake.posts[0].remote.url
    assert publication["platform_post_id"] == "p1"
    assert publication["platform"] == "sandbox"
    assert publication["account"] == {
        "id": world.acme_account_id,
        "handle": "acme",
        "platform": "sandbox",
    }
    assert publication["text"] == ["Our Trail Bottle is back"]
    assert publication["error"] is None
    assert publication["published_at"] == "2026-11-02T09:00:00Z"


def test_a_failing_post_sends_publication_failed_with_the_platform_message(
    db, world, tmp_path
):
    settings = settings_for(tmp_path)
    fake = FakePublisher(now=T0)
    fake.fail_next(ErrorKind.PERMANENT, message="Duplicate content is not allowed.")
    with webhook_receiver() as receiver:
        subscribe(db, world, settings, receiver.url)
        pid = schedule(db, world, "Same again")
        publish_all(db, world, fake)
        run_pending(worker_for(db, world, settings))
    (got,) = receiver.received
    event = json.loads(got.body)
    assert event["type"] == "publication.failed"
    publication = event["data"]["publication"]
    assert publication["id"] == pid and publication["state"] == "failed"
    assert publication["error"] == {
        "kind": "permanent",
        "message": "Duplicate content is not allowed.",
    }
    assert publication["url"] is None and publication["account"]["handle"] == "acme"


def test_a_transient_error_announces_nothing_until_the_post_settles(
    db, world, tmp_path
):
    settings = settings_for(tmp_path)
    fake = FakePublisher(now=T0)
    fake.fail_next(ErrorKind.RETRY, message="503 from the platform")
    with webhook_receiver() as receiver:
        subscribe(db, world, settings, receiver.url)
        schedule(db, world, "Try again")
        publish_all(db, world, fake)
        run_pending(worker_for(db, world, settings))
        assert receiver.received == [], "a retry is not an outcome"
        world.clock.advance(hours=1)
        publish_all(db, world, fake)
        run_pending(worker_for(db, world, settings))
    assert [json.loads(r.body)["type"] for r in receiver.received] == [
        "publication.published"
    ]


def test_a_post_found_by_reconciliation_is_announced_once(db, world, tmp_path):
    settings = settings_for(tmp_path)
    fake = FakePublisher(now=T0)
    fake.fail_next(UNKNOWN_AFTER)
    with webhook_receiver() as receiver:
        subscribe(db, world, settings, receiver.url)
        schedule(db, world, "Did it go out?")
        publish_all(db, world, fake, policy=Policy(settle=timedelta(0)))
        world.clock.advance(hours=1)
        publish_all(db, world, fake, policy=Policy(settle=timedelta(0)))
        run_pending(worker_for(db, world, settings))
    assert len(fake.posts) == 1
    assert [json.loads(r.body)["type"] for r in receiver.received] == [
        "publication.published"
    ]


def test_without_endpoints_publishing_writes_no_webhook_rows(db, world):
    fake = FakePublisher(now=T0)
    schedule(db, world, "Quiet")
    publish_all(db, world, fake)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(WebhookDeliveryRow)) == 0


def test_a_webhook_that_cannot_be_queued_never_blocks_the_post_from_settling(
    db, world, tmp_path, monkeypatch
):
    import tandem.publish.alerts

    def broken(*_args, **_kwargs):
        raise RuntimeError("webhook table unavailable")

    monkeypatch.setattr(tandem.publish.alerts, "emit", broken)
    settings = settings_for(tmp_path)
    subscribe(db, world, settings, "https://example.com/hook")
    pid = schedule(db, world, "Still goes out")
    fake = FakePublisher(now=T0)
    publish_all(db, world, fake)
    with db.session() as s:
        assert publication(s, pid).state == "published"
        assert s.scalar(select(func.count()).select_from(WebhookDeliveryRow)) == 0
    assert len(fake.posts) == 1
