"""A workspace's webhook endpoints: validation, create, change, disable, delete, history.

Every function takes the workspace id and treats another workspace's endpoint as not found,
so a guessed id reveals nothing.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tandem.core import InvalidInput, NotFound, new_id
from tandem.notify.signing import new_secret
from tandem.notify.webhooks import (
    EVENT_TYPES,
    MAX_URL_LENGTH,
    Delivery,
    Endpoint,
    NewEndpoint,
    SecretBox,
    WebhookDeliveryRow,
    WebhookEndpointRow,
    disable,
    secret_context,
    to_delivery,
    to_endpoint,
)

MAX_ENDPOINTS = 20


# --- validation -------------------------------------------------------------------------


def check_url(url: str) -> str:
    """An absolute http(s) URL without credentials. Private addresses are refused at send
    time (by DNS, which can change), not here."""
    url = url.strip()
    if not url:
        raise InvalidInput("Enter the URL Tandem should POST events to.", field="url")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput(
            f"The URL is longer than {MAX_URL_LENGTH} characters; use a shorter one.",
            field="url",
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            "The URL must start with https:// (or http://) and name a host, "
            "e.g. https://example.com/hooks/tandem.",
            field="url",
        )
    if parts.username or parts.password:
        raise InvalidInput(
            "Remove the user name and password from the URL; verify the signature instead.",
            field="url",
        )
    return url


def check_event_types(event_types: list[str]) -> list[str]:
    chosen = sorted(set(event_types))
    if not chosen:
        raise InvalidInput(
            "Choose at least one event type: " + ", ".join(EVENT_TYPES) + ".",
            field="event_types",
        )
    unknown = [t for t in chosen if t not in EVENT_TYPES]
    if unknown:
        raise InvalidInput(
            f"Unknown event type {unknown[0]!r}; choose from "
            + ", ".join(EVENT_TYPES)
            + ".",
            field="event_types",
        )
    return chosen


def _check_description(description: str) -> str:
    description = description.strip()
    if len(description) > 200:
        raise InvalidInput(
            "The description is longer than 200 characters; shorten it.",
            field="description",
        )
    return description


# --- endpoints --------------------------------------------------------------------------


def endpoint_row(
    session: Session, workspace_id: str, endpoint_id: str
) -> WebhookEndpointRow:
    """An endpoint of this workspace; another workspace's id is "not found" (never revealed)."""
    row = session.get(WebhookEndpointRow, endpoint_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such webhook endpoint in this workspace.")
    return row


def endpoints_of(session: Session, workspace_id: str) -> list[Endpoint]:
    rows = session.scalars(
        select(WebhookEndpointRow)
        .where(WebhookEndpointRow.workspace_id == workspace_id)
        .order_by(WebhookEndpointRow.created_at, WebhookEndpointRow.id)
    )
    return [to_endpoint(r) for r in rows]


def create_endpoint(
    session: Session,
    *,
    workspace_id: str,
    url: str,
    event_types: list[str],
    description: str = "",
    box: SecretBox,
    now: datetime,
) -> NewEndpoint:
    url, chosen = check_url(url), check_event_types(event_types)
    description = _check_description(description)
    count = session.scalar(
        select(func.count()).where(WebhookEndpointRow.workspace_id == workspace_id)
    )
    if (count or 0) >= MAX_ENDPOINTS:
        raise InvalidInput(
            f"A workspace can have {MAX_ENDPOINTS} webhook endpoints; delete one first.",
            field="url",
        )
    secret, endpoint_id = new_secret(), new_id()
    row = WebhookEndpointRow(
        id=endpoint_id,
        workspace_id=workspace_id,
        url=url,
        description=description,
        event_types=chosen,
        secret=box.seal(secret, context=secret_context(endpoint_id)),
        enabled=True,
        disabled_reason="",
        consecutive_failures=0,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return NewEndpoint(to_endpoint(row), secret)


def update_endpoint(
    session: Session,
    *,
    workspace_id: str,
    endpoint_id: str,
    now: datetime,
    url: str | None = None,
    event_types: list[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> Endpoint:
    """Change what is given. Enabling again clears the failure count and the reason."""
    row = endpoint_row(session, workspace_id, endpoint_id)
    if url is not None:
        row.url = check_url(url)
    if event_types is not None:
        row.event_types = check_event_types(event_types)
    if description is not None:
        row.description = _check_description(description)
    if enabled is True and not row.enabled:
        row.enabled, row.disabled_reason, row.consecutive_failures = True, "", 0
    elif enabled is False and row.enabled:
        disable(session, row, reason="Disabled by a member of the workspace.", now=now)
    row.updated_at = now
    return to_endpoint(row)


def delete_endpoint(
    session: Session, *, workspace_id: str, endpoint_id: str
) -> Endpoint:
    """Delete the endpoint and its delivery history (its jobs then find nothing to send)."""
    row = endpoint_row(session, workspace_id, endpoint_id)
    gone = to_endpoint(row)
    session.execute(
        delete(WebhookDeliveryRow).where(WebhookDeliveryRow.endpoint_id == row.id)
    )
    session.delete(row)
    return gone


def deliveries_of(
    session: Session, workspace_id: str, endpoint_id: str, *, limit: int = 20
) -> list[Delivery]:
    endpoint_row(session, workspace_id, endpoint_id)
    rows = session.scalars(
        select(WebhookDeliveryRow)
        .where(WebhookDeliveryRow.endpoint_id == endpoint_id)
        .order_by(WebhookDeliveryRow.created_at.desc(), WebhookDeliveryRow.id)
        .limit(limit)
    )
    return [to_delivery(r) for r in rows]
