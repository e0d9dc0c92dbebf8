"""REST API: any dashboard section (social performance, by pillar, competitor benchmarks,
campaign ROI, ...) over a period, with a comparison and the report filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from tandem.accounts import Member, Permission
from tandem.core.periods import local_today, parse_comparison, parse_period
from tandem.report import Section, dashboard
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.sections import ResultsParam

router = APIRouter(prefix="/api/v1/workspaces/{ws}", tags=["reports"])


@router.get(
    "/sections/{key}",
    summary="One dashboard section: figures with definitions, charts and tables",
)
def section(
    key: str,
    session: SessionDep,
    state: StateDep,
    since: Annotated[str | None, Query(description="First day, YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="Last day, inclusive")] = None,
    compare: Annotated[str | None, Query(description="previous, year or none")] = None,
    campaign: str | None = None,
    platform: str | None = None,
    account: str | None = None,
    pillar: str | None = None,
    results: ResultsParam = None,
    member: Member = Depends(permit(Permission.ANALYTICS_VIEW)),
) -> Section:
    ws = member.workspace
    today = local_today(state.clock.now(), ws.timezone)
    period = parse_period(since, until, zone=ws.timezone, today=today)
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
    (built,) = dashboard.build_sections(
        session,
        ws.id,
        (key,),
        period=period,
        previous=period.compared(parse_comparison(compare)),
        today=today,
        filters=filters,
        now=state.clock.now(),
        refit_in_background=True,
        warehouse_path=str(state.settings.warehouse_path),
        lookback_days=state.settings.journey_lookback_days,
    )
    return built
