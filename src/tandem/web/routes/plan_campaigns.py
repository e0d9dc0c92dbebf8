"""Campaign pages: the list, the new-campaign form, and one campaign with its calendar,
content, links, spend, pacing and KPIs."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tandem import plan
from tandem.accounts import Member
from tandem.compose.calendar import CalendarFilter, calendar_items
from tandem.compose.store import BriefQuery, list_briefs
from tandem.core import TandemError
from tandem.links import LinkQuery
from tandem.links import store as links_store
from tandem.listen import store as listen_store
from tandem.web.charts import Series, line_chart
from tandem.web.deps import SessionDep, StateDep
from tandem.web.render import page
from tandem.web.routes.plan import (
    Manage,
    ResultsParam,
    View,
    _common,
    _form,
    _redirect,
    measure_of,
    parse_day,
    today_of,
)
from tandem.web.state import AppState

router = APIRouter(include_in_schema=False)


def campaign_input(form: dict[str, str], channels: list[str]) -> plan.CampaignInput:
    return plan.CampaignInput(
        name=form.get("name", ""),
        utm_key=form.get("utm_key", ""),
        start=parse_day(form.get("start", ""), "start"),
        end=parse_day(form.get("end", ""), "end_date"),
        budget=form.get("budget", "") or "0",
        currency=form.get("currency", ""),
        channels=channels,
        goal_id=form.get("goal_id") or None,
        description=form.get("description", ""),
    )


def _list_page(
    request: Request,
    session: Session,
    member: Member,
    state: AppState,
    *,
    form: dict[str, str] | None = None,
    error: TandemError | None = None,
    results: str | None = None,
) -> Response:
    ws, today = member.workspace, today_of(state, member)
    settings = plan.store.settings_of(session, ws.id)
    chosen = plan.parse_results(results)
    with measure_of(state, member, chosen) as measure:
        found = plan.overview(
            session, ws.id, settings, today=today, measure=measure, results=chosen
        )
    data = {
        "campaigns": found.campaigns,
        "missing_rates": found.missing_rates,
        "results": chosen,
        "goals": plan.store.goals_in(session, ws.id),
        "form": form
        or {
            "start": today.isoformat(),
            "end": (today + timedelta(days=29)).isoformat(),
            "currency": settings.currency,
        },
        "error": error.message if error else None,
        "field": error.field if error else None,
        **_common(member, session),
    }
    status = error.status if error else 200
    return page(
        request,
        "plan/campaigns.html",
        data,
        member=member,
        status=status,
        title="Campaigns",
    )


@router.get("/w/{ws}/plan/campaigns")
def campaigns_page(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: View,
    results: ResultsParam = None,
) -> Response:
    return _list_page(request, session, member, state, results=results)


@router.post("/w/{ws}/plan/campaigns")
async def create_campaign(
    request: Request, session: SessionDep, state: StateDep, member: Manage
) -> Response:
    raw = await request.form()
    form = await _form(request)
    channels = [v for v in raw.getlist("channels") if isinstance(v, str)]
    try:
        with session.begin_nested():
            campaign = plan.create_campaign(
                session,
                actor=member,
                data=campaign_input(form, channels),
                clock=state.clock,
            )
    except TandemError as exc:
        return _list_page(request, session, member, state, form=form, error=exc)
    return _redirect(member, f"/campaigns/{campaign.id}", "created")


def spend_chart(report: plan.CampaignReport) -> Any:
    c = report.campaign
    days = [c.start + timedelta(days=i) for i in range(c.days)]
    spent = dict(report.daily)
    running, actual = 0.0, []
    last = max(spent) if spent else c.start
    for day in days:
        running += spent.get(day, 0.0)
        if day <= last:
            actual.append(running)
    planned = [c.budget * (i + 1) / len(days) for i in range(len(days))]
    return line_chart(
        f"Spend against the plan ({report.currency})",
        [d.strftime("%d %b") for d in days],
        [
            Series("Budget, spent evenly", planned, "s-compare"),
            Series("Spent (cumulative)", actual, "s-current"),
        ],
    )


def campaign_data(
    session: Session,
    member: Member,
    state: AppState,
    campaign_id: str,
    results: str | None = None,
) -> dict[str, Any]:
    ws = member.workspace
    settings = plan.store.settings_of(session, ws.id)
    campaign = plan.store.campaign_in(session, ws.id, campaign_id)
    chosen = plan.parse_results(results)
    with measure_of(state, member, chosen) as measure:
        report = plan.campaign_report(
            session,
            campaign,
            settings,
            today=today_of(state, member),
            measure=measure,
            results=chosen,
        )
    zone = ZoneInfo(ws.timezone)
    since = datetime.combine(campaign.start, time.min, zone)
    until = datetime.combine(campaign.end + timedelta(days=1), time.min, zone)
    entries = calendar_items(
        session,
        ws.id,
        since=since,
        until=until,
        zone=ws.timezone,
        only=CalendarFilter(campaign=campaign.utm_key),
    )
    briefs, _ = list_briefs(
        session, ws.id, BriefQuery(campaign_key=campaign.utm_key, limit=100)
    )
    links, _ = links_store.list_links(
        session, ws.id, LinkQuery(campaign_key=campaign.utm_key, limit=100)
    )
    lines, _ = plan.store.list_lines(
        session, ws.id, plan.store.SpendQuery(campaign_id=campaign.id, limit=200)
    )
    goal = (
        plan.store.goal_in(session, ws.id, campaign.goal_id)
        if campaign.goal_id
        else None
    )
    return {
        "report": report,
        "results": chosen,
        "outcome": report.outcome,
        "goal": goal,
        "calendar": entries,
        "briefs": briefs,
        "links": links,
        "lines": lines,
        "base_url": state.settings.base_url,
    }


@router.get("/w/{ws}/plan/campaigns/{campaign_id}")
def campaign_page(
    request: Request,
    campaign_id: str,
    session: SessionDep,
    state: StateDep,
    member: View,
    results: ResultsParam = None,
) -> Response:
    data = campaign_data(session, member, state, campaign_id, results)
    report = data["report"]
    c = report.campaign
    form = {
        "name": c.name,
        "utm_key": c.utm_key,
        "start": c.start.isoformat(),
        "end": c.end.isoformat(),
        "budget": f"{c.budget:.2f}",
        "currency": c.currency,
        "goal_id": c.goal_id or "",
        "description": c.description,
        "channels": [ch.value for ch in c.channels],
    }
    extra = {
        "chart": spend_chart(report),
        "form": form,
        "goals": plan.store.goals_in(session, member.workspace.id),
        "listen_notes": listen_store.notes_in(
            session, member.workspace.id, campaign_id=campaign_id
        ),
        "notice": request.query_params.get("notice"),
        "error": None,
        "field": None,
        **_common(member, session),
    }
    return page(
        request, "plan/campaign.html", {**data, **extra}, member=member, title=c.name
    )


@router.post("/w/{ws}/plan/campaigns/{campaign_id}")
async def update_campaign(
    request: Request,
    campaign_id: str,
    session: SessionDep,
    state: StateDep,
    member: Manage,
) -> Response:
    plan.store.campaign_in(session, member.workspace.id, campaign_id)
    raw = await request.form()
    form = await _form(request)
    channels = [v for v in raw.getlist("channels") if isinstance(v, str)]
    try:
        with session.begin_nested():
            plan.update_campaign(
                session,
                actor=member,
                campaign_id=campaign_id,
                data=campaign_input(form, channels),
                clock=state.clock,
            )
    except TandemError as exc:
        return _list_page(request, session, member, state, form=form, error=exc)
    return _redirect(member, f"/campaigns/{campaign_id}", "saved")
