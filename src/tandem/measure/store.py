"""Rows and queries of measurement: sites, the collector outbox, daily salts, conversions.

The outbox is where a collected event becomes durable: the collector inserts it in the
request's transaction (so a 2xx means it is stored) and the ship job moves it to the
warehouse in batches and deletes it. Only dataclasses from measure.model leave this module.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.links.store import TrackedLinkRow
from tandem.measure.model import Conversion, PrivacyMode, Site, Traffic
from tandem.storage import Base, JSONDict, UTCDateTime
from tandem.storage.warehouse import EventType, WarehouseEvent

# SQLite only auto-numbers an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
SEQ = BigInteger().with_variant(Integer(), "sqlite")


class SiteRow(Base):
    __tablename__ = "measure_sites"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    domains: Mapped[str] = mapped_column(Text)  # space-separated host names
    privacy: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OutboxRow(Base):
    """One collected event waiting for the warehouse; deleted once shipped."""

    __tablename__ = "measure_outbox"
    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(32))
    workspace_id: Mapped[str] = mapped_column(String(32))
    type: Mapped[str] = mapped_column(String(16))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    visitor_id: Mapped[str | None] = mapped_column(String(40))
    contact_id: Mapped[str | None] = mapped_column(String(40))
    channel: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str | None] = mapped_column(String(100))
    medium: Mapped[str | None] = mapped_column(String(100))
    campaign: Mapped[str | None] = mapped_column(String(100))
    content: Mapped[str | None] = mapped_column(String(100))
    term: Mapped[str | None] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(Text)
    referrer: Mapped[str | None] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    properties: Mapped[dict[str, Any]] = mapped_column(JSONDict())


class SaltRow(Base):
    """The cookieless hash salt of one UTC day; deleted the day after (privacy.py)."""

    __tablename__ = "measure_salts"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))


class ConversionRow(Base):
    """Conversions that carry an order id, so a repeat of the order is recognised."""

    __tablename__ = "measure_conversions"
    __table_args__ = (UniqueConstraint("workspace_id", "order_id"),)
    event_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    order_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    value: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    contact_id: Mapped[str | None] = mapped_column(String(40))
    visitor_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# ---- sites ------------------------------------------------------------------------------


def to_site(row: SiteRow) -> Site:
    return Site(
        id=row.id,
        workspace_id=row.workspace_id,
        key=row.key,
        name=row.name,
        domains=tuple(row.domains.split()),
        privacy=PrivacyMode(row.privacy),
        created_at=row.created_at,
    )


def site_by_key(session: Session, key: str) -> Site | None:
    row = session.scalar(select(SiteRow).where(SiteRow.key == key))
    return to_site(row) if row else None


def sites_of(session: Session, workspace_id: str) -> list[Site]:
    rows = session.scalars(
        select(SiteRow)
        .where(SiteRow.workspace_id == workspace_id)
        .order_by(SiteRow.created_at, SiteRow.id)
    )
    return [to_site(r) for r in rows]


# ---- outbox -----------------------------------------------------------------------------


def add_events(session: Session, events: Sequence[WarehouseEvent]) -> None:
    """Insert events into the outbox in the caller's transaction (one multi-row INSERT)."""
    if not events:
        return
    session.execute(
        insert(OutboxRow),
        [
            {
                "event_id": e.event_id,
                "workspace_id": e.workspace_id,
                "type": EventType(e.type).value,
                "occurred_at": e.occurred_at,
                "received_at": e.received_at,
                "visitor_id": e.visitor_id,
                "contact_id": e.contact_id,
                "channel": e.channel,
                "source": e.source,
                "medium": e.medium,
                "campaign": e.campaign,
                "content": e.content,
                "term": e.term,
                "url": e.url,
                "referrer": e.referrer,
                "value": e.value,
                "currency": e.currency,
                "properties": e.properties,
            }
            for e in events
        ],
    )


