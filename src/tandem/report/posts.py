"""The published posts a social section reads: one row per post with its latest metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.compose.pillars import PillarRow
from tandem.compose.store import BriefRow, VariantRow
from tandem.publish.ledger import PublicationRow
from tandem.publish.store import (
    AccountMetricRow,
    PostMetricRow,
    PublishedPostRow,
    SocialAccountRow,
)

NO_PILLAR = "No pillar"


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
    pillar: str = NO_PILLAR  # the content pillar's name
    pillar_colour: str = ""


def posts_between(
    session: Session,
    workspace_id: str,
    *,
    since: datetime,
    until: datetime,
    platform: str | None = None,
    account: str | None = None,
    pillar: str | None = None,
    campaign_key: str | None = None,
) -> list[PostFacts]:
    """Posts published in [since, until), filtered; a composed post's pillar and campaign are
    its brief's, another post's pillar its own."""
    m = PostMetricRow
    pillar_id = func.coalesce(BriefRow.pillar_id, PublishedPostRow.pillar_id)
    query = (
        select(
            PublishedPostRow,
            SocialAccountRow.handle,
            SocialAccountRow.platform,
            SocialAccountRow.imitates,
            m,
            PillarRow.name,
            PillarRow.colour,
        )
        .join(SocialAccountRow, SocialAccountRow.id == PublishedPostRow.account_id)
        .outerjoin(m, (m.post_id == PublishedPostRow.id) & m.is_latest)
        .outerjoin(
            PublicationRow,
            (PublicationRow.account_id == PublishedPostRow.account_id)
            & (PublicationRow.platform_post_id == PublishedPostRow.platform_post_id),
        )
        .outerjoin(VariantRow, VariantRow.id == PublicationRow.variant_id)
        .outerjoin(BriefRow, BriefRow.id == VariantRow.brief_id)
        .outerjoin(PillarRow, PillarRow.id == pillar_id)
        .where(
            PublishedPostRow.workspace_id == workspace_id,
            PublishedPostRow.published_at >= since,
            PublishedPostRow.published_at < until,
        )
        .order_by(PublishedPostRow.published_at, PublishedPostRow.id)
    )
    if account:
        query = query.where(PublishedPostRow.account_id == account)
    if pillar:
        query = query.where(pillar_id == pillar)
    if campaign_key:
        query = query.where(BriefRow.campaign_key == campaign_key)
    out = []
    for post, handle, own, imitates, metric, pillar_name, colour in session.execute(
        query
    ).all():
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
                pillar_name or NO_PILLAR,
                colour or "",
            )
        )
    return out


def followers_on(
    session: Session,
    workspace_id: str,
    day: date,
    platform: str | None = None,
    account: str | None = None,
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
    if account:
        query = query.where(AccountMetricRow.account_id == account)
    for account_id, _, followers, own, imitates in session.execute(query).all():
        if platform and (imitates or own) != platform:
            continue
        latest[account_id] = followers
    return sum(latest.values())


def platforms_in(session: Session, workspace_id: str) -> list[str]:
    rows = session.execute(
        select(SocialAccountRow.platform, SocialAccountRow.imitates).where(
            SocialAccountRow.workspace_id == workspace_id
        )
    ).all()
    return sorted({imitates or own for own, imitates in rows})
