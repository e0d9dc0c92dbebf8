"""Plan pages: the overview, goals with forecasts, campaigns with pacing, spend and settings.

The REST twin lives in api_plan.py; both call the same actions and page-data builders.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tandem import plan
from tandem.accounts import Member, Permission
from tandem.core import InvalidInput, TandemError
from tandem.core.periods import local_today
from tandem.plan.model import PERCENT_METRICS, Channel, GoalMetric
from tandem.web.charts import Series, line_chart
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.measure_data import warehouse_runner
from tandem.web.render import page
from tandem.web.state import AppState

router = APIRouter(include_in_schema=False)
View = Annotated[Member, Depends(permit(Permission.ANALYTICS_VIEW))]
Manage = Annotated[Member, Depends(permit(Permission.PLAN_MANAGE))]
PAGE_SIZE = 50


def today_of(state: AppState, member: Member) -> date:
    return local_today(state.clock.now(), member.workspace.timezone)


def parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"{field.replace('_', ' ')} must be a date like 2026-01-31, not {value!r}.",
            field=field,
        ) from None


def parse_number(value: str, field: str) -> float:
    try:
        number = float(value.strip().replace(",", ""))
    except ValueError:
        number = float("nan")
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidInput(f"{field} must be a number, not {value!r}.", field=field)
    return number


def _redirect(member: Member, path: str, notice: str) -> Response:
    return RedirectResponse(
        f"/w/{member.workspace.slug}/plan{path}?notice={notice}", status_code=303
    )


ResultsParam = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Where conversions and revenue come from: platform (the ad "
        "platforms' own figures) or a Measure attribution model: "
        + ", ".join(k for k, _ in plan.RESULTS[1:])
        + f". Default {plan.DEFAULT_RESULTS} (the platform figures, said so, when "
        "Measure recorded no conversions in the range).",
    ),
]


@contextmanager
def measure_of(state: AppState, member: Member, results: str) -> Iterator[plan.Measure]:
    """Measure's journeys for the workspace; the warehouse is opened only for a model."""
    ws = member.workspace
    lookback = state.settings.journey_lookback_days
    if results == plan.PLATFORM:
        yield plan.Measure(None, ws.id, ws.timezone, lookback)
        return
    with warehouse_runner(state) as runner:
        yield plan.Measure(runner, ws.id, ws.timezone, lookback)


def _common(member: Member, session: Session) -> dict[str, Any]:
    settings = plan.store.settings_of(session, member.workspace.id)
    return {
        "settings": settings,
        "definitions": plan.DEFINITIONS,
        "channels": list(Channel),
        "metrics": list(GoalMetric),
        "percent_metrics": [m.value for m in PERCENT_METRICS],
        "presets": plan.PRESETS,
        "results_choices": plan.RESULTS,
    }


# ---- overview ---------------------------------------------------------------------------


def overview_data(
    session: Session, member: Member, state: AppState, results: str | None = None
) -> dict[str, Any]:
    ws, today = member.workspace, today_of(state, member)
    settings = plan.store.settings_of(session, ws.id)
    chosen = plan.parse_results(results)
    with measure_of(state, member, chosen) as measure:
        found = plan.overview(
            session, ws.id, settings, today=today, measure=measure, results=chosen
        )
    goals = plan.goal_views(session, ws.id, settings, today=today, zone=ws.timezone)
    return {
        "currency": settings.currency,
        "campaigns": found.campaigns,
        "by_channel": found.channels,
        "totals": found.totals,
        "missing_rates": found.missing_rates,
        "results": chosen,
        "outcome": found.outcome,
        "results_since": found.since,
        "results_until": found.until,
        "goals": goals,
    }


@router.get("/w/{ws}/plan")
def overview_page(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: View,
    results: ResultsParam = None,
) -> Response:
    data = overview_data(session, member, state, results)
    return page(
        request,
        "plan/index.html",
        {**data, **_common(member, session)},
        member=member,
        title="Plan",
    )


# ---- goals ------------------------------------------------------------------------------


