"""Dashboards: the role's report sections over a period, with a comparison and filters."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from tandem import plan
from tandem.accounts import Member, Permission
from tandem.compose.pillars import pillars_in
from tandem.publish.store import accounts_in
from tandem.report import dashboard
from tandem.report.posts import platforms_in
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import page
from tandem.web.sections import ResultsParam, build_for, drawn

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
    chosen = dashboard.parse_view(view, member.role)
    built = build_for(
        session,
        state,
        ws,
        dashboard.VIEWS[chosen],
        since=since,
        until=until,
        compare=compare,
        filters={
            "campaign": campaign,
            "platform": platform,
            "account": account,
            "pillar": pillar,
            "results": results,
        },
    )
    data = {
        "view": chosen,
        "views": dashboard.VIEW_LABELS,
        "period": built.period,
        "comparison": built.period.compared(built.compare),
        "compare": built.compare,
        "filters": built.filters,
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
        "sections": drawn(built.sections),
        "results_choices": plan.RESULTS,
    }
    return page(request, "dashboard/index.html", data, member=member, title="Dashboard")
