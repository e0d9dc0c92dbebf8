"""Use cases of Plan: settings, goals, campaigns and manual costs. They never commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.accounts import Member, audit
from tandem.compose.store import BriefRow
from tandem.core import Clock, Conflict, InvalidInput, new_id
from tandem.links.store import TrackedLinkRow
from tandem.plan import store
from tandem.plan.model import (
    Campaign,
    Channel,
    Goal,
    PlanSettings,
    SpendLine,
    campaign_key,
    parse_channel,
    parse_currency,
    parse_metric,
    to_micros,
)
from tandem.plan.money import parse_rates

MAX_NAME = 200


def _name(value: str, field: str = "name") -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(f"Give it a {field}.", field=field)
    if len(text) > MAX_NAME:
        raise InvalidInput(
            f"Use at most {MAX_NAME} characters for the {field}.", field=field
        )
    return text


def _dates(start: date, end: date, end_field: str) -> None:
    if end < start:
        raise InvalidInput(
            f"The {end_field.replace('_', ' ')} must be on or after the start date.",
            field=end_field,
        )


# ---- settings ---------------------------------------------------------------------------


def save_settings(
    session: Session,
    *,
    actor: Member,
    currency: str,
    rates: Mapping[str, str | float],
    pacing_threshold: float,
    clock: Clock,
) -> PlanSettings:
    """The reporting currency, the rates into it and the pacing alert threshold (0 < t < 1)."""
    code = parse_currency(currency)
    if not 0 < pacing_threshold < 1:
        raise InvalidInput(
            "The pacing threshold is a share of the budget between 0 and 1 (0.1 = 10%).",
            field="pacing_threshold",
        )
    parsed = parse_rates(code, rates)
    ws = actor.workspace.id
    before = store.settings_of(session, ws)
    row = session.get(store.PlanSettingsRow, ws)
    if row is None:
        row = store.PlanSettingsRow(workspace_id=ws)
        session.add(row)
    row.currency, row.rates = code, dict(parsed)
    row.pacing_threshold, row.updated_at = pacing_threshold, clock.now()
    after = store.settings_of(session, ws)
    audit.record_change(
        session,
        actor=actor,
        action="plan.settings",
        entity_type="plan_settings",
        entity_id=ws,
        before=asdict(before),
        after=asdict(after),
        now=clock.now(),
    )
    return after


# ---- goals ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalInput:
    name: str
    metric: str
    target: float
    start: date
    deadline: date
    platform: str = ""
    description: str = ""


def _apply_goal(row: store.GoalRow, data: GoalInput) -> None:
    metric = parse_metric(data.metric)
    if not data.target > 0 or data.target == float("inf"):
        raise InvalidInput("The target must be a number above 0.", field="target")
    _dates(data.start, data.deadline, "deadline")
    row.name, row.metric, row.target = (
        _name(data.name),
        metric.value,
        float(data.target),
    )
    row.start, row.deadline = data.start, data.deadline
    row.platform = data.platform.strip().lower()[:32]
    row.description = data.description.strip()


def create_goal(
    session: Session, *, actor: Member, data: GoalInput, clock: Clock
) -> Goal:
    now = clock.now()
    row = store.GoalRow(
        id=new_id(),
        workspace_id=actor.workspace.id,
        created_by=actor.user.id,
        created_at=now,
        updated_at=now,
    )
    _apply_goal(row, data)
    session.add(row)
    session.flush()
    goal = store.to_goal(row)
    audit.record_change(
        session,
        actor=actor,
        action="goal.create",
        entity_type="goal",
        entity_id=row.id,
        after=goal,
        summary=goal.name,
        now=now,
    )
    return goal


def update_goal(
    session: Session, *, actor: Member, goal_id: str, data: GoalInput, clock: Clock
) -> Goal:
    row = store.goal_row(session, actor.workspace.id, goal_id)
    before = store.to_goal(row)
    _apply_goal(row, data)
    row.updated_at = clock.now()
    goal = store.to_goal(row)
    audit.record_change(
        session,
        actor=actor,
        action="goal.update",
        entity_type="goal",
        entity_id=row.id,
        before=before,
        after=goal,
        summary=goal.name,
        now=clock.now(),
    )
    return goal


# ---- campaigns --------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignInput:
    name: str
    utm_key: str
    start: date
    end: date
    budget: float | str = 0
    currency: str = ""
    channels: Sequence[str] = ()
    goal_id: str | None = None
    description: str = ""


def key_in_use(session: Session, workspace_id: str, key: str) -> int:
    """Posts and links already tagged with `key`: their published URLs carry it."""
    briefs = session.scalar(
        select(func.count()).where(
            BriefRow.workspace_id == workspace_id, BriefRow.campaign_key == key
        )
    )
    links = session.scalar(
        select(func.count()).where(
            TrackedLinkRow.workspace_id == workspace_id,
            TrackedLinkRow.campaign_key == key,
        )
    )
    return int(briefs or 0) + int(links or 0)


def _apply_campaign(
    session: Session, row: store.CampaignRow, data: CampaignInput, reporting: str
) -> None:
    ws = row.workspace_id
    key = campaign_key(data.utm_key or data.name)
    clash = store.campaign_by_key(session, ws, key)
    if clash is not None and clash.id != row.id:
        raise Conflict(
            f"The UTM campaign key {key!r} already belongs to the campaign {clash.name!r}; choose another.",
        )
    if row.utm_key and row.utm_key != key and key_in_use(session, ws, row.utm_key):
        raise Conflict(
            f"Posts or links already carry utm_campaign={row.utm_key!r}; the key cannot change "
            "now. Rename the campaign instead, or create a new one.",
        )
    _dates(data.start, data.end, "end_date")
    budget = to_micros(data.budget, field="budget")
    if budget < 0:
        raise InvalidInput("The budget cannot be negative.", field="budget")
    if data.goal_id:
        store.goal_row(session, ws, data.goal_id)  # NotFound across workspaces
    channels: list[Channel] = []
    for value in data.channels:
        channel = parse_channel(value, field="channels")
        if channel not in channels:
            channels.append(channel)
    row.name, row.utm_key, row.goal_id = _name(data.name), key, data.goal_id or None
    row.starts_on, row.ends_on, row.budget_micros = data.start, data.end, budget
    row.currency = parse_currency(data.currency or reporting)
    row.channels = {"channels": [c.value for c in channels]}
    row.description = data.description.strip()


def create_campaign(
    session: Session, *, actor: Member, data: CampaignInput, clock: Clock
) -> Campaign:
    now, ws = clock.now(), actor.workspace.id
    row = store.CampaignRow(
        id=new_id(),
        workspace_id=ws,
        utm_key="",
        pacing_alert="",
        created_by=actor.user.id,
        created_at=now,
        updated_at=now,
    )
    _apply_campaign(session, row, data, store.settings_of(session, ws).currency)
    session.add(row)
    session.flush()
    campaign = store.to_campaign(row)
    audit.record_change(
        session,
        actor=actor,
        action="campaign.create",
        entity_type="campaign",
        entity_id=row.id,
        after=campaign,
        summary=campaign.name,
        now=now,
    )
    return campaign


def update_campaign(
    session: Session,
    *,
    actor: Member,
    campaign_id: str,
    data: CampaignInput,
    clock: Clock,
) -> Campaign:
    ws = actor.workspace.id
    row = store.campaign_row(session, ws, campaign_id)
    before = store.to_campaign(row)
    _apply_campaign(session, row, data, store.settings_of(session, ws).currency)
    row.updated_at = clock.now()
    if (row.budget_micros, row.starts_on, row.ends_on) != (
        before.budget_micros,
        before.start,
        before.end,
    ):
        row.pacing_alert = ""  # a new plan deserves a fresh alert
    campaign = store.to_campaign(row)
    audit.record_change(
        session,
        actor=actor,
        action="campaign.update",
        entity_type="campaign",
        entity_id=row.id,
        before=before,
        after=campaign,
        summary=campaign.name,
        now=clock.now(),
    )
    return campaign


# ---- manual costs -----------------------------------------------------------------------


@dataclass(frozen=True)
class ManualCost:
    day: date
    amount: float | str
    currency: str
    channel: str
    campaign_id: str | None = None
    note: str = ""
    impressions: int = 0
    clicks: int = 0
    conversions: float = 0.0
    revenue: float | str = 0


def add_manual_cost(
    session: Session, *, actor: Member, data: ManualCost, clock: Clock
) -> SpendLine:
    """A cost no export carries (an agency fee, an influencer, a print ad)."""
    ws = actor.workspace.id
    amount = to_micros(data.amount, field="amount")
    if amount <= 0:
        raise InvalidInput("The amount must be above 0.", field="amount")
    revenue = to_micros(data.revenue, field="revenue")
    if min(revenue, data.impressions, data.clicks) < 0 or data.conversions < 0:
        raise InvalidInput("Counts and revenue cannot be negative.", field="revenue")
    if data.campaign_id:
        store.campaign_row(session, ws, data.campaign_id)
    line_id = new_id()
    row = store.SpendLineRow(
        id=line_id,
        workspace_id=ws,
        campaign_id=data.campaign_id or None,
        day=data.day,
        channel=parse_channel(data.channel).value,
        source="manual",
        external_campaign="",
        line_key=f"manual:{line_id}",
        amount_micros=amount,
        currency=parse_currency(data.currency),
        impressions=data.impressions,
        reach=0,
        clicks=data.clicks,
        conversions=float(data.conversions),
        revenue_micros=revenue,
        note=data.note.strip()[:2000],
        import_id=None,
        created_by=actor.user.id,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    line = store.to_line(row)
    audit.record_change(
        session,
        actor=actor,
        action="spend.manual",
        entity_type="spend_line",
        entity_id=line_id,
        after=line,
        summary=f"{line.currency} {line.amount:,.2f} on {line.day}",
        now=clock.now(),
    )
    return line


def delete_manual_cost(
    session: Session, *, actor: Member, line_id: str, clock: Clock
) -> None:
    row = store.line_row(session, actor.workspace.id, line_id)
    if row.source != "manual":
        raise Conflict(
            "Imported lines change only by importing the platform's report again."
        )
    before = store.to_line(row)
    session.delete(row)
    audit.record_change(
        session,
        actor=actor,
        action="spend.delete",
        entity_type="spend_line",
        entity_id=line_id,
        before=before,
        now=clock.now(),
    )
