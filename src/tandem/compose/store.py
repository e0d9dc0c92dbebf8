"""Rows and queries for briefs, variants and their comments. Only dataclasses leave."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
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
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.compose.model import Brief, BriefStatus, Comment, Variant
from tandem.core import NotFound
from tandem.storage import Base, JSONDict, UTCDateTime


class BriefRow(Base):
    __tablename__ = "briefs"
    __table_args__ = (Index("ix_briefs_workspace_status", "workspace_id", "status"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(2000), default="")
    media: Mapped[dict[str, Any]] = mapped_column(
        JSONDict(), default=dict
    )  # {"ids": [...]}
    campaign_key: Mapped[str] = mapped_column(String(100), default="")
    tone: Mapped[str] = mapped_column(String(32), default="neutral")
    sponsored: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(32), default=BriefStatus.DRAFT)
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    pillar_id: Mapped[str | None] = mapped_column(
        ForeignKey("content_pillars.id", ondelete="SET NULL")
    )


class VariantRow(Base):
    __tablename__ = "variants"
    __table_args__ = (
        UniqueConstraint("brief_id", "account_id"),
        Index("ix_variants_workspace_scheduled_at", "workspace_id", "scheduled_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    brief_id: Mapped[str] = mapped_column(ForeignKey("briefs.id", ondelete="CASCADE"))
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    account_id: Mapped[str] = mapped_column(
        ForeignKey("social_accounts.id", ondelete="CASCADE")
    )
    platform: Mapped[str] = mapped_column(String(32))
    post_type: Mapped[str] = mapped_column(String(32), default="")
    content: Mapped[dict[str, Any]] = mapped_column(
        JSONDict(), default=dict
    )  # {"parts": [...], "media": [...]}
    first_comment: Mapped[str] = mapped_column(Text, default="")
    short_url: Mapped[str] = mapped_column(String(300), default="")
    link_id: Mapped[str | None] = mapped_column(String(32))
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BriefCommentRow(Base):
    __tablename__ = "brief_comments"
    __table_args__ = (
        Index("ix_brief_comments_brief_created", "brief_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    brief_id: Mapped[str] = mapped_column(ForeignKey("briefs.id", ondelete="CASCADE"))
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    author_id: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    author_name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    event: Mapped[str] = mapped_column(String(32), default="comment")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def to_brief(row: BriefRow) -> Brief:
    return Brief(
        row.id,
        row.workspace_id,
        row.title,
        row.text,
        row.link,
        tuple(row.media.get("ids", ())),
        row.campaign_key,
        row.tone,
        row.sponsored,
        BriefStatus(row.status),
        row.planned_at,
        row.created_by,
        row.created_at,
        row.updated_at,
        row.pillar_id,
    )


def to_variant(row: VariantRow) -> Variant:
    return Variant(
        row.id,
        row.brief_id,
        row.workspace_id,
        row.account_id,
        row.platform,
        row.post_type,
        tuple(row.content.get("parts", ())),
        row.first_comment,
        tuple(row.content.get("media", ())),
        row.short_url,
        row.manual,
        row.scheduled_at,
        row.updated_at,
    )


def to_comment(row: BriefCommentRow) -> Comment:
    return Comment(
        row.id,
        row.brief_id,
        row.author_id,
        row.author_name,
        row.body,
        row.event,
        row.created_at,
    )


def brief_row(session: Session, workspace_id: str, brief_id: str) -> BriefRow:
    row = session.get(BriefRow, brief_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such post in this workspace.")
    return row


def variant_row(session: Session, workspace_id: str, variant_id: str) -> VariantRow:
    row = session.get(VariantRow, variant_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such variant in this workspace.")
    return row


def variant_rows(session: Session, brief_id: str) -> list[VariantRow]:
    return list(
        session.scalars(
            select(VariantRow)
            .where(VariantRow.brief_id == brief_id)
            .order_by(VariantRow.platform)
        )
    )


def comments_of(session: Session, brief_id: str) -> list[Comment]:
    rows = session.scalars(
        select(BriefCommentRow)
        .where(BriefCommentRow.brief_id == brief_id)
        .order_by(BriefCommentRow.created_at)
    )
    return [to_comment(r) for r in rows]


@dataclass(frozen=True)
class BriefQuery:
    statuses: Sequence[BriefStatus] = ()
    campaign_key: str | None = None
    search: str | None = None
    sort: str = "updated_at"
    descending: bool = True
    limit: int = 50
    offset: int = 0


BRIEF_SORTS = ("updated_at", "created_at", "planned_at", "title", "status")


def list_briefs(
    session: Session, workspace_id: str, query: BriefQuery
) -> tuple[list[Brief], int]:
    base = select(BriefRow).where(BriefRow.workspace_id == workspace_id)
    if query.statuses:
        base = base.where(BriefRow.status.in_([s.value for s in query.statuses]))
    if query.campaign_key:
        base = base.where(BriefRow.campaign_key == query.campaign_key)
    if query.search:
        pattern = f"%{query.search.lower()}%"
        base = base.where(
            func.lower(BriefRow.title).like(pattern)
            | func.lower(BriefRow.text).like(pattern)
        )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    column = getattr(
        BriefRow, query.sort if query.sort in BRIEF_SORTS else "updated_at"
    )
    order = column.desc() if query.descending else column.asc()
    rows = session.scalars(
        base.order_by(order, BriefRow.id).limit(query.limit).offset(query.offset)
    )
    return [to_brief(r) for r in rows], total


def variants_between(
    session: Session, workspace_id: str, *, since: datetime, until: datetime
) -> list[tuple[Variant, Brief]]:
    """Variants scheduled in [since, until) with their brief (for the calendar)."""
    rows = session.execute(
        select(VariantRow, BriefRow)
        .join(BriefRow, BriefRow.id == VariantRow.brief_id)
        .where(
            VariantRow.workspace_id == workspace_id,
            VariantRow.scheduled_at >= since,
            VariantRow.scheduled_at < until,
        )
        .order_by(VariantRow.scheduled_at)
    ).all()
    return [(to_variant(v), to_brief(b)) for v, b in rows]
