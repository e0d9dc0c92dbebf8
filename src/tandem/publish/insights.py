"""Period summaries of social performance (the numbers on home pages and Measure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.publish.store import PostMetricRow, PublishedPostRow


@dataclass(frozen=True)
class PeriodSummary:
    posts: int
    impressions: int
    engagements: int
    clicks: int

    @property
    def engagement_rate(self) -> float | None:
        """Engagements / impressions of the posts published in the period; None without impressions."""
        return self.engagements / self.impressions if self.impressions else None


@dataclass(frozen=True)
class Change:
    current: float | None
    previous: float | None

    @property
    def ratio(self) -> float | None:
        """Relative change; None when there is nothing to compare against."""
        if self.current is None or not self.previous:
            return None
        return (self.current - self.previous) / self.previous


def summarise(
    session: Session,
    workspace_id: str,
    *,
    since: datetime,
    until: datetime,
    account_id: str | None = None,
) -> PeriodSummary:
    m = PostMetricRow
    query = (
        select(
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
    )
    if account_id:
        query = query.where(PublishedPostRow.account_id == account_id)
    posts, impressions, engagements, clicks = session.execute(query).one()
    return PeriodSummary(int(posts), int(impressions), int(engagements), int(clicks))


def changes(
    current: PeriodSummary, previous: PeriodSummary | None
) -> dict[str, Change]:
    names = ("posts", "impressions", "engagements", "clicks", "engagement_rate")
    return {
        n: Change(getattr(current, n), getattr(previous, n) if previous else None)
        for n in names
    }
