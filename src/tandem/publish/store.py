"""Rows and queries for social accounts, published posts and their metric snapshots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import NotFound
from tandem.publish.model import (
    AccountHealth,
    PostPerformance,
    PublishedPost,
    SocialAccount,
)
from tandem.storage import Base, UTCDateTime


class SocialAccountRow(Base):
    __tablename__ = "social_accounts"
    __table_args__ = (UniqueConstraint("workspace_id", "platform", "handle"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(32))
    handle: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200))
    health: Mapped[str] = mapped_column(String(32), default=AccountHealth.OK)
    health_message: Mapped[str] = mapped_column(Text, default="")
    followers: Mapped[int] = mapped_column(default=0)
    timezone: Mapped[str | None] = mapped_column(String(64))
    # Sandbox accounts imitate a real platform, whose rules their content then follows.
    imitates: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PublishedPostRow(Base):
    __tablename__ = "published_posts"
    __table_args__ = (
        UniqueConstraint("account_id", "platform_post_id"),
        Index(
            "ix_published_posts_workspace_published_at", "workspace_id", "published_at"
        ),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    account_id: Mapped[str] = mapped_column(
        ForeignKey("social_accounts.id", ondelete="CASCADE"), index=True
    )
    platform_post_id: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    text: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(32))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # For posts not composed in Tandem (imported, simulated); a composed post's pillar is its
    # brief's. The table is compose's (tandem.compose.pillars), named here, not imported.
    pillar_id: Mapped[str | None] = mapped_column(
        ForeignKey("content_pillars.id", ondelete="SET NULL")
    )


class PostMetricRow(Base):
    """A post's cumulative metrics as seen at `at` (one row per pull)."""

    __tablename__ = "post_metrics"
    __table_args__ = (Index("ix_post_metrics_post_at", "post_id", "at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    post_id: Mapped[str] = mapped_column(
        ForeignKey("published_posts.id", ondelete="CASCADE")
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    impressions: Mapped[int] = mapped_column(default=0)
    reach: Mapped[int] = mapped_column(default=0)
    likes: Mapped[int] = mapped_column(default=0)
    comments: Mapped[int] = mapped_column(default=0)
    shares: Mapped[int] = mapped_column(default=0)
    saves: Mapped[int] = mapped_column(default=0)
    clicks: Mapped[int] = mapped_column(default=0)
    is_latest: Mapped[bool] = mapped_column(default=True)


class AccountMetricRow(Base):
    __tablename__ = "account_metrics"
    __table_args__ = (UniqueConstraint("account_id", "day"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[str] = mapped_column(
        ForeignKey("social_accounts.id", ondelete="CASCADE")
    )
    day: Mapped[date] = mapped_column(Date)
    followers: Mapped[int] = mapped_column(default=0)


def to_account(row: SocialAccountRow) -> SocialAccount:
    return SocialAccount(
        row.id,
        row.workspace_id,
        row.platform,
        row.handle,
        row.display_name,
        AccountHealth(row.health),
        row.health_message,
        row.followers,
        row.timezone,
        row.created_at,
        row.imitates,
    )


def to_post(row: PublishedPostRow) -> PublishedPost:
    return PublishedPost(
        row.id,
        row.workspace_id,
        row.account_id,
        row.platform_post_id,
        row.url,
        row.text,
        row.content_type,
        row.published_at,
    )


def accounts_in(session: Session, workspace_id: str) -> list[SocialAccount]:
    rows = session.scalars(
        select(SocialAccountRow)
        .where(SocialAccountRow.workspace_id == workspace_id)
        .order_by(SocialAccountRow.platform, SocialAccountRow.handle)
    )
    return [to_account(r) for r in rows]


def account_in(session: Session, workspace_id: str, account_id: str) -> SocialAccount:
    row = session.get(SocialAccountRow, account_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such social account in this workspace.")
    return to_account(row)


PostSort = Literal["published_at", "impressions", "engagements", "engagement_rate"]
POST_SORTS: tuple[str, ...] = (
    "published_at",
    "impressions",
    "engagements",
    "engagement_rate",
)


@dataclass(frozen=True)
class PostQuery:
    account_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    sort: str = "published_at"
    descending: bool = True
    limit: int = 50
    offset: int = 0


def post_performance(
    session: Session, workspace_id: str, query: PostQuery
) -> tuple[list[PostPerformance], int]:
    """Published posts with their latest metrics, filtered, sorted and paginated."""
    m = PostMetricRow
    engagements = (
        func.coalesce(m.likes, 0)
        + func.coalesce(m.comments, 0)
        + func.coalesce(m.shares, 0)
        + func.coalesce(m.saves, 0)
    )
    rate = engagements * 1.0 / func.nullif(m.impressions, 0)
    base = (
        select(PublishedPostRow, SocialAccountRow.handle, m)
        .join(SocialAccountRow, SocialAccountRow.id == PublishedPostRow.account_id)
        .outerjoin(m, (m.post_id == PublishedPostRow.id) & m.is_latest)
        .where(PublishedPostRow.workspace_id == workspace_id)
    )
    if query.account_id:
        base = base.where(PublishedPostRow.account_id == query.account_id)
    if query.since:
        base = base.where(PublishedPostRow.published_at >= query.since)
    if query.until:
        base = base.where(PublishedPostRow.published_at < query.until)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    key = {
        "published_at": PublishedPostRow.published_at,
        "impressions": func.coalesce(m.impressions, 0),
        "engagements": engagements,
        "engagement_rate": func.coalesce(rate, 0),
    }.get(query.sort, PublishedPostRow.published_at)
    order = key.desc() if query.descending else key.asc()
    rows = session.execute(
        base.order_by(order, PublishedPostRow.id)
        .limit(query.limit)
        .offset(query.offset)
    ).all()
    result = []
    for post, handle, metric in rows:
        values = (
            (
                metric.impressions,
                metric.reach,
                metric.likes,
                metric.comments,
                metric.shares,
                metric.saves,
                metric.clicks,
            )
            if metric
            else (0,) * 7
        )
        result.append(PostPerformance(to_post(post), handle, *values))
    return result, total


@dataclass(frozen=True)
class DailyTotals:
    day: date
    posts: int
    impressions: int
    engagements: int
    clicks: int


def daily_totals(
    session: Session,
    workspace_id: str,
    *,
    since: datetime,
    until: datetime,
    account_id: str | None = None,
) -> list[DailyTotals]:
    """Per publishing day (UTC): posts and their latest impressions, engagements and clicks."""
    m = PostMetricRow
    day = func.date(PublishedPostRow.published_at)
    query = (
        select(
            day,
            func.count(PublishedPostRow.id),
            func.coalesce(func.sum(m.impressions), 0),
            func.coalesce(func.sum(m.likes + m.comments + m.shares + m.saves), 0),
            func.coalesce(func.sum(m.clicks), 0),
        )
        .outerjoin(m, (m.post_id == PublishedPostRow.id) & m.is_latest)
        .where(
            PublishedPostRow.workspace_id == workspace_id,
            PublishedPostRow.published_at >= since,
            PublishedPostRow.published_at < until,
        )
        .group_by(day)
        .order_by(day)
    )
    if account_id:
        query = query.where(PublishedPostRow.account_id == account_id)
    out = []
    for d, posts, imp, eng, clicks in session.execute(query).all():
        out.append(
            DailyTotals(
                d if isinstance(d, date) else date.fromisoformat(str(d)),
                posts,
                int(imp),
                int(eng),
                int(clicks),
            )
        )
    return out


def follower_series(
    session: Session, workspace_id: str, account_id: str
) -> list[tuple[date, int]]:
    rows = session.execute(
        select(AccountMetricRow.day, AccountMetricRow.followers)
        .where(
            AccountMetricRow.workspace_id == workspace_id,
            AccountMetricRow.account_id == account_id,
        )
        .order_by(AccountMetricRow.day)
    ).all()
    return [(d, f) for d, f in rows]


def post_texts_with_metrics(
    session: Session, workspace_id: str, *, limit: int = 5000
) -> list[tuple[str, int, int]]:
    """(text, impressions, engagements) of the latest posts, for ranking hashtags by results."""
    m = PostMetricRow
    rows = session.execute(
        select(
            PublishedPostRow.text,
            m.impressions,
            m.likes + m.comments + m.shares + m.saves,
        )
        .join(m, (m.post_id == PublishedPostRow.id) & m.is_latest)
        .where(PublishedPostRow.workspace_id == workspace_id)
        .order_by(PublishedPostRow.published_at.desc())
        .limit(limit)
    ).all()
    return [(text, int(imp or 0), int(eng or 0)) for text, imp, eng in rows]