def goal_input(form: dict[str, str]) -> plan.GoalInput:
    metric = plan.model.parse_metric(form.get("metric", ""))
    target = parse_number(form.get("target", ""), "target")
    if metric in PERCENT_METRICS:
        target = target / 100  # typed as a percentage in the form
    return plan.GoalInput(
        name=form.get("name", ""),
        metric=metric.value,
        target=target,
        start=parse_day(form.get("start", ""), "start"),
        deadline=parse_day(form.get("deadline", ""), "deadline"),
        platform=form.get("platform", ""),
        description=form.get("description", ""),
    )


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _goals_page(
    request: Request,
    session: Session,
    member: Member,
    state: AppState,
    *,
    form: dict[str, str] | None = None,
    error: TandemError | None = None,
) -> Response:
    ws, today = member.workspace, today_of(state, member)
    settings = plan.store.settings_of(session, ws.id)
    data = {
        "goals": plan.goal_views(
            session, ws.id, settings, today=today, zone=ws.timezone
        ),
        "form": form
        or {
            "start": today.isoformat(),
            "deadline": (today + timedelta(days=89)).isoformat(),
        },
        "error": error.message if error else None,
        "field": error.field if error else None,
        **_common(member, session),
    }
    status = error.status if error else 200
    return page(
        request, "plan/goals.html", data, member=member, status=status, title="Goals"
    )


@router.get("/w/{ws}/plan/goals")
def goals_page(
    request: Request, session: SessionDep, state: StateDep, member: View
) -> Response:
    return _goals_page(request, session, member, state)


@router.post("/w/{ws}/plan/goals")
async def create_goal(
    request: Request, session: SessionDep, state: StateDep, member: Manage
) -> Response:
    form = await _form(request)
    try:
        with session.begin_nested():
            goal = plan.create_goal(
                session, actor=member, data=goal_input(form), clock=state.clock
            )
    except TandemError as exc:
        return _goals_page(request, session, member, state, form=form, error=exc)
    return _redirect(member, f"/goals/{goal.id}", "created")


def goal_form(goal: plan.Goal) -> dict[str, str]:
    target = goal.target * 100 if goal.metric in PERCENT_METRICS else goal.target
    return {
        "name": goal.name,
        "metric": goal.metric.value,
        "target": f"{target:g}",
        "start": goal.start.isoformat(),
        "deadline": goal.deadline.isoformat(),
        "platform": goal.platform,
        "description": goal.description,
    }


def goal_chart(view: plan.GoalView, series: list[plan.DayValue]) -> Any:
    """Cumulative progress against the straight line to the target (totals only)."""
    goal = view.goal
    if not goal.metric.is_total:
        return None
    days = [
        goal.start + timedelta(days=i)
        for i in range((goal.deadline - goal.start).days + 1)
    ]
    values = {d.day: d.numerator for d in series}
    running, actual = 0.0, []
    last_seen = max(values) if values else goal.start
    for day in days:
        running += values.get(day, 0.0)
        actual.append(running if day <= last_seen else float("nan"))
    plan_line = [goal.target * (i + 1) / len(days) for i in range(len(days))]
    shown = [v for v in actual if v == v]
    return line_chart(
        f"{goal.metric.label}: progress against the target",
        [d.strftime("%d %b") for d in days],
        [
            Series("Target pace", plan_line, "s-compare"),
            Series("Actual (cumulative)", shown, "s-current"),
        ],
    )


@router.get("/w/{ws}/plan/goals/{goal_id}")
def goal_page(
    request: Request,
    goal_id: str,
    session: SessionDep,
    state: StateDep,
    member: View,
) -> Response:
    ws = member.workspace
    settings = plan.store.settings_of(session, ws.id)
    goal = plan.store.goal_in(session, ws.id, goal_id)
    view = plan.goal_view(
        session, goal, settings, today=today_of(state, member), zone=ws.timezone
    )
    series = plan.results.goal_series(session, goal, settings, zone=ws.timezone)
    data = {
        "view": view,
        "chart": goal_chart(view, series),
        "form": goal_form(goal),
        "notice": request.query_params.get("notice"),
        **_common(member, session),
    }
    return page(request, "plan/goal.html", data, member=member, title=goal.name)


@router.post("/w/{ws}/plan/goals/{goal_id}")
async def update_goal(
    request: Request,
    goal_id: str,
    session: SessionDep,
    state: StateDep,
    member: Manage,
) -> Response:
    form = await _form(request)
    plan.store.goal_in(session, member.workspace.id, goal_id)
    try:
        with session.begin_nested():
            plan.update_goal(
                session,
                actor=member,
                goal_id=goal_id,
                data=goal_input(form),
                clock=state.clock,
            )
    except TandemError as exc:
        return _goals_page(request, session, member, state, form=form, error=exc)
    return _redirect(member, f"/goals/{goal_id}", "saved")


# ---- spend ------------------------------------------------------------------------------


