"""Dashboards: the role's report sections over a period, with a comparison and filters."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from tandem import plan
from tandem.accounts import Member, Permission
from tandem.compose.pillars import pillars_in
from tandem.core.periods import local_today, parse_comparison, parse_period
from tandem.publish.store import accounts_in
from tandem.report import dashboard
from tandem.report.posts import platforms_in
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import page
from tandem.web.sections import ResultsParam, drawn

router = APIRouter(include_in_schema=False)


@router.get("/w/{ws}/dashboard")
def dashboard_page(
    request: Request,
    session: SessionDep,
    state: StateDep,
    view: str | None = None,
    since: str | None = None,
    until: str | None = None,
    compare: str | None = None,
    campaign: str | None = None,
    platform: str | None = None,
    account: str | None = None,
    pillar: str | None = None,
    results: ResultsParam = None,
    member: Member = Depends(permit(Permission.ANALYTICS_VIEW)),
) -> Response:
    ws = member.workspace
    today = local_today(state.clock.now(), ws.timezone)
    period = parse_period(since, until, zone=ws.timezone, today=today)
    how = parse_comparison(compare)
    chosen = dashboard.parse_view(view, member.role)
    filters = dashboard.check_filters(
        session,
        ws.id,
        {
            "campaign": campaign or "",
            "platform": platform or "",
            "account": account or "",
            "pillar": pillar or "",
            "results": results or "",
        },
    )
    sections = dashboard.build_sections(
        session,
        ws.id,
        dashboard.VIEWS[chosen],
        period=period,
        previous=period.compared(how),
        today=today,
        filters=filters,
        now=state.clock.now(),
        refit_in_background=True,
        warehouse_path=str(state.settings.warehouse_path),
        lookback_days=state.settings.journey_lookback_days,
    )
    data = {
        "view": chosen,
        "views": dashboard.VIEW_LABELS,
        "period": period,
        "comparison": period.compared(how),
        "compare": how,
        "filters": filters,
        "campaigns": [
            {"id": c.id, "name": c.name}
            for c in plan.store.campaigns_in(session, ws.id)
        ],
        "platforms": platforms_in(session, ws.id),
        "accounts": [
            {"id": a.id, "handle": a.handle} for a in accounts_in(session, ws.id)
        ],
        "pillars": [
            {"id": p.id, "name": p.name, "colour": p.colour}
            for p in pillars_in(session, ws.id)
        ],
        "sections": drawn(sections),
        "results_choices": plan.RESULTS,
    }
    return page(request, "dashboard/index.html", data, member=member, title="Dashboard")
