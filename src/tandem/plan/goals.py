"""A goal with its progress and forecast, as pages and the API show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from tandem.plan import store
from tandem.plan.forecast import Forecast, forecast
from tandem.plan.model import Campaign, Goal, PlanSettings
from tandem.plan.results import goal_series


@dataclass(frozen=True)
class GoalView:
    goal: Goal
    forecast: Forecast
    campaigns: list[Campaign]
    unit: str  # how the target reads: "", "%", "×" or a currency code


def unit_of(goal: Goal, currency: str) -> str:
    metric = goal.metric.value
    if metric in ("engagement_rate", "ctr", "conversion_rate"):
        return "%"
    if metric == "roas":
        return "×"
    if metric in ("revenue", "cpa"):
        return currency
    return ""


def goal_view(
    session: Session, goal: Goal, settings: PlanSettings, *, today: date, zone: str
) -> GoalView:
    series = goal_series(session, goal, settings, zone=zone)
    outlook = forecast(
        goal.metric,
        goal.target,
        start=goal.start,
        deadline=goal.deadline,
        today=today,
        series=series,
    )
    campaigns = store.campaigns_in(session, goal.workspace_id, goal_id=goal.id)
    return GoalView(goal, outlook, campaigns, unit_of(goal, settings.currency))


def goal_views(
    session: Session,
    workspace_id: str,
    settings: PlanSettings,
    *,
    today: date,
    zone: str,
) -> list[GoalView]:
    return [
        goal_view(session, g, settings, today=today, zone=zone)
        for g in store.goals_in(session, workspace_id)
    ]
