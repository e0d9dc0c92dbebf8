"""Rows and queries of the links capability: short links and their clicks.

Only dataclasses from links.model leave this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    String,
    Text,
    case,
    func,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import NotFound
from tandem.links.model import (
    BotReason,
    Click,
    ClickCounts,
    DayCount,
    LinkQuery,
    LinkStats,
    Platform,
    TrackedLink,
)
from tandem.storage import Base, UTCDateTime
from tandem.storage.queue import JobRow, JobStatus


class TrackedLinkRow(Base):
    __tablename__ = "tracked_links"
    __table_args__ = (
        Index("ix_tracked_links_workspace_created_at", "workspace_id", "created_at"),
        Index("ix_tracked_links_workspace_campaign", "workspace_id", "campaign_key"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    code: Mapped[str] = mapped_column(String(16), unique=True)
    destination: Mapped[str] = mapped_column(Text)
    platform: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(100))
    medium: Mapped[str] = mapped_column(String(100))
    campaign_key: Mapped[str] = mapped_column(String(100))
    campaign: Mapped[str] = mapped_column(String(100))
    content: Mapped[str | None] = mapped_column(String(100))
    term: Mapped[str | None] = mapped_column(String(100))
    # Plain strings for now: the compose capability's variants will be referenced here.
    variant_id: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LinkClickRow(Base):
    """One request for a short link. Never an IP address: see docs/tracked-links.md."""

    __tablename__ = "link_clicks"
    __table_args__ = (
        Index("ix_link_clicks_link_at", "link_id", "at"),
        Index("ix_link_clicks_shipped_at", "shipped_at", "at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    link_id: Mapped[str] = mapped_column(
        ForeignKey("tracked_links.id", ondelete="CASCADE")
    )
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    is_bot: Mapped[bool] = mapped_column(Boolean)
    bot_reason: Mapped[str | None] = mapped_column(String(32))
    referrer_host: Mapped[str | None] = mapped_column(String(255))
    ua_family: Mapped[str] = mapped_column(String(64))
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# ---- row -> dataclass -------------------------------------------------------------------


def to_link(row: TrackedLinkRow) -> TrackedLink:
    return TrackedLink(
        id=row.id,
        workspace_id=row.workspace_id,
        code=row.code,
        destination=row.destination,
        platform=Platform(row.platform),
        source=row.source,
        medium=row.medium,
        campaign_key=row.campaign_key,
        campaign=row.campaign,
        content=row.content,
        term=row.term,
        variant_id=row.variant_id,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def to_click(row: LinkClickRow) -> Click:
    return Click(
        id=row.id,
        link_id=row.link_id,
        workspace_id=row.workspace_id,
        at=row.at,
        is_bot=row.is_bot,
        bot_reason=BotReason(row.bot_reason) if row.bot_reason else None,
        referrer_host=row.referrer_host,
        ua_family=row.ua_family,
        shipped_at=row.shipped_at,
    )


# ---- links ------------------------------------------------------------------------------


def code_taken(session: Session, code: str) -> bool:
    return (
        session.scalar(select(TrackedLinkRow.id).where(TrackedLinkRow.code == code))
        is not None
    )


def link_by_code(session: Session, code: str) -> TrackedLink | None:
    row = session.scalar(select(TrackedLinkRow).where(TrackedLinkRow.code == code))
    return to_link(row) if row else None


def link_in(session: Session, workspace_id: str, link_id: str) -> TrackedLink:
    """The link `link_id` of this workspace; NotFound for another workspace's link too."""
    row = session.get(TrackedLinkRow, link_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such link in this workspace.")
    return to_link(row)


def campaigns_in(session: Session, workspace_id: str) -> list[str]:
    return list(
        session.scalars(
            select(TrackedLinkRow.campaign_key)
            .where(TrackedLinkRow.workspace_id == workspace_id)
            .distinct()
            .order_by(TrackedLinkRow.campaign_key)
        )
    )


def _human_clicks(workspace_id: str) -> Any:
    return (
        select(LinkClickRow.link_id, func.count().label("clicks"))
        .where(
            LinkClickRow.workspace_id == workspace_id, LinkClickRow.is_bot.is_(False)
        )
        .group_by(LinkClickRow.link_id)
        .subquery()
    )


def list_links(
    session: Session, workspace_id: str, query: LinkQuery
) -> tuple[list[LinkStats], int]:
    """One page of the workspace's links with their human clicks, and the total matching."""
    clicks = _human_clicks(workspace_id)
    count = func.coalesce(clicks.c.clicks, 0)
    base = select(TrackedLinkRow, count).outerjoin(
        clicks, clicks.c.link_id == TrackedLinkRow.id
    )
    base = base.where(TrackedLinkRow.workspace_id == workspace_id)
    if query.campaign_key:
        base = base.where(TrackedLinkRow.campaign_key == query.campaign_key)
    key: Any = count if query.sort == "clicks" else getattr(TrackedLinkRow, query.sort)
    order = key.desc() if query.descending else key.asc()
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        base.order_by(order, TrackedLinkRow.id).limit(query.limit).offset(query.offset)
    ).all()
    return [LinkStats(to_link(row), int(n)) for row, n in rows], int(total)


