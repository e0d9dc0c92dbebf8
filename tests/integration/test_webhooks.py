"""Outbound webhooks over real HTTP on 127.0.0.1, on SQLite and PostgreSQL: signed, retried
on a schedule, stopped by 410 Gone, disabled after repeated failure, never sent on rollback."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tandem.core import NotFound
from tandem.jobs import Worker, run_pending
from tandem.jobs.webhooks import secret_box_for
from tandem.notify import EmailMessage, notifications_of
from tandem.notify import endpoints as ep
from tandem.notify import webhooks as wh
from tandem.notify.webhooks import (
    DeliveryStatus,
    EventWorkspace,
    WebhookDeliveryRow,
    WebhookEndpointRow,
)
from tandem.settings import Settings
from tandem.storage import Database
from tandem.storage.queue import JobRow, enqueue
from tests.support.fake_publisher import FakePublisher
from tests.support.webhook_receiver import Receiver, webhook_receiver
from tests.support.world import World

FAILED = "publication.failed"


class Mailbox:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


def settings_for(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path,
        "secret_key": "k" * 48,
        "log_format": "text",
        "base_url": "http://tandem.test",
        "webhooks_allow_private": True,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def worker_for(db: Database, world: World, settings: Settings) -> Worker:
    fake = FakePublisher()
    return Worker(
        database=db,
        settings=settings,
        clock=world.clock,
        email=Mailbox(),
        publishers=lambda _p: fake,
        publish=False,
    )


def add_endpoint(
    db: Database, world: World, settings: Settings, url: str, workspace_id: str = ""
) -> wh.NewEndpoint:
    with db.session() as s:
        return ep.create_endpoint(
            s,
            workspace_id=workspace_id or world.acme.id,
            url=url,
            event_types=[FAILED],
            description="CRM",
            box=secret_box_for(settings),
            now=world.clock.now(),
        )


def emit(db: Database, world: World, event_type: str = FAILED) -> list[str]:
    a = world.acme
    with db.session() as s:
        return wh.emit(
            s,
            workspace=EventWorkspace(a.id, a.slug, a.name),
            event_type=event_type,
            data={"publication": {"id": "p1", "state": "failed"}},
            now=world.clock.now(),
        )


def delivery(db: Database, delivery_id: str) -> WebhookDeliveryRow:
    with db.session() as s:
        row = s.get(WebhookDeliveryRow, delivery_id)
        assert row is not None
        s.expunge(row)
        return row


def endpoint(db: Database, endpoint_id: str) -> WebhookEndpointRow:
    with db.session() as s:
        row = s.get(WebhookEndpointRow, endpoint_id)
        assert row is not None
        s.expunge(row)
        return row


def drain(worker: Worker, world: World, receiver: Receiver, days: int = 2) -> None:
    """Run every attempt due within `days`, an hour of clock at a time."""
    for _ in range(days * 24):
        run_pending(worker)
        world.clock.advance(hours=1)


def test_an_event_reaches_a_real_server_signed_so_the_receiver_can_verify_it(
    db, world, tmp_path
):
    settings = settings_for(tmp_path)
    with webhook_receiver() as receiver:
        created = add_endpoint(db, world, settings, receiver.url)
        (delivery_id,) = emit(db, world)
        assert run_pending(worker_for(db, world, settings)) == 1
    (got,) = receiver.received
    assert got.path == "/hooks/tandem"
    key = base64.b64decode(created.secret.removeprefix("whsec_"))
    signed = f"{got.headers['webhook-id']}.{got.headers['webhook-timestamp']}.".encode()
    expected = base64.b64encode(
        hmac.new(key, signed + got.body, hashlib.sha256).digest()
    ).decode()
    assert got.headers["webhook-signature"] == f"v1,{expected}"
    assert got.headers["webhook-timestamp"] == str(int(world.clock.now().timestamp()))
    assert got.headers["user-agent"].startswith("Tandem/")
    payload = json.loads(got.body)
    assert payload["type"] == FAILED and payload["id"] == got.headers["webhook-id"]
    assert payload["workspace"] == {
        "id": world.acme.id,
        "slug": world.acme.slug,
        "name": world.acme.name,
    }
    assert payload["timestamp"] == "2026-11-02T09:00:00Z"
    assert payload["data"]["publication"]["id"] == "p1"
    row = delivery(db, delivery_id)
    assert row.status == DeliveryStatus.DELIVERED and row.response_status == 200
    assert row.attempts == 1 and row.delivered_at == world.clock.now()


def test_the_secret_is_sealed_at_rest_and_opens_only_on_its_own_row(
    db, world, tmp_path
):
    settings = settings_for(tmp_path)
    created = add_endpoint(db, world, settings, "https://example.com/hook")
    stored = endpoint(db, created.endpoint.id).secret
    assert created.secret not in stored
    box = secret_box_for(settings)
    context = wh.secret_context(created.endpoint.id)
    assert box.unseal(stored, context=context) == created.secret
    with pytest.raises(Exception, match="integrity"):
        box.unseal(stored, context=wh.secret_context("another"))


def test_a_500_is_retried_on_schedule_with_the_same_id_and_body_then_delivered(
    db, world, tmp_path
):
    settings = settings_for(tmp_path)
    worker = worker_for(db, world, settings)
    with webhook_receiver() as receiver:
        receiver.answer_next(500)
        add_endpoint(db, world, settings, receiver.url)
        (delivery_id,) = emit(db, world)
        run_pending(worker)
        waiting = delivery(db, delivery_id)
        assert waiting.status == DeliveryStatus.PENDING
        assert waiting.response_status == 500 and waiting.last_error == "HTTP 500: boom"
        assert waiting.next_attempt_at is not None
        wait = waiting.next_attempt_at - world.clock.now()
        assert timedelta(seconds=8) <= wait <= timedelta(seconds=12)
        assert run_pending(worker) == 0, "not due before its time"
        world.clock.advance(seconds=12)
        assert run_pending(worker) == 1
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    done = delivery(db, delivery_id)
    assert done.status == DeliveryStatus.DELIVERED and done.attempts == 2
    assert done.response_status == 200 and done.last_error == ""


def test_410_gone_disables_the_endpoint_at_once_and_tells_the_admins(
    db, world, tmp_path
):
    from tandem.accounts import Role

    settings = settings_for(tmp_path)
    worker = worker_for(db, world, settings)
    with webhook_receiver() as receiver:
        receiver.answer_next(410)
        created = add_endpoint(db, world, settings, receiver.url)
        (delivery_id,) = emit(db, world)
        run_pending(worker)
        world.clock.advance(days=2)
        run_pending(worker)
        assert emit(db, world) == [], "a disabled endpoint gets nothing"
    assert len(receiver.received) == 1, "410 is never retried"
    assert delivery(db, delivery_id).status == DeliveryStatus.FAILED
    row = endpoint(db, created.endpoint.id)
    assert not row.enabled and "410 Gone" in row.disabled_reason
    with db.session() as s:
        owner = notifications_of(s, world.users[Role.OWNER].id)
        approver = notifications_of(s, world.users[Role.APPROVER].id)
    assert [n.kind for n in owner] == ["webhook.disabled"]
    assert receiver.url in owner[0].title and "410 Gone" in owner[0].body
    assert approver == [], "only people who can turn it back on are told"


def test_eight_failed_attempts_fail_a_delivery_and_n_in_a_row_disable_the_endpoint(
    db, world, tmp_path
):
    settings = settings_for(tmp_path, webhooks_disable_after=2)
    worker = worker_for(db, world, settings)
    with webhook_receiver() as receiver:
        receiver.answer_next(*[503] * 20)
        created = add_endpoint(db, world, settings, receiver.url)
        first = emit(db, world)[0]
        drain(worker, world, receiver)
        assert delivery(db, first).status == DeliveryStatus.FAILED
        assert delivery(db, first).attempts == 8
        assert len(receiver.received) == 8
        assert endpoint(db, created.endpoint.id).enabled, "one failure is not enough"
        second = emit(db, world)[0]
        drain(worker, world, receiver)
    assert len(receiver.received) == 16
    assert delivery(db, second).status == DeliveryStatus.FAILED
    row = endpoint(db, created.endpoint.id)
    assert not row.enabled and "2 deliveries in a row" in row.disabled_reason
    assert "HTTP 503" in row.disabled_reason


def test_a_success_resets_the_failure_count(db, world, tmp_path):
    settings = settings_for(tmp_path, webhooks_disable_after=2)
    worker = worker_for(db, world, settings)
    with webhook_receiver() as receiver:
        receiver.answer_next(*[500] * 8)
        created = add_endpoint(db, world, settings, receiver.url)
        emit(db, world)
        drain(worker, world, receiver)
        assert endpoint(db, created.endpoint.id).consecutive_failures == 1
        emit(db, world)
        drain(worker, world, receiver)
    row = endpoint(db, created.endpoint.id)
    assert row.enabled and row.consecutive_failures == 0


def test_a_slow_receiver_times_out_and_is_tried_again(db, world, tmp_path):
    settings = settings_for(tmp_path, webhooks_timeout_seconds=0.3)
    with webhook_receiver() as receiver:
        receiver.delay = 1.0
        add_endpoint(db, world, settings, receiver.url)
        (delivery_id,) = emit(db, world)
        run_pending(worker_for(db, world, settings))
    row = delivery(db, delivery_id)
    assert row.status == DeliveryStatus.PENDING and row.response_status is None
    assert row.last_error == "No answer within 0.3 seconds."


def test_the_http_call_holds_no_database_lock_so_others_can_write_meanwhile(
    db, world, tmp_path
):
    settings = settings_for(tmp_path)
    took: list[float] = []

    def write_while_the_sender_waits() -> None:
        started = time.monotonic()
        add_endpoint(db, world, settings, "https://example.com/other")
        took.append(time.monotonic() - started)

    with webhook_receiver() as receiver:
        receiver.on_request = write_while_the_sender_waits
        add_endpoint(db, world, settings, receiver.url)
        (delivery_id,) = emit(db, world)
        run_pending(worker_for(db, world, settings))
    assert len(took) == 1 and took[0] < 2.0, took
    assert delivery(db, delivery_id).status == DeliveryStatus.DELIVERED


def test_private_addresses_are_refused_unless_the_setting_allows_them(
    db, world, tmp_path
):
    settings = settings_for(tmp_path, webhooks_allow_private=False)
    with webhook_receiver() as receiver:
        add_endpoint(db, world, settings, receiver.url)
        (delivery_id,) = emit(db, world)
        run_pending(worker_for(db, world, settings))
    assert receiver.received == []
    row = delivery(db, delivery_id)
    assert row.status == DeliveryStatus.FAILED, "retrying cannot help"
    assert "private or local address" in row.last_error
    assert "TANDEM_WEBHOOKS_ALLOW_PRIVATE" in row.last_error


def test_an_event_whose_transaction_rolled_back_is_never_sent(db, world, tmp_path):
    settings = settings_for(tmp_path)
    add_endpoint(db, world, settings, "https://example.com/hook")
    a = world.acme
    with pytest.raises(RuntimeError), db.session() as s:
        wh.emit(
            s,
            workspace=EventWorkspace(a.id, a.slug, a.name),
            event_type=FAILED,
            data={},
            now=world.clock.now(),
        )
        raise RuntimeError("the change that caused the event failed")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(WebhookDeliveryRow)) == 0
        assert s.scalar(select(func.count()).select_from(JobRow)) == 0


def test_a_duplicate_job_for_an_attempt_already_made_sends_nothing(db, world, tmp_path):
    settings = settings_for(tmp_path)
    worker = worker_for(db, world, settings)
    with webhook_receiver() as receiver:
        add_endpoint(db, world, settings, receiver.url)
        (delivery_id,) = emit(db, world)
        run_pending(worker)
        with db.session() as s:
            enqueue(
                s,
                wh.DELIVER_WEBHOOK,
                {"delivery_id": delivery_id, "attempt": 1},
                now=world.clock.now(),
            )
        assert run_pending(worker) == 1
    assert len(receiver.received) == 1


def test_events_only_reach_subscribed_endpoints_of_their_own_workspace(
    db, world, tmp_path
):
    settings = settings_for(tmp_path)
    add_endpoint(db, world, settings, "https://beta.example/hook", world.beta.id)
    assert emit(db, world) == [], "beta's endpoint hears nothing of acme"
    acme = add_endpoint(db, world, settings, "https://acme.example/hook")
    assert emit(db, world, "publication.published") == [], "not subscribed to it"
    assert len(emit(db, world)) == 1
    with db.session() as s, pytest.raises(NotFound):
        ep.endpoint_row(s, world.beta.id, acme.endpoint.id)
    with db.session() as s, pytest.raises(NotFound):
        ep.deliveries_of(s, world.beta.id, acme.endpoint.id)
