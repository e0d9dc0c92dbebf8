"""Outbound webhooks: the tables, the event types, and the outbox (`emit`).

`emit` writes one delivery row per subscribed endpoint and one job per delivery in the
caller's transaction (an outbox: an event that rolled back is never announced). The worker
sends them later (`tandem.notify.delivery`), signed, with retries over about a day.
Any capability can emit; the event type says what happened. Managing endpoints is in
`tandem.notify.endpoints`, signatures in `tandem.notify.signing`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import JSON, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import new_id
from tandem.storage import Base, UTCDateTime
from tandem.storage.queue import enqueue

DELIVER_WEBHOOK = "deliver_webhook"
TEST_EVENT = "webhook.test"

# Event type -> what it means (shown next to the checkbox). Later capabilities add theirs.
EVENT_TYPES: dict[str, str] = {
    "publication.published": "A post went out on its platform.",
    "publication.failed": "A post failed and needs someone (with the platform's reason).",
}
MAX_URL_LENGTH = 2000


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    DELIVERED = "delivered"
    FAILED = "failed"  # every attempt failed, or the endpoint answered 410 Gone
    CANCELLED = "cancelled"  # the endpoint was disabled before it went out


class SecretBox(Protocol):
    """Seals endpoint secrets at rest. Secrets must be recoverable (we sign with them)."""

    def seal(self, plaintext: str, *, context: str) -> str: ...

    def unseal(self, sealed: str, *, context: str) -> str: ...


class PlainSecrets:
    """Keeps secrets as they are, marked `plain:`; for installs without an encryption key and
    for tests. The marker lets a later key seal existing secrets without guessing."""

    PREFIX = "plain:"

    def seal(self, plaintext: str, *, context: str) -> str:  # noqa: ARG002  (the Protocol's)
        return self.PREFIX + plaintext

    def unseal(self, sealed: str, *, context: str) -> str:  # noqa: ARG002  (the Protocol's)
        if not sealed.startswith(self.PREFIX):
            raise ValueError(
                "this webhook secret was sealed with a key; unseal it with that"
            )
        return sealed[len(self.PREFIX) :]


class WebhookEndpointRow(Base):
    __tablename__ = "webhook_endpoints"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(MAX_URL_LENGTH))
    description: Mapped[str] = mapped_column(String(200), default="")
    event_types: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(Text)  # sealed by a SecretBox
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str] = mapped_column(Text, default="")
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebhookDeliveryRow(Base):
    """One event to one endpoint. `body` is kept as sent: the signature covers these bytes."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_endpoint_created", "endpoint_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    endpoint_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    event_id: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response_status: Mapped[int | None] = mapped_column()
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class EventWorkspace:
    """The workspace as receivers see it in every payload (notify cannot look it up itself)."""

    id: str
    slug: str
    name: str


@dataclass(frozen=True)
class Endpoint:
    id: str
    workspace_id: str
    url: str
    description: str
    event_types: list[str]
    enabled: bool
    disabled_reason: str
    consecutive_failures: int
    created_at: datetime


@dataclass(frozen=True)
class NewEndpoint:
    """An endpoint just created: the only time its signing secret is shown."""

    endpoint: Endpoint
    secret: str


@dataclass(frozen=True)
class Delivery:
    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    status: str
    attempts: int
    response_status: int | None
    last_error: str
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None
    delivered_at: datetime | None


def to_endpoint(row: WebhookEndpointRow) -> Endpoint:
    return Endpoint(
        row.id,
        row.workspace_id,
        row.url,
        row.description,
        list(row.event_types),
        row.enabled,
        row.disabled_reason,
        row.consecutive_failures,
        row.created_at,
    )


def to_delivery(row: WebhookDeliveryRow) -> Delivery:
    return Delivery(
        row.id,
        row.endpoint_id,
        row.event_id,
        row.event_type,
        row.status,
        row.attempts,
        row.response_status,
        row.last_error,
        row.created_at,
        row.last_attempt_at,
        row.next_attempt_at,
        row.delivered_at,
    )


