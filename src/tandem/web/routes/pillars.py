"""Content pillars: the Create > Pillars page and the REST API."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field

from tandem.accounts import Member, Permission
from tandem.compose import pillars
from tandem.compose.pillars import Pillar
from tandem.core import TandemError
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import page

router = APIRouter()
api = APIRouter(prefix="/api/v1/workspaces/{ws}", tags=["create"])


def _page(
    request: Request,
    session: SessionDep,
    member: Member,
    *,
    error: TandemError | None = None,
    form: dict[str, str] | None = None,
) -> Response:
    data = {
        "pillars": pillars.pillars_in(session, member.workspace.id),
        "form": form or {},
        "error": error.message if error else "",
        "field": error.field if error else "",
        "notice": request.query_params.get("notice", ""),
    }
    status = error.status if error else 200
    return page(
        request,
        "create/pillars.html",
        data,
        member=member,
        title="Content pillars",
        status=status,
    )


@router.get("/w/{ws}/create/pillars")
def pillars_page(
    request: Request,
    session: SessionDep,
    member: Member = Depends(permit(Permission.CONTENT_VIEW)),
) -> Response:
    return _page(request, session, member)


@router.post("/w/{ws}/create/pillars")
def add_pillar(
    request: Request,
    session: SessionDep,
    state: StateDep,
    name: str = Form(""),
    colour: str = Form(""),
    description: str = Form(""),
    member: Member = Depends(permit(Permission.BRAND_MANAGE)),
) -> Response:
    try:
        with session.begin_nested():
            pillar = pillars.create_pillar(
                session,
                actor=member,
                name=name,
                colour=colour,
                description=description,
                clock=state.clock,
            )
    except TandemError as exc:
        form = {"name": name, "colour": colour, "description": description}
        return _page(request, session, member, error=exc, form=form)
    return RedirectResponse(
        f"/w/{member.workspace.slug}/create/pillars?notice=Added+{pillar.name}",
        status_code=303,
    )


@router.post("/w/{ws}/create/pillars/{pillar_id}/delete")
def remove_pillar(
    pillar_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.BRAND_MANAGE)),
) -> Response:
    pillars.delete_pillar(session, actor=member, pillar_id=pillar_id, clock=state.clock)
    return RedirectResponse(
        f"/w/{member.workspace.slug}/create/pillars?notice=Removed", status_code=303
    )


class PillarIn(BaseModel):
    name: str = Field(description="1-60 characters, unique in the workspace.")
    colour: str = Field("", description="#rrggbb; a grey when empty.")
    description: str = ""


@api.get("/pillars", summary="The workspace's content pillars")
def list_pillars(
    session: SessionDep, member: Member = Depends(permit(Permission.CONTENT_VIEW))
) -> list[Pillar]:
    return pillars.pillars_in(session, member.workspace.id)


@api.post("/pillars", status_code=201, summary="Add a content pillar")
def create_pillar(
    body: PillarIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.BRAND_MANAGE)),
) -> Pillar:
    return pillars.create_pillar(
        session,
        actor=member,
        name=body.name,
        colour=body.colour,
        description=body.description,
        clock=state.clock,
    )


@api.delete(
    "/pillars/{pillar_id}",
    status_code=204,
    summary="Remove a content pillar; its posts keep going, without a pillar",
)
def delete_pillar(
    pillar_id: str,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.BRAND_MANAGE)),
) -> Response:
    pillars.delete_pillar(session, actor=member, pillar_id=pillar_id, clock=state.clock)
    return Response(status_code=204)
