"""Inbox rows: items (one per platform message), notes, replies, and per-account cursors.

An item is unique per (account, platform id), which is what makes ingestion idempotent: a
message fetched twice updates the same row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import NotFound
from tandem.inbox.model import Item, Note, Reply, ReplyState, Status
from tandem.inbox.search import SEARCH_VECTOR_SQL
from tandem.storage import Base, JSONDict, UTCDateTime


class InboxItemRow(Base):
    __tablename__ = "inbox_items"
    __table_args__ = (
        UniqueConstraint("account_id", "platform_id"),
        Index(
            "ix_inbox_items_workspace_status_priority",
            "workspace_id",
            "status",
            "priority",
        ),
        # The default queue order (priority first): walking it stops after one page.
        Index(
            "ix_inbox_items_workspace_queue", "workspace_id", "priority", "received_at"
        ),
        Index("ix_inbox_items_workspace_received_at", "workspace_id", "received_at"),
        Index("ix_inbox_items_conversation", "account_id", "conversation_id"),
        # Word search (inbox/search.py). SQLite's twin is the FTS5 table the migration makes.
        Index(
            "ix_inbox_items_search",
            text(SEARCH_VECTOR_SQL),
            postgresql_using="gin",
        ).ddl_if(dialect="postgresql"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    account_id: Mapped[str] = mapped_column(
        ForeignKey("social_accounts.id", ondelete="CASCADE")
    )
    platform: Mapped[str] = mapped_column(String(32))
    platform_id: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    author_handle: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str] = mapped_column(String(200))
    author_followers: Mapped[int | None] = mapped_column()
    url: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    conversation_id: Mapped[str] = mapped_column(String(300), default="")
    in_reply_to: Mapped[str] = mapped_column(String(300), default="")
    post_platform_id: Mapped[str] = mapped_column(String(300), default="")
    published_post_id: Mapped[str | None] = mapped_column(
        ForeignKey("published_posts.id", ondelete="SET NULL")
    )
    sentiment: Mapped[float] = mapped_column(Float, default=0.0)
    polarity: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    priority: Mapped[float] = mapped_column(Float, default=0.0)
    sarcastic: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default=Status.NEW)
    assignee_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    assignee_role: Mapped[str | None] = mapped_column(String(32))
    tags: Mapped[dict[str, Any]] = mapped_column(JSONDict(), default=dict)
    hidden: Mapped[bool] = mapped_column(default=False)
    # "" | "hidden" | "deleted": what Tandem did to it on the platform (inbox/moderation.py)
    platform_state: Mapped[str] = mapped_column(
        String(16), default="", server_default=""
    )
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InboxNoteRow(Base):
    __tablename__ = "inbox_notes"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    item_id: Mapped[str] = mapped_column(
        ForeignKey("inbox_items.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class InboxReplyRow(Base):
    """A reply is recorded (state "sending") and committed before the platform call; the
    key makes a double click or an API retry find the same row instead of sending again."""

    __tablename__ = "inbox_replies"
    __table_args__ = (UniqueConstraint("item_id", "key"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    item_id: Mapped[str] = mapped_column(
        ForeignKey("inbox_items.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    sent_by: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    platform_post_id: Mapped[str] = mapped_column(String(300), default="")
    url: Mapped[str] = mapped_column(String(500), default="")
    error: Mapped[str] = mapped_column(Text, default="")


class InboxCursorRow(Base):
    """Where ingestion stopped for an account, and how the last poll went."""

    __tablename__ = "inbox_cursors"
    account_id: Mapped[str] = mapped_column(
        ForeignKey("social_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    cursor: Mapped[str | None] = mapped_column(String(500))
    polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    error: Mapped[str] = mapped_column(Text, default="")


def tags_of(row: InboxItemRow) -> tuple[str, ...]:
    return tuple(row.tags.get("tags", ()))


def to_item(row: InboxItemRow) -> Item:
    return Item(
        row.id,
        row.workspace_id,
        row.account_id,
        row.platform,
        row.platform_id,
        row.kind,
        row.text,
        row.author_handle,
        row.author_name,
        row.author_followers,
        row.url,
        row.created_at,
        row.received_at,
        row.conversation_id,
        row.in_reply_to,
        row.post_platform_id,
        row.published_post_id,
        row.sentiment,
        row.polarity,
        row.intent,
        row.language,
        row.priority,
        row.sarcastic,
        Status(row.status),
        row.assignee_id,
        row.assignee_role,
        tags_of(row),
        row.hidden,
        row.edited_at,
        row.deleted_at,
        row.first_response_at,
        row.closed_at,
        row.platform_state,
    )


def to_note(row: InboxNoteRow) -> Note:
    return Note(row.id, row.item_id, row.author_id, row.body, row.created_at)


def to_reply(row: InboxReplyRow) -> Reply:
    return Reply(
        row.id,
        row.item_id,
        row.text,
        ReplyState(row.state),
        row.sent_by,
        row.created_at,
        row.platform_post_id,
        row.url,
        row.error,
    )


def item_row(session: Session, workspace_id: str, item_id: str) -> InboxItemRow:
    """The item, or NotFound when it does not exist or belongs to another workspace."""
    row = session.get(InboxItemRow, item_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such conversation in this workspace.")
    return row