def secret_context(endpoint_id: str) -> str:
    """Binds a sealed secret to its row: copied onto another endpoint, it does not open."""
    return f"webhook-endpoint:{endpoint_id}"


def disable(
    session: Session, row: WebhookEndpointRow, *, reason: str, now: datetime
) -> None:
    """Stop sending to this endpoint; deliveries still waiting are cancelled."""
    row.enabled, row.disabled_reason, row.updated_at = False, reason, now
    waiting = session.scalars(
        select(WebhookDeliveryRow).where(
            WebhookDeliveryRow.endpoint_id == row.id,
            WebhookDeliveryRow.status == DeliveryStatus.PENDING,
        )
    )
    for delivery in waiting:
        delivery.status = DeliveryStatus.CANCELLED
        delivery.next_attempt_at = None
        delivery.last_error = (
            delivery.last_error or "Cancelled: the endpoint was disabled."
        )


# --- events -----------------------------------------------------------------------------


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_body(
    *,
    event_id: str,
    event_type: str,
    workspace: EventWorkspace,
    data: dict[str, Any],
    now: datetime,
) -> str:
    """The JSON every receiver gets (docs/webhooks.md). Compact and key-sorted, so stable."""
    envelope = {
        "id": event_id,
        "type": event_type,
        "timestamp": iso(now),
        "workspace": {
            "id": workspace.id,
            "slug": workspace.slug,
            "name": workspace.name,
        },
        "data": data,
    }
    return json.dumps(
        envelope, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def has_subscribers(session: Session, workspace_id: str, event_type: str) -> bool:
    """Cheap check before building a payload: most workspaces have no endpoints at all."""
    rows = session.scalars(
        select(WebhookEndpointRow.event_types).where(
            WebhookEndpointRow.workspace_id == workspace_id, WebhookEndpointRow.enabled
        )
    )
    return any(event_type in types for types in rows)


def emit(
    session: Session,
    *,
    workspace: EventWorkspace,
    event_type: str,
    data: dict[str, Any],
    now: datetime,
    endpoint_id: str | None = None,
) -> list[str]:
    """Queue the event for every enabled endpoint subscribed to it (or for one endpoint, as
    a test). Returns the delivery ids; nothing is written when nobody listens."""
    if event_type not in EVENT_TYPES and event_type != TEST_EVENT:
        raise ValueError(
            f"unknown webhook event type {event_type!r}; add it to EVENT_TYPES"
        )
    query = select(WebhookEndpointRow).where(
        WebhookEndpointRow.workspace_id == workspace.id, WebhookEndpointRow.enabled
    )
    if endpoint_id is not None:
        query = query.where(WebhookEndpointRow.id == endpoint_id)
    targets = [
        row
        for row in session.scalars(query.order_by(WebhookEndpointRow.id))
        if endpoint_id is not None or event_type in row.event_types
    ]
    if not targets:
        return []
    event_id = new_id()
    body = event_body(
        event_id=event_id,
        event_type=event_type,
        workspace=workspace,
        data=data,
        now=now,
    )
    ids = []
    for endpoint in targets:
        delivery_id = new_id()
        session.add(
            WebhookDeliveryRow(
                id=delivery_id,
                workspace_id=workspace.id,
                endpoint_id=endpoint.id,
                event_id=event_id,
                event_type=event_type,
                body=body,
                status=DeliveryStatus.PENDING,
                attempts=0,
                next_attempt_at=now,
                last_error="",
                created_at=now,
            )
        )
        schedule_attempt(session, delivery_id, workspace.id, attempt=1, at=now, now=now)
        ids.append(delivery_id)
    return ids


def schedule_attempt(
    session: Session,
    delivery_id: str,
    workspace_id: str,
    *,
    attempt: int,
    at: datetime,
    now: datetime,
) -> str:
    """One job per attempt. The job carries its attempt number, so a duplicate job (a crash
    after the attempt committed) finds the delivery moved on and does nothing."""
    return enqueue(
        session,
        DELIVER_WEBHOOK,
        {"delivery_id": delivery_id, "attempt": attempt},
        now=now,
        workspace_id=workspace_id,
        run_at=at,
        max_attempts=3,
    )
