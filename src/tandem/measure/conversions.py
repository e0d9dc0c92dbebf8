"""Conversions recorded server-side (API, CSV import) and the order-id idempotency they
share with the snippet: an order is counted once, however often it is sent.

A thank-you page reloaded, a webhook retried, a CSV imported twice: each sends an order id
again. The first sending is stored (a measure_conversions row and an outbox event); a
repeat with the same value and currency is a duplicate, answered but not stored; a repeat
that disagrees is refused, since silently keeping either would be a guess.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.accounts import store as accounts
from tandem.core import Clock, Conflict, InvalidInput, new_id
from tandem.measure import store
from tandem.measure.model import Conversion, ConversionIn
from tandem.measure.privacy import contact_id
from tandem.measure.shipping import schedule_shipping
from tandem.measure.store import ConversionRow
from tandem.storage.warehouse import EventType, WarehouseEvent

# Ids this collector hands out: cookieless hashes (h_) and consented snippet ids (v_).
VISITOR = re.compile(r"^[hv]_[A-Za-z0-9_-]{8,64}$")
CLOCK_SKEW = timedelta(minutes=5)


def _order_row(event: WarehouseEvent, order_id: str, now: datetime) -> ConversionRow:
    return ConversionRow(
        event_id=event.event_id,
        workspace_id=event.workspace_id,
        order_id=order_id,
        name=str(event.properties.get("name") or "purchase"),
        value=event.value,
        currency=event.currency,
        occurred_at=event.occurred_at,
        contact_id=event.contact_id,
        visitor_id=event.visitor_id,
        created_at=now,
    )


def _claim(session: Session, row: ConversionRow) -> bool:
    """Insert the order row; False when a concurrent request stored the order first."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True


def claim_orders(
    session: Session, workspace_id: str, events: list[WarehouseEvent], *, now: datetime
) -> tuple[list[WarehouseEvent], int]:
    """The events to store, and how many conversions repeated an order already seen."""
    orders = [
        str(e.properties["order_id"])
        for e in events
        if e.type is EventType.CONVERSION and e.properties.get("order_id")
    ]
    if not orders:
        return events, 0
    seen = set(store.conversions_by_order(session, workspace_id, orders))
    kept: list[WarehouseEvent] = []
    for event in events:
        order = event.properties.get("order_id")
        if event.type is EventType.CONVERSION and order:
            if str(order) in seen or not _claim(session, _order_row(event, order, now)):
                continue
            seen.add(str(order))
        kept.append(event)
    return kept, len(events) - len(kept)


def check_conversion(item: ConversionIn, *, now: datetime) -> None:
    """InvalidInput naming the field when `item` cannot be stored as it is."""
    if not item.order_id.strip() or len(item.order_id) > 100:
        raise InvalidInput(
            "order_id must be 1 to 100 characters: your order or lead number.",
            field="order_id",
        )
    if item.occurred_at.tzinfo is None:
        raise InvalidInput(
            "occurred_at needs a time zone, e.g. 2026-11-02T09:00:00Z.",
            field="occurred_at",
        )
    if item.occurred_at > now + CLOCK_SKEW:
        raise InvalidInput(
            "occurred_at is in the future; send when the conversion happened.",
            field="occurred_at",
        )
    if item.value is not None and item.currency is None:
        raise InvalidInput(
            "Send a currency (e.g. EUR) with the value, or leave out the value.",
            field="currency",
        )
    if item.visitor_id is not None and not VISITOR.match(item.visitor_id):
        raise InvalidInput(
            "visitor_id must be an id the Tandem snippet gave (h_... or v_...).",
            field="visitor_id",
        )
    if not item.name.strip() or len(item.name) > 100:
        raise InvalidInput("name must be 1 to 100 characters.", field="name")


def _same(existing: Conversion, item: ConversionIn) -> bool:
    return existing.value == item.value and existing.currency == item.currency


def _event(
    workspace_id: str, item: ConversionIn, *, now: datetime, origin: str
) -> WarehouseEvent:
    return WarehouseEvent(
        event_id=new_id(),
        workspace_id=workspace_id,
        type=EventType.CONVERSION,
        occurred_at=item.occurred_at,
        received_at=now,
        visitor_id=item.visitor_id,
        contact_id=(
            contact_id(workspace_id, item.contact_key) if item.contact_key else None
        ),
        value=item.value,
        currency=item.currency,
        properties={"name": item.name, "order_id": item.order_id, "origin": origin},
    )


def record_conversions(
    session: Session,
    *,
    workspace_id: str,
    items: list[ConversionIn],
    clock: Clock,
    origin: str = "api",
) -> list[tuple[Conversion, bool]]:
    """Store each conversion once per order id; (conversion, created) for every item.

    Raises InvalidInput for an item that cannot be stored and Conflict for an order id
    already recorded with another value or currency; nothing is stored then (the caller's
    transaction rolls back).
    """
    accounts.workspace_by_id(session, workspace_id)
    now = clock.now()
    for item in items:
        check_conversion(item, now=now)
    existing = store.conversions_by_order(
        session, workspace_id, [i.order_id for i in items]
    )
    results: list[tuple[Conversion, bool]] = []
    new_events: list[WarehouseEvent] = []
    for item in items:
        known = existing.get(item.order_id)
        if known is not None:
            if not _same(known, item):
                raise Conflict(
                    f"Order {item.order_id!r} is already recorded with value "
                    f"{known.value} {known.currency or ''}. Send it with the same value, "
                    "or use a new order_id for a new order.",
                    field="order_id",
                )
            results.append((known, False))
            continue
        event = _event(workspace_id, item, now=now, origin=origin)
        row = _order_row(event, item.order_id, now)
        session.add(row)
        conversion = store.to_conversion(row)
        existing[item.order_id] = conversion
        new_events.append(event)
        results.append((conversion, True))
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(
            "Another request is recording the same order right now; retry in a moment.",
            field="order_id",
        ) from None
    store.add_events(session, new_events)
    if new_events:
        schedule_shipping(session, now=now)
    return results
