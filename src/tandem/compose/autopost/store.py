"""Rows and queries for watched feeds and the items seen in them. Only dataclasses leave.

`autopost_items` has one row per (feed, entry key) under a unique constraint: it is how two
pollers racing on one feed, or a feed that re-orders, drops and re-adds entries, can never
turn one entry into two posts. The key is stored hashed (keys are guids or URLs of any length).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.compose.autopost.model import Feed, FeedItem, ItemStatus, Mode
from tandem.core import NotFound
from tandem.storage import Base, JSONDict, UTCDateTime
from tandem.storage.queue import enqueue_once

POLL_FEEDS = "poll_feeds"  # the job kind that polls due feeds
URL_MAX = 2000
NAME_MAX = 100


class FeedRow(Base):
    __tablename__ = "autopost_feeds"
    __table_args__ = (
        UniqueConstraint("workspace_id", "url"),
        Index("ix_autopost_feeds_active_next_poll_at", "active", "next_poll_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    url: Mapped[str] = mapped_column(String(URL_MAX))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONDict())
    mode: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    baseline_done: Mapped[bool] = mapped_column(Boolean, default=False)
    failures: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_poll_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedItemRow(Base):
    __tablename__ = "autopost_items"
    __table_args__ = (
        UniqueConstraint("feed_id", "key_digest"),
        Index("ix_autopost_items_feed_created_at", "feed_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    feed_id: Mapped[str] = mapped_column(
        ForeignKey("autopost_feeds.id", ondelete="CASCADE")
    )
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    key_digest: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(500), default="")
    link: Mapped[str] = mapped_column(String(URL_MAX), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    brief_ids: Mapped[dict[str, Any]] = mapped_column(JSONDict(), default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def to_feed(row: FeedRow) -> Feed:
    s = row.settings
    return Feed(
        id=row.id,
        workspace_id=row.workspace_id,
        name=row.name,
        url=row.url,
        account_ids=tuple(s.get("account_ids", ())),
        template=str(s.get("template", "")),
        mode=Mode(row.mode),
        include_keywords=tuple(s.get("include_keywords", ())),
        exclude_keywords=tuple(s.get("exclude_keywords", ())),
        only_new=bool(s.get("only_new", True)),
        campaign_key=str(s.get("campaign_key", "")),
        interval_minutes=int(s.get("interval_minutes", 30)),
        active=row.active,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        last_polled_at=row.last_polled_at,
        last_success_at=row.last_success_at,
        next_poll_at=row.next_poll_at,
        failures=row.failures,
        last_error=row.last_error,
        baseline_done=row.baseline_done,
    )


def to_item(row: FeedItemRow) -> FeedItem:
    return FeedItem(
        id=row.id,
        feed_id=row.feed_id,
        key=row.key,
        title=row.title,
        link=row.link,
        published_at=row.published_at,
        status=ItemStatus(row.status),
        note=row.note,
        brief_ids=tuple(row.brief_ids.get("ids", ())),
        created_at=row.created_at,
    )


def feed_row(session: Session, workspace_id: str, feed_id: str) -> FeedRow:
    """The feed, only if it belongs to the workspace (the same 404 either way)."""
    row = session.get(FeedRow, feed_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such feed in this workspace.")
    return row


def feeds_in(session: Session, workspace_id: str) -> list[Feed]:
    rows = session.scalars(
        select(FeedRow)
        .where(FeedRow.workspace_id == workspace_id)
        .order_by(FeedRow.name, FeedRow.id)
    )
    return [to_feed(r) for r in rows]


def url_taken(
    session: Session, workspace_id: str, url: str, except_id: str | None
) -> bool:
    query = select(FeedRow.id).where(
        FeedRow.workspace_id == workspace_id, FeedRow.url == url
    )
    if except_id:
        query = query.where(FeedRow.id != except_id)
    return session.scalar(query) is not None


def items_of(session: Session, feed_id: str, limit: int = 50) -> list[FeedItem]:
    rows = session.scalars(
        select(FeedItemRow)
        .where(FeedItemRow.feed_id == feed_id)
        .order_by(FeedItemRow.created_at.desc(), FeedItemRow.id)
        .limit(limit)
    )
    return [to_item(r) for r in rows]


def item_counts(session: Session, feed_id: str) -> dict[str, int]:
    rows = session.execute(
        select(FeedItemRow.status, func.count())
        .where(FeedItemRow.feed_id == feed_id)
        .group_by(FeedItemRow.status)
    ).all()
    return {str(status): int(n) for status, n in rows}


def seen_digests(session: Session, feed_id: str, digests: list[str]) -> set[str]:
    if not digests:
        return set()
    return set(
        session.scalars(
            select(FeedItemRow.key_digest).where(
                FeedItemRow.feed_id == feed_id, FeedItemRow.key_digest.in_(digests)
            )
        )
    )


def due_feed_ids(session: Session, now: datetime, limit: int) -> list[str]:
    return list(
        session.scalars(
            select(FeedRow.id)
            .where(
                FeedRow.active.is_(True),
                FeedRow.next_poll_at <= now,
                (FeedRow.lease_until.is_(None)) | (FeedRow.lease_until < now),
            )
            .order_by(FeedRow.next_poll_at)
            .limit(limit)
        )
    )


def claim_feed(
    session: Session, feed_id: str, *, now: datetime, until: datetime, force: bool
) -> bool:
    """Reserve the feed for one poller (a conditional UPDATE: only one caller wins the row).
    `force` polls a feed that is not due yet ("Poll now"), but never one being polled."""
    condition = (FeedRow.lease_until.is_(None)) | (FeedRow.lease_until < now)
    query = update(FeedRow).where(FeedRow.id == feed_id, condition)
    if not force:
        query = query.where(FeedRow.active.is_(True), FeedRow.next_poll_at <= now)
    result = session.execute(
        query.values(lease_until=until).execution_options(synchronize_session=False)
    )
    # A CursorResult has rowcount; mypy only sees the base Result type.
    return int(getattr(result, "rowcount", 0)) == 1


def ensure_polling(session: Session, *, now: datetime, delay: timedelta) -> None:
    """Queue one polling run `delay` from now unless one already waits (idempotent)."""
    enqueue_once(session, POLL_FEEDS, now=now, delay=delay)
