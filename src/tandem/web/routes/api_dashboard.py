"""REST API: any dashboard section (social performance, by pillar, competitor benchmarks,
campaign ROI, ...) over a period, with a comparison and the report filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from tandem.accounts import Member, Permission
from tandem.report import Section
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.sections import ResultsParam, build_for

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
    built = build_for(
        session,
        state,
        member.workspace,
        (key,),
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
    return built.sections[0]
