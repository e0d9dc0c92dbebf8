"""Evergreen posts: content worth saying again, recycled into an account's empty queue slots.

When an account has evergreen recycling on and one of its queue slots in the next N days
(`evergreen_lookahead_days`) holds no post, the planner puts there the active evergreen item
of that account used least recently, provided that

- it was last used at least `evergreen_gap_days` before the slot, and
- the posts right before and right after the slot do not have the same text (platforms
  reject a repeated text, and followers notice),

otherwise the slot stays empty. Each recycled post is a normal publication.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.accounts.audit import record_change
from tandem.accounts.model import Member
from tandem.core import InvalidInput, NotFound, new_id
from tandem.publish.actions import create_publication
from tandem.publish.ledger import PublicationRow, fingerprint, publication_row
from tandem.publish.queue_slots import (
    OCCUPYING,
    AccountQueueRow,
    free_slots,
    lock_account,
    queue_settings,
)
from tandem.publish.scheduling import to_local
from tandem.storage import Base, JSONDict, UTCDateTime

MAX_PER_RUN = (
    50  # per account and run: a week of hourly slots, far beyond any real queue
)


class EvergreenItemRow(Base):
    __tablename__ = "evergreen_items"
    # Marking the same text twice for one account is one item, not two.
    __table_args__ = (UniqueConstraint("account_id", "fingerprint"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[str] = mapped_column(
        ForeignKey("social_accounts.id", ondelete="CASCADE")
    )
    parts: Mapped[dict[str, Any]] = mapped_column(JSONDict())
    first_comment: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str] = mapped_column(String(64))
    source_publication_id: Mapped[str | None] = mapped_column(
        ForeignKey("publications.id", ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    times_recycled: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class EvergreenItem:
    id: str
    account_id: str
    parts: tuple[str, ...]
    active: bool
    last_used_at: datetime | None
    times_recycled: int
    created_at: datetime


def to_item(row: EvergreenItemRow) -> EvergreenItem:
    return EvergreenItem(
        row.id,
        row.account_id,
        tuple(row.parts.get("parts", ())),
        row.active,
        row.last_used_at,
        row.times_recycled,
        row.created_at,
    )


def items_in(
    session: Session, workspace_id: str, account_id: str | None = None
) -> list[EvergreenItem]:
    query = select(EvergreenItemRow).where(
        EvergreenItemRow.workspace_id == workspace_id, EvergreenItemRow.active
    )
    if account_id is not None:
        query = query.where(EvergreenItemRow.account_id == account_id)
    rows = session.scalars(
        query.order_by(EvergreenItemRow.last_used_at, EvergreenItemRow.created_at)
    )
    return [to_item(r) for r in rows]


def mark_evergreen(
    session: Session, *, actor: Member, publication_id: str, now: datetime
) -> EvergreenItem:
    """Keep a post's text for recycling (marking it again re-activates the same item)."""
    source = publication_row(session, publication_id, actor.workspace.id)
    parts: Sequence[str] = source.parts.get("parts", ())
    if not any(p.strip() for p in parts):
        raise InvalidInput("An empty post cannot be evergreen.", field="parts")
    key = fingerprint(source.account_id, parts)
    row = session.scalar(
        select(EvergreenItemRow).where(
            EvergreenItemRow.account_id == source.account_id,
            EvergreenItemRow.fingerprint == key,
        )
    )
    if row is None:
        row = EvergreenItemRow(
            id=new_id(),
            workspace_id=actor.workspace.id,
            account_id=source.account_id,
            parts={"parts": list(parts)},
            first_comment=source.first_comment,
            fingerprint=key,
            source_publication_id=source.id,
            times_recycled=0,
            # The original counts as a use: the gap runs from when it went (or goes) out.
            last_used_at=source.published_at or source.due_at,
            created_at=now,
        )
        session.add(row)
    row.active, row.updated_at = True, now
    session.flush()
    item = to_item(row)
    record_change(
        session,
        actor=actor,
        action="evergreen.mark",
        entity_type="evergreen_item",
        entity_id=row.id,
        after=item,
        summary="marked a post evergreen",
        now=now,
    )
    return item