# ---- clicks -----------------------------------------------------------------------------


def click_totals(session: Session, link_id: str) -> tuple[int, int]:
    """(all requests, requests by people) for one link, over its whole life."""
    human = func.sum(case((LinkClickRow.is_bot.is_(False), 1), else_=0))
    row = session.execute(
        select(func.count(), human).where(LinkClickRow.link_id == link_id)
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def click_times(
    session: Session, link_id: str, *, since: datetime, until: datetime
) -> list[tuple[datetime, bool]]:
    return [
        (at, bool(is_bot))
        for at, is_bot in session.execute(
            select(LinkClickRow.at, LinkClickRow.is_bot).where(
                LinkClickRow.link_id == link_id,
                LinkClickRow.at >= since,
                LinkClickRow.at < until,
            )
        )
    ]


def click_counts(
    session: Session, link_id: str, *, first: date, last: date, zone: str
) -> ClickCounts:
    """Totals over the link's life, and per local day of `zone` from `first` to `last`."""
    tz = ZoneInfo(zone)
    since = datetime.combine(first, datetime.min.time(), tz)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), tz)
    days = {first + timedelta(days=i): [0, 0] for i in range((last - first).days + 1)}
    for at, is_bot in click_times(session, link_id, since=since, until=until):
        bucket = days.get(at.astimezone(tz).date())
        if bucket is not None:
            bucket[1 if is_bot else 0] += 1
    total, human = click_totals(session, link_id)
    return ClickCounts(
        total=total,
        human=human,
        bots=total - human,
        by_day=[DayCount(day, h, b) for day, (h, b) in days.items()],
    )


def clicks_of(session: Session, link_id: str, *, limit: int = 100) -> list[Click]:
    rows = session.scalars(
        select(LinkClickRow)
        .where(LinkClickRow.link_id == link_id)
        .order_by(LinkClickRow.at.desc(), LinkClickRow.id)
        .limit(limit)
    )
    return [to_click(r) for r in rows]


def unshipped(session: Session, *, limit: int) -> list[tuple[Click, TrackedLink]]:
    """The oldest clicks not yet in the warehouse, with their links.

    On PostgreSQL rows another worker is shipping are skipped; shipping is idempotent anyway.
    """
    query = (
        select(LinkClickRow, TrackedLinkRow)
        .join(TrackedLinkRow, TrackedLinkRow.id == LinkClickRow.link_id)
        .where(LinkClickRow.shipped_at.is_(None))
        .order_by(LinkClickRow.at, LinkClickRow.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=LinkClickRow, skip_locked=True)
    return [(to_click(c), to_link(link)) for c, link in session.execute(query).all()]


def mark_shipped(session: Session, click_ids: Sequence[str], *, now: datetime) -> None:
    if click_ids:
        session.execute(
            update(LinkClickRow)
            .where(LinkClickRow.id.in_(list(click_ids)))
            .values(shipped_at=now)
            .execution_options(synchronize_session=False)
        )


def unshipped_count(session: Session) -> int:
    return int(
        session.scalar(select(func.count()).where(LinkClickRow.shipped_at.is_(None)))
        or 0
    )


def job_queued(session: Session, kind: str) -> bool:
    """Whether a job of `kind` waits to run (so a click does not queue one more)."""
    pending = session.scalar(
        select(JobRow.id)
        .where(JobRow.status == JobStatus.QUEUED, JobRow.kind == kind)
        .limit(1)
    )
    return pending is not None
