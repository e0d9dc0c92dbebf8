"""The published posts a social section reads: one row per post with its latest metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.publish.store import (
    AccountMetricRow,
    PostMetricRow,
    PublishedPostRow,
    SocialAccountRow,
)


@dataclass(frozen=True)
class PostFacts:
    id: str
    handle: str
    platform: str  # the platform a sandbox account imitates, else its own
    content_type: str
    text: str
    url: str
    published_at: datetime
    impressions: int
    reach: int
    engagements: int
    clicks: int


def posts_between(
    session: Session,
    workspace_id: str,
    *,
    since: datetime,
    until: datetime,
    platform: str | None = None,
) -> list[PostFacts]:
    m = PostMetricRow
    rows = session.execute(
        select(
            PublishedPostRow,
            SocialAccountRow.handle,
            SocialAccountRow.platform,
            SocialAccountRow.imitates,
            m,
        )
        .join(SocialAccountRow, SocialAccountRow.id == PublishedPostRow.account_id)
        .outerjoin(m, (m.post_id == PublishedPostRow.id) & m.is_latest)
        .where(
            PublishedPostRow.workspace_id == workspace_id,
            PublishedPostRow.published_at >= since,
            PublishedPostRow.published_at < until,
        )
        .order_by(PublishedPostRow.published_at, PublishedPostRow.id)
    ).all()
    out = []
    for post, handle, own, imitates, metric in rows:
        name = imitates or own
        if platform and name != platform:
            continue
        out.append(
            PostFacts(
                post.id,
                handle,
                name,
                post.content_type,
                post.text,
                post.url,
                post.published_at,
                metric.impressions if metric else 0,
                metric.reach if metric else 0,
                (metric.likes + metric.comments + metric.shares + metric.saves)
                if metric
                else 0,
                metric.clicks if metric else 0,
            )
        )
    return out


def followers_on(
    session: Session, workspace_id: str, day: date, platform: str | None = None
) -> int:
    """Followers summed over accounts, each at its last snapshot on or before `day`."""
    query = (
        select(
            AccountMetricRow.account_id,
            AccountMetricRow.day,
            AccountMetricRow.followers,
            SocialAccountRow.platform,
            SocialAccountRow.imitates,
        )
        .join(SocialAccountRow, SocialAccountRow.id == AccountMetricRow.account_id)
        .where(
            AccountMetricRow.workspace_id == workspace_id, AccountMetricRow.day <= day
        )
        .order_by(AccountMetricRow.day)
    )
    latest: dict[str, int] = {}
    for account, _, followers, own, imitates in session.execute(query).all():
        if platform and (imitates or own) != platform:
            continue
        latest[account] = followers
    return sum(latest.values())


def platforms_in(session: Session, workspace_id: str) -> list[str]:
    rows = session.execute(
        select(SocialAccountRow.platform, SocialAccountRow.imitates).where(
            SocialAccountRow.workspace_id == workspace_id
        )
    ).all()
    return sorted({imitates or own for own, imitates in rows})
