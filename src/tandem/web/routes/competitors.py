"""Competitors: the Dashboard > Competitors page and the REST API. Adding one queues a read
of its public profile at once; the daily job keeps the snapshots going."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission
from tandem.core import Clock, TandemError
from tandem.report import competitors
from tandem.report.competitors import Competitor
from tandem.storage.queue import enqueue
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import page

router = APIRouter()
api = APIRouter(prefix="/api/v1/workspaces/{ws}", tags=["reports"])


def _add(
    session: Session, member: Member, platform: str, handle: str, clock: Clock
) -> Competitor:
    added = competitors.add_competitor(
        session, actor=member, platform=platform, handle=handle, clock=clock
    )
    if not added.unreadable:
        enqueue(
            session,
            competitors.SNAPSHOT_COMPETITORS,
            {"workspace_id": member.workspace.id},
            now=clock.now(),
            workspace_id=member.workspace.id,
            max_attempts=1,
        )
    return added


@router.get("/w/{ws}/dashboard/competitors")
def competitors_page(
    request: Request,
    session: SessionDep,
    member: Member = Depends(permit(Permission.ANALYTICS_VIEW)),
    error: str = "",
    field: str = "",
) -> Response:
    data = {
        "competitors": competitors.competitors_in(session, member.workspace.id),
        "platforms": competitors.KNOWN_PLATFORMS,
        "error": error,
        "field": field,
        "notice": request.query_params.get("notice", ""),
    }
    return page(
        request,
        "dashboard/competitors.html",
        data,
        member=member,
        title="Competitors",
        status=422 if error else 200,
    )


@router.post("/w/{ws}/dashboard/competitors")
def add_competitor(
    request: Request,
    session: SessionDep,
    state: StateDep,
    platform: str = Form(""),
    handle: str = Form(""),
    member: Member = Depends(permit(Permission.REPORTS_MANAGE)),
) -> Response:
    try:
        with session.begin_nested():
            added = _add(session, member, platform, handle, state.clock)
    except TandemError as exc:
        return competitors_page(
            request, session, member, error=exc.message, field=exc.field or ""
        )
    notice = f"Added @{added.handle}" + (
        f" (no public metrics on {added.platform})" if added.unreadable else ""
    )
    return RedirectResponse(
        f"/w/{member.workspace.slug}/dashboard/competitors?notice={notice}",
        status_code=303,
    )


@router.post("/w/{ws}/dashboard/competitors/{competitor_id}/delete")
def remove_competitor(
    competitor_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.REPORTS_MANAGE)),
) -> Response:
    competitors.remove_competitor(
        session, actor=member, competitor_id=competitor_id, clock=state.clock
    )
    return RedirectResponse(
        f"/w/{member.workspace.slug}/dashboard/competitors?notice=Removed",
        status_code=303,
    )


class CompetitorIn(BaseModel):
    platform: str = Field(description="e.g. bluesky, sandbox, instagram.")
    handle: str = Field(description="The account's handle on the platform.")


@dataclass(frozen=True)
class CompetitorOut:
    competitor: Competitor
    snapshots: list[competitors.Snapshot]


@api.get("/competitors", summary="Competitor accounts with their public snapshots")
def list_competitors(
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.ANALYTICS_VIEW)),
) -> list[CompetitorOut]:
    today = state.clock.now().date()
    return [
        CompetitorOut(c, competitors.snapshots_of(session, c.id, until=today))
        for c in competitors.competitors_in(session, member.workspace.id)
    ]


@api.post(
    "/competitors",
    status_code=201,
    summary="Benchmark against an account; its public profile is read at once",
)
def create_competitor(
    body: CompetitorIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.REPORTS_MANAGE)),
) -> Competitor:
    return _add(session, member, body.platform, body.handle, state.clock)


@api.delete(
    "/competitors/{competitor_id}", status_code=204, summary="Stop benchmarking"
)
def delete_competitor(
    competitor_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.REPORTS_MANAGE)),
) -> Response:
    competitors.remove_competitor(
        session, actor=member, competitor_id=competitor_id, clock=state.clock
    )
    return Response(status_code=204)
