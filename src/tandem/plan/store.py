"""Rows and queries of the plan capability: settings, goals, campaigns, spend lines, imports.

Only dataclasses from plan.model leave this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Float,
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
from tandem.plan.model import (
    DEFAULT_CURRENCY,
    DEFAULT_PACING_THRESHOLD,
    Campaign,
    Channel,
    Goal,
    GoalMetric,
    PlanSettings,
    SpendImport,
    SpendLine,
)
from tandem.storage import Base, JSONDict, UTCDateTime


class PlanSettingsRow(Base):
    __tablename__ = "plan_settings"
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True
    )
    currency: Mapped[str] = mapped_column(String(3))
    rates: Mapped[dict[str, Any]] = mapped_column(JSONDict())
    pacing_threshold: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GoalRow(Base):
    __tablename__ = "goals"
    __table_args__ = (Index("ix_goals_workspace_deadline", "workspace_id", "deadline"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(200))
    metric: Mapped[str] = mapped_column(String(32))
    target: Mapped[float] = mapped_column(Float)
    start: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    platform: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CampaignRow(Base):
    __tablename__ = "campaigns"
    __table_args__ = (
        UniqueConstraint("workspace_id", "utm_key"),
        Index("ix_campaigns_workspace_starts_on", "workspace_id", "starts_on"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(200))
    utm_key: Mapped[str] = mapped_column(String(100))
    goal_id: Mapped[str | None] = mapped_column(
        ForeignKey("goals.id", ondelete="SET NULL"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    budget_micros: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    channels: Mapped[dict[str, Any]] = mapped_column(JSONDict())  # {"channels": [...]}
    description: Mapped[str] = mapped_column(Text)
    pacing_alert: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SpendImportRow(Base):
    __tablename__ = "spend_imports"
    __table_args__ = (
        Index("ix_spend_imports_workspace_created_at", "workspace_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    source: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(300))
    digest: Mapped[str] = mapped_column(String(64))
    first_day: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)
    rows: Mapped[int] = mapped_column()
    added: Mapped[int] = mapped_column()
    replaced: Mapped[int] = mapped_column()
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SpendLineRow(Base):
    """One day of cost (and what it bought) for one ad-platform campaign, or a manual cost.

    `line_key` makes re-imports idempotent: an imported line is keyed by its source, day,
    platform campaign and currency, so importing the same period again replaces, never adds.
    """

    __tablename__ = "spend_lines"
    __table_args__ = (
        UniqueConstraint("workspace_id", "line_key"),
        Index("ix_spend_lines_workspace_day", "workspace_id", "day"),
        Index("ix_spend_lines_campaign_day", "campaign_id", "day"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    campaign_id: Mapped[str | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL")
    )
    day: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32))
    external_campaign: Mapped[str] = mapped_column(String(300))
    line_key: Mapped[str] = mapped_column(String(64))
    amount_micros: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    impressions: Mapped[int] = mapped_column(BigInteger)
    reach: Mapped[int] = mapped_column(BigInteger)
    clicks: Mapped[int] = mapped_column(BigInteger)
    conversions: Mapped[float] = mapped_column(Float)
    revenue_micros: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text)
    import_id: Mapped[str | None] = mapped_column(
        ForeignKey("spend_imports.id", ondelete="SET NULL")
    )
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


# ---- row -> dataclass -------------------------------------------------------------------


def to_goal(row: GoalRow) -> Goal:
    return Goal(
        row.id,
        row.workspace_id,
        row.name,
        GoalMetric(row.metric),
        row.target,
        row.start,
        row.deadline,
        row.platform,
        row.description,
        row.created_at,
    )


def to_campaign(row: CampaignRow) -> Campaign:
    return Campaign(
        row.id,
        row.workspace_id,
        row.name,
        row.utm_key,
        row.goal_id,
        row.starts_on,
        row.ends_on,
        row.budget_micros,
        row.currency,
        tuple(Channel(c) for c in row.channels.get("channels", ())),
        row.description,
        row.pacing_alert,
        row.created_at,
    )


def to_line(row: SpendLineRow) -> SpendLine:
    return SpendLine(
        row.id,
        row.workspace_id,
        row.campaign_id,
        row.day,
        Channel(row.channel),
        row.source,
        row.external_campaign,
        row.amount_micros,
        row.currency,
        row.impressions,
        row.reach,
        row.clicks,
        row.conversions,
        row.revenue_micros,
        row.note,
        row.import_id,
        row.created_at,
    )


def to_import(row: SpendImportRow) -> SpendImport:
    return SpendImport(
        row.id,
        row.workspace_id,
        row.source,
        row.filename,
        row.digest,
        row.first_day,
        row.last_day,
        row.rows,
        row.added,
        row.replaced,
        row.created_by,
        row.created_at,
    )


# ---- settings ---------------------------------------------------------------------------


def settings_of(session: Session, workspace_id: str) -> PlanSettings:
    row = session.get(PlanSettingsRow, workspace_id)
    if row is None:
        return PlanSettings(
            workspace_id, DEFAULT_CURRENCY, {}, DEFAULT_PACING_THRESHOLD
        )
    rates = {str(k): float(v) for k, v in row.rates.items()}
    return PlanSettings(workspace_id, row.currency, rates, row.pacing_threshold)


# ---- goals and campaigns ----------------------------------------------------------------


def goal_row(session: Session, workspace_id: str, goal_id: str) -> GoalRow:
    row = session.get(GoalRow, goal_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such goal in this workspace.")
    return row


def goal_in(session: Session, workspace_id: str, goal_id: str) -> Goal:
    return to_goal(goal_row(session, workspace_id, goal_id))


def goals_in(session: Session, workspace_id: str) -> list[Goal]:
    rows = session.scalars(
        select(GoalRow)
        .where(GoalRow.workspace_id == workspace_id)
        .order_by(GoalRow.deadline, GoalRow.name)
    )
    return [to_goal(r) for r in rows]


def campaign_row(session: Session, workspace_id: str, campaign_id: str) -> CampaignRow:
    row = session.get(CampaignRow, campaign_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such campaign in this workspace.")
    return row


def campaign_in(session: Session, workspace_id: str, campaign_id: str) -> Campaign:
    return to_campaign(campaign_row(session, workspace_id, campaign_id))


def campaign_by_key(session: Session, workspace_id: str, key: str) -> Campaign | None:
    row = session.scalar(
        select(CampaignRow).where(
            CampaignRow.workspace_id == workspace_id, CampaignRow.utm_key == key
        )
    )
    return to_campaign(row) if row else None


def campaigns_in(
    session: Session, workspace_id: str, *, goal_id: str | None = None
) -> list[Campaign]:
    query = select(CampaignRow).where(CampaignRow.workspace_id == workspace_id)
    if goal_id:
        query = query.where(CampaignRow.goal_id == goal_id)
    rows = session.scalars(
        query.order_by(CampaignRow.starts_on.desc(), CampaignRow.name)
    )
    return [to_campaign(r) for r in rows]


# ---- spend ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpendQuery:
    campaign_id: str | None = None
    unassigned: bool = False
    since: date | None = None
    until: date | None = None  # inclusive
    limit: int = 100
    offset: int = 0


def _filtered(workspace_id: str, query: SpendQuery) -> Any:
    base = select(SpendLineRow).where(SpendLineRow.workspace_id == workspace_id)
    if query.campaign_id:
        base = base.where(SpendLineRow.campaign_id == query.campaign_id)
    if query.unassigned:
        base = base.where(SpendLineRow.campaign_id.is_(None))
    if query.since:
        base = base.where(SpendLineRow.day >= query.since)
    if query.until:
        base = base.where(SpendLineRow.day <= query.until)
    return base


def list_lines(
    session: Session, workspace_id: str, query: SpendQuery
) -> tuple[list[SpendLine], int]:
    base = _filtered(workspace_id, query)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.scalars(
        base.order_by(
            SpendLineRow.day.desc(), SpendLineRow.external_campaign, SpendLineRow.id
        )
        .limit(query.limit)
        .offset(query.offset)
    )
    return [to_line(r) for r in rows], total


def all_lines(
    session: Session,
    workspace_id: str,
    *,
    campaign_ids: Sequence[str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[SpendLine]:
    """Every line matching (for sums and series; the UI pages through `list_lines`)."""
    base = _filtered(workspace_id, SpendQuery(since=since, until=until))
    if campaign_ids is not None:
        if not campaign_ids:
            return []
        base = base.where(SpendLineRow.campaign_id.in_(list(campaign_ids)))
    return [to_line(r) for r in session.scalars(base.order_by(SpendLineRow.day))]


def lines_by_key(
    session: Session, workspace_id: str, keys: Sequence[str]
) -> dict[str, SpendLineRow]:
    out: dict[str, SpendLineRow] = {}
    unique = sorted(set(keys))
    for i in range(0, len(unique), 500):  # stays under SQLite's bound-parameter limit
        rows = session.scalars(
            select(SpendLineRow).where(
                SpendLineRow.workspace_id == workspace_id,
                SpendLineRow.line_key.in_(unique[i : i + 500]),
            )
        )
        out.update({r.line_key: r for r in rows})
    return out


def line_row(session: Session, workspace_id: str, line_id: str) -> SpendLineRow:
    row = session.get(SpendLineRow, line_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such spend line in this workspace.")
    return row


def imports_in(
    session: Session, workspace_id: str, *, limit: int = 20
) -> list[SpendImport]:
    rows = session.scalars(
        select(SpendImportRow)
        .where(SpendImportRow.workspace_id == workspace_id)
        .order_by(SpendImportRow.created_at.desc(), SpendImportRow.id)
        .limit(limit)
    )
    return [to_import(r) for r in rows]


def import_by_digest(
    session: Session, workspace_id: str, digest: str
) -> SpendImport | None:
    row = session.scalar(
        select(SpendImportRow)
        .where(
            SpendImportRow.workspace_id == workspace_id, SpendImportRow.digest == digest
        )
        .order_by(SpendImportRow.created_at)
        .limit(1)
    )
    return to_import(row) if row else None


def currencies_in(session: Session, workspace_id: str) -> list[str]:
    rows = session.scalars(
        select(SpendLineRow.currency)
        .where(SpendLineRow.workspace_id == workspace_id)
        .distinct()
    )
    return sorted(rows)