def backlog(session: Session) -> int:
    """Events waiting for the warehouse, from the ends of the sequence: O(log n).

    Shipping deletes in sequence order, so max - min + 1 is exact but for rows a
    concurrent shipper skipped; it can only over-count, which errs towards backpressure.
    """
    low, high = session.execute(
        select(func.min(OutboxRow.seq), func.max(OutboxRow.seq))
    ).one()
    return 0 if low is None else int(high) - int(low) + 1


def to_event(row: OutboxRow) -> WarehouseEvent:
    return WarehouseEvent(
        event_id=row.event_id,
        workspace_id=row.workspace_id,
        type=EventType(row.type),
        occurred_at=row.occurred_at,
        received_at=row.received_at,
        visitor_id=row.visitor_id,
        contact_id=row.contact_id,
        channel=row.channel,
        source=row.source,
        medium=row.medium,
        campaign=row.campaign,
        content=row.content,
        term=row.term,
        url=row.url,
        referrer=row.referrer,
        value=row.value,
        currency=row.currency,
        properties=dict(row.properties or {}),
    )


def oldest(session: Session, *, limit: int) -> list[tuple[int, WarehouseEvent]]:
    """The oldest waiting events with their sequence numbers.

    On PostgreSQL rows another shipper holds are skipped; shipping is idempotent anyway.
    """
    query = select(OutboxRow).order_by(OutboxRow.seq).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return [(row.seq, to_event(row)) for row in session.scalars(query)]


def remove(session: Session, seqs: Sequence[int]) -> None:
    if seqs:
        session.execute(
            delete(OutboxRow)
            .where(OutboxRow.seq.in_(list(seqs)))
            .execution_options(synchronize_session=False)
        )


def link_for_tags(session: Session, workspace_id: str, traffic: Traffic) -> str | None:
    """The tracked link whose UTM tags the landing carries (the newest, if several).

    Tracked links redirect to their destination with exactly these tags, so a landing with
    them is that link's click arriving: the touch gets the link's id.
    """
    if not traffic.campaign:
        return None
    query = (
        select(TrackedLinkRow.id)
        .where(
            TrackedLinkRow.workspace_id == workspace_id,
            TrackedLinkRow.source == traffic.source,
            TrackedLinkRow.medium == traffic.medium,
            TrackedLinkRow.campaign == traffic.campaign,
        )
        .order_by(TrackedLinkRow.created_at.desc())
        .limit(1)
    )
    if traffic.content is None:
        query = query.where(TrackedLinkRow.content.is_(None))
    else:
        query = query.where(TrackedLinkRow.content == traffic.content)
    return session.scalar(query)


# ---- salts ------------------------------------------------------------------------------


def daily_salt(session: Session, day: date) -> bytes:
    """The salt of `day`, created on first use; salts of earlier days are deleted."""
    row = session.get(SaltRow, day)
    if row is None:
        session.execute(delete(SaltRow).where(SaltRow.day < day))
        row = SaltRow(day=day, salt=secrets.token_hex(32))
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except Exception:  # another process created it meanwhile: use theirs
            session.expire_all()
            row = session.get(SaltRow, day)
            if row is None:
                raise
    return bytes.fromhex(row.salt)


# ---- conversions ------------------------------------------------------------------------


def to_conversion(row: ConversionRow) -> Conversion:
    return Conversion(
        event_id=row.event_id,
        workspace_id=row.workspace_id,
        order_id=row.order_id,
        name=row.name,
        value=row.value,
        currency=row.currency,
        occurred_at=row.occurred_at,
        contact_id=row.contact_id,
        visitor_id=row.visitor_id,
    )


def conversions_by_order(
    session: Session, workspace_id: str, order_ids: Sequence[str]
) -> dict[str, Conversion]:
    found: dict[str, Conversion] = {}
    ids = list(dict.fromkeys(order_ids))
    for start in range(0, len(ids), 500):
        rows = session.scalars(
            select(ConversionRow).where(
                ConversionRow.workspace_id == workspace_id,
                ConversionRow.order_id.in_(ids[start : start + 500]),
            )
        )
        found.update({r.order_id: to_conversion(r) for r in rows})
    return found