def spend_data(
    session: Session, member: Member, campaign: str | None, page_number: int
) -> dict[str, Any]:
    ws = member.workspace.id
    query = plan.store.SpendQuery(
        campaign_id=campaign or None,
        limit=PAGE_SIZE,
        offset=(max(1, page_number) - 1) * PAGE_SIZE,
    )
    lines, total = plan.store.list_lines(session, ws, query)
    return {
        "lines": lines,
        "total": total,
        "page": max(1, page_number),
        "pages": max(1, -(-total // PAGE_SIZE)),
        "campaign": campaign or "",
        "campaigns": plan.store.campaigns_in(session, ws),
        "imports": plan.store.imports_in(session, ws),
        "currencies": plan.store.currencies_in(session, ws),
    }


def _spend_page(
    request: Request,
    session: Session,
    member: Member,
    *,
    result: plan.ImportResult | None = None,
    error: TandemError | None = None,
    campaign: str | None = None,
    page_number: int = 1,
) -> Response:
    data = {
        **spend_data(session, member, campaign, page_number),
        **_common(member, session),
        "result": result,
        "error": error.message if error else None,
        "row_errors": getattr(error, "errors", []),
        "notice": request.query_params.get("notice"),
    }
    status = error.status if error else 200
    return page(
        request, "plan/spend.html", data, member=member, status=status, title="Spend"
    )


@router.get("/w/{ws}/plan/spend")
def spend_page(
    request: Request,
    session: SessionDep,
    member: View,
    campaign: str | None = None,
    page_number: int = 1,
) -> Response:
    return _spend_page(
        request, session, member, campaign=campaign, page_number=page_number
    )


def column_map(form: dict[str, str]) -> plan.ColumnMap:
    preset = form.get("preset", "") or "google_ads"
    if preset != "mapped":
        return plan.preset_map(preset)
    chosen = {name: form.get(f"map_{name}", "") for name in plan.spend_import.FIELDS}
    channel = plan.model.parse_channel(form.get("channel", "") or "other")
    return plan.custom_map(chosen, channel)


async def read_upload(upload: UploadFile | None) -> tuple[bytes, str]:
    if upload is None or not upload.filename:
        raise InvalidInput("Choose the exported CSV file.", field="file")
    data = await upload.read(plan.importing.MAX_BYTES + 1)
    return data, upload.filename


@router.post("/w/{ws}/plan/spend/import")
async def import_spend(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Manage,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    form = await _form(request)
    try:
        data, filename = await read_upload(file)
        with session.begin_nested():
            result = plan.import_spend(
                session,
                actor=member,
                data=data,
                filename=filename,
                mapping=column_map(form),
                clock=state.clock,
                campaign_id=form.get("campaign_id") or None,
                currency=form.get("currency") or None,
            )
            plan.check_pacing(
                session,
                workspace_id=member.workspace.id,
                today=today_of(state, member),
                base_url=state.settings.base_url,
                now=state.clock.now(),
            )
    except TandemError as exc:
        return _spend_page(request, session, member, error=exc)
    return _spend_page(request, session, member, result=result)


def manual_input(form: dict[str, str]) -> plan.ManualCost:
    return plan.ManualCost(
        day=parse_day(form.get("day", ""), "day"),
        amount=form.get("amount", ""),
        currency=form.get("currency", ""),
        channel=form.get("channel", "") or "other",
        campaign_id=form.get("campaign_id") or None,
        note=form.get("note", ""),
    )


@router.post("/w/{ws}/plan/spend/manual")
async def add_manual_cost(
    request: Request, session: SessionDep, state: StateDep, member: Manage
) -> Response:
    form = await _form(request)
    try:
        with session.begin_nested():
            plan.add_manual_cost(
                session, actor=member, data=manual_input(form), clock=state.clock
            )
            plan.check_pacing(
                session,
                workspace_id=member.workspace.id,
                today=today_of(state, member),
                base_url=state.settings.base_url,
                now=state.clock.now(),
            )
    except TandemError as exc:
        return _spend_page(request, session, member, error=exc)
    return _redirect(member, "/spend", "cost-added")


@router.post("/w/{ws}/plan/settings")
async def save_settings(
    request: Request, session: SessionDep, state: StateDep, member: Manage
) -> Response:
    form = await _form(request)
    rates = {
        k.removeprefix("rate_").upper(): v
        for k, v in form.items()
        if k.startswith("rate_")
    }
    if form.get("new_rate_currency", "").strip():
        rates[form["new_rate_currency"].strip().upper()] = form.get(
            "new_rate_value", ""
        )
    try:
        with session.begin_nested():
            threshold = parse_number(
                form.get("pacing_threshold", "10"), "pacing_threshold"
            )
            plan.save_settings(
                session,
                actor=member,
                currency=form.get("currency", ""),
                rates=rates,
                pacing_threshold=threshold / 100,
                clock=state.clock,
            )
    except TandemError as exc:
        return _spend_page(request, session, member, error=exc)
    return _redirect(member, "/spend", "settings-saved")