def retire(
    session: Session, *, actor: Member, item_id: str, now: datetime
) -> EvergreenItem:
    """Stop recycling an item (already queued copies stay; cancel them like any post)."""
    row = session.get(EvergreenItemRow, item_id)
    if row is None or row.workspace_id != actor.workspace.id:
        raise NotFound("No such evergreen post in this workspace.")
    row.active, row.updated_at = False, now
    item = to_item(row)
    record_change(
        session,
        actor=actor,
        action="evergreen.retire",
        entity_type="evergreen_item",
        entity_id=row.id,
        after=item,
        summary="stopped recycling a post",
        now=now,
    )
    return item


def _neighbours(session: Session, account_id: str, instant: datetime) -> set[str]:
    """Fingerprints of the account's slot-holding posts right before and right after."""
    found = set()
    base = select(PublicationRow.fingerprint).where(
        PublicationRow.account_id == account_id,
        PublicationRow.state.in_([str(s) for s in OCCUPYING]),
    )
    for query in (
        base.where(PublicationRow.due_at < instant).order_by(
            PublicationRow.due_at.desc()
        ),
        base.where(PublicationRow.due_at > instant).order_by(PublicationRow.due_at),
    ):
        value = session.scalar(query.limit(1))
        if value is not None:
            found.add(value)
    return found


def _pick(
    items: Sequence[EvergreenItemRow],
    instant: datetime,
    gap: timedelta,
    neighbours: set[str],
) -> EvergreenItemRow | None:
    """The least recently used item allowed at `instant` (never-used items first)."""
    allowed = [
        i
        for i in items
        if (i.last_used_at is None or instant - i.last_used_at >= gap)
        and i.fingerprint not in neighbours
    ]
    if not allowed:
        return None
    return min(
        allowed,
        key=lambda i: (i.last_used_at is not None, i.last_used_at or instant, i.id),
    )


def recycle_account(
    session: Session, *, workspace_id: str, account_id: str, now: datetime
) -> list[str]:
    """Fill the account's empty slots in the look-ahead window; returns the new post ids."""
    lock_account(session, workspace_id, account_id)
    settings = queue_settings(session, workspace_id, account_id)
    if not settings.evergreen or not settings.slots:
        return []
    items = list(
        session.scalars(
            select(EvergreenItemRow).where(
                EvergreenItemRow.account_id == account_id, EvergreenItemRow.active
            )
        )
    )
    if not items:
        return []
    gap = timedelta(days=settings.evergreen_gap_days)
    until = now + timedelta(days=settings.evergreen_lookahead_days)
    created: list[str] = []
    for instant in free_slots(
        session, settings, after=now, until=until, limit=MAX_PER_RUN
    ):
        item = _pick(items, instant, gap, _neighbours(session, account_id, instant))
        if item is None:
            continue
        publication = create_publication(
            session,
            workspace_id=workspace_id,
            account_id=account_id,
            parts=item.parts.get("parts", ()),
            first_comment=item.first_comment,
            local_time=to_local(instant, settings.timezone),
            timezone=settings.timezone,
            now=now,
        )
        item.last_used_at, item.updated_at = instant, now
        item.times_recycled += 1
        created.append(publication.id)
    session.flush()
    return created


def recycle(session: Session, *, now: datetime, workspace_id: str | None = None) -> int:
    """Recycle into every account with evergreen on (of one workspace, or all)."""
    query = select(AccountQueueRow.workspace_id, AccountQueueRow.account_id).where(
        AccountQueueRow.evergreen
    )
    if workspace_id is not None:
        query = query.where(AccountQueueRow.workspace_id == workspace_id)
    return sum(
        len(recycle_account(session, workspace_id=ws, account_id=acc, now=now))
        for ws, acc in list(session.execute(query.order_by(AccountQueueRow.account_id)))
    )
