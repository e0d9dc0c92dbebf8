"""Sending one webhook delivery: sign, POST, record, and schedule the next try.

Retries follow a fixed schedule with jitter (RETRY_SCHEDULE, about 23 hours over 8 attempts,
close to what Standard Webhooks senders such as svix use), so a receiver that is down for a
night still gets every event. A 2xx ends it; 410 Gone disables the endpoint at once; an
endpoint whose deliveries keep failing for good is disabled after `disable_after` of them.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
from sqlalchemy.orm import Session

from tandem.core.http import BlockedAddress, http_client
from tandem.notify import signing
from tandem.notify.webhooks import (
    DeliveryStatus,
    SecretBox,
    WebhookDeliveryRow,
    WebhookEndpointRow,
    disable,
    schedule_attempt,
    secret_context,
)
from tandem.storage import UnitOfWork

log = logging.getLogger("tandem.webhooks")

# Wait before attempt 2, 3, ... 8 (attempt 1 goes out at once): 10 s, 1 min, 5 min, 30 min,
# 2 h, 6 h, 14 h: about 22.6 hours in all, each stretched or shrunk by up to 20 % (jitter).
RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(seconds=10),
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=14),
)
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
JITTER = 0.2
MAX_RETRY_AFTER = timedelta(hours=24)
EXCERPT = 300


@dataclass(frozen=True)
class DeliveryPolicy:
    timeout_seconds: float = 10.0
    allow_private: bool = False
    disable_after: int = 5  # deliveries in a row that failed for good
    schedule: tuple[timedelta, ...] = RETRY_SCHEDULE
    rng: random.Random = field(default_factory=random.Random)
    transport: httpx.BaseTransport | None = None  # tests may replace the network

    @property
    def max_attempts(self) -> int:
        return len(self.schedule) + 1


@dataclass(frozen=True)
class Outcome:
    """What one attempt did. `disabled` is set when this attempt turned the endpoint off."""

    status: DeliveryStatus | None  # None: nothing to do (already settled or superseded)
    response_status: int | None = None
    error: str = ""
    retry_at: datetime | None = None
    disabled: bool = False
    endpoint_id: str = ""
    workspace_id: str = ""


def retry_delay(
    attempt: int, policy: DeliveryPolicy, retry_after: timedelta | None = None
) -> timedelta | None:
    """The wait after failed attempt number `attempt` (1-based), or None when it was the last."""
    if attempt >= policy.max_attempts:
        return None
    planned = policy.schedule[attempt - 1]
    wait = planned * policy.rng.uniform(1 - JITTER, 1 + JITTER)
    if retry_after is not None:
        wait = max(wait, min(retry_after, MAX_RETRY_AFTER))
    return wait


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as seconds or an HTTP date (RFC 9110 section 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(timedelta(0), when - now)


@dataclass(frozen=True)
class _Response:
    status: int | None
    error: str
    retry_after: timedelta | None = None
    permanent: bool = False


def _post(
    url: str,
    headers: dict[str, str],
    body: bytes,
    policy: DeliveryPolicy,
    now: datetime,
) -> _Response:
    client = http_client(
        allow_private=policy.allow_private,
        timeout=httpx.Timeout(policy.timeout_seconds),
        transport=policy.transport,
    )
    try:
        # Streamed: only the start of an error body is read, however much is sent.
        with (
            client,
            client.stream("POST", url, content=body, headers=headers) as answer,
        ):
            status, retry_header = answer.status_code, answer.headers.get("retry-after")
            head = b"" if 200 <= status < 300 else _head(answer)
    except BlockedAddress as exc:
        hint = " Set TANDEM_WEBHOOKS_ALLOW_PRIVATE=true to allow endpoints on your own network."
        return _Response(None, f"{exc}{hint}", permanent=True)
    except httpx.TimeoutException:
        return _Response(None, f"No answer within {policy.timeout_seconds:g} seconds.")
    except httpx.HTTPError as exc:
        return _Response(None, f"Could not connect: {exc}")
    if 200 <= status < 300:
        return _Response(status, "")
    excerpt = " ".join(head.decode("utf-8", "replace").split())[:EXCERPT]
    error = f"HTTP {status}" + (f": {excerpt}" if excerpt else "")
    return _Response(status, error, parse_retry_after(retry_header, now))


def _head(response: httpx.Response) -> bytes:
    head = b""
    for chunk in response.iter_bytes():
        head += chunk
        if len(head) >= EXCERPT:
            break
    return head[:EXCERPT]


@dataclass(frozen=True)
class _Request:
    url: str
    headers: dict[str, str]
    body: bytes


def _due(
    session: Session, delivery_id: str, attempt: int
) -> tuple[WebhookDeliveryRow, WebhookEndpointRow] | None:
    """The delivery and its endpoint if attempt number `attempt` is still to be made. A
    duplicate job (the attempt was already recorded) or a settled or deleted delivery
    gives None."""
    delivery = session.get(WebhookDeliveryRow, delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return None
    if delivery.attempts != attempt - 1:
        return None
    endpoint = session.get(WebhookEndpointRow, delivery.endpoint_id)
    return None if endpoint is None else (delivery, endpoint)


def _prepare(
    uow: UnitOfWork, delivery_id: str, attempt: int, box: SecretBox, now: datetime
) -> _Request | Outcome:
    with uow.session() as session:
        due = _due(session, delivery_id, attempt)
        if due is None:
            return Outcome(None)
        delivery, endpoint = due
        if not endpoint.enabled:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.CANCELLED, None
            delivery.last_error = "Cancelled: the endpoint is disabled."
            return _outcome(endpoint, DeliveryStatus.CANCELLED)
        body = delivery.body.encode()
        secret = box.unseal(endpoint.secret, context=secret_context(endpoint.id))
        headers = signing.headers(
            secret,
            message_id=delivery.event_id,
            timestamp=int(now.timestamp()),
            body=body,
        )
        return _Request(endpoint.url, headers, body)


def attempt_delivery(
    uow: UnitOfWork,
    *,
    delivery_id: str,
    attempt: int,
    box: SecretBox,
    now: datetime,
    policy: DeliveryPolicy,
    on_disabled: Callable[[Session, Outcome], object] | None = None,
) -> Outcome:
    """Make attempt number `attempt` of a delivery, if it is still due; record what happened.
    `on_disabled` runs in the transaction that turned the endpoint off (to tell people).

    Three steps, and the HTTP call holds no transaction (on SQLite a transaction holds the
    write lock, and a receiver may take `timeout_seconds` to answer). A crash before the
    outcome commits leaves the delivery as it was, so the job runs the attempt again:
    delivery is at least once, and receivers deduplicate on webhook-id."""
    request = _prepare(uow, delivery_id, attempt, box, now)
    if isinstance(request, Outcome):
        return request
    result = _post(request.url, request.headers, request.body, policy, now)
    with uow.session() as session:
        outcome = _record(session, delivery_id, attempt, result, now, policy)
        if outcome.disabled and on_disabled is not None:
            on_disabled(session, outcome)
        return outcome


def _record(
    session: Session,
    delivery_id: str,
    attempt: int,
    result: _Response,
    now: datetime,
    policy: DeliveryPolicy,
) -> Outcome:
    due = _due(session, delivery_id, attempt)
    if due is None:
        return Outcome(None)  # deleted, disabled or settled while we were sending
    delivery, endpoint = due
    delivery.attempts, delivery.last_attempt_at = attempt, now
    delivery.response_status, delivery.last_error = result.status, result.error
    if result.status is not None and 200 <= result.status < 300:
        delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
        delivery.next_attempt_at = None
        endpoint.consecutive_failures = 0
        return _outcome(endpoint, DeliveryStatus.DELIVERED, result)
    if result.status == 410:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        reason = (
            f"The endpoint answered 410 Gone on {_stamp(now)}; "
            "enable it again once it is back."
        )
        disable(session, endpoint, reason=reason, now=now)
        return _outcome(endpoint, DeliveryStatus.FAILED, result, disabled=True)
    wait = (
        None if result.permanent else retry_delay(attempt, policy, result.retry_after)
    )
    if wait is None:
        return _give_up(session, delivery, endpoint, result, now, policy)
    delivery.next_attempt_at = now + wait
    schedule_attempt(
        session,
        delivery.id,
        endpoint.workspace_id,
        attempt=attempt + 1,
        at=now + wait,
        now=now,
    )
    return _outcome(endpoint, DeliveryStatus.PENDING, result, retry_at=now + wait)


def _give_up(
    session: Session,
    delivery: WebhookDeliveryRow,
    endpoint: WebhookEndpointRow,
    result: _Response,
    now: datetime,
    policy: DeliveryPolicy,
) -> Outcome:
    delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    endpoint.consecutive_failures += 1
    disabled = endpoint.consecutive_failures >= policy.disable_after
    if disabled:
        reason = (
            f"Disabled on {_stamp(now)} after {endpoint.consecutive_failures} deliveries "
            f"in a row failed for good (last: {result.error or 'no answer'}). "
            "Fix the receiver, then enable the endpoint again."
        )
        disable(session, endpoint, reason=reason, now=now)
    log.warning(
        "webhook delivery failed for good",
        extra={
            "delivery_id": delivery.id,
            "endpoint_id": endpoint.id,
            "error": result.error,
        },
    )
    return _outcome(endpoint, DeliveryStatus.FAILED, result, disabled=disabled)


def _outcome(
    endpoint: WebhookEndpointRow,
    status: DeliveryStatus,
    result: _Response | None = None,
    *,
    retry_at: datetime | None = None,
    disabled: bool = False,
) -> Outcome:
    return Outcome(
        status,
        response_status=result.status if result else None,
        error=result.error if result else "",
        retry_at=retry_at,
        disabled=disabled,
        endpoint_id=endpoint.id,
        workspace_id=endpoint.workspace_id,
    )


def _stamp(now: datetime) -> str:
    return now.strftime("%Y-%m-%d %H:%M UTC")
