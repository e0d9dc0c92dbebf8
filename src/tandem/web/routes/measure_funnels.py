"""Saved funnel pages: save one from the funnels page, reopen it for any range, edit, delete."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from tandem.accounts import Member, Permission
from tandem.measure.saved_funnels import (
    MATCHES,
    create_funnel,
    delete_funnel,
    funnel_in,
    update_funnel,
)
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.funnel_data import FORM_ROWS, funnel_csv, funnel_form, saved_funnel_data
from tandem.web.measure_data import RangeDep, warehouse_runner
from tandem.web.render import csv_response, page

router = APIRouter(include_in_schema=False)
View = Annotated[Member, Depends(permit(Permission.ANALYTICS_VIEW))]
Manage = Annotated[Member, Depends(permit(Permission.MEASURE_MANAGE))]


async def _form(request: Request) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in (await request.form()).multi_items():
        out.setdefault(key, []).append(str(value))
    return out


def _to(member: Member, funnel_id: str = "") -> RedirectResponse:
    base = f"/w/{member.workspace.slug}/measure/funnels"
    return RedirectResponse(f"{base}/{funnel_id}" if funnel_id else base, 303)


@router.post("/w/{ws}/measure/funnels")
async def funnel_create(
    request: Request, member: Manage, session: SessionDep, state: StateDep
) -> Response:
    item = funnel_form(await _form(request))
    made = create_funnel(session, workspace_id=member.workspace.id, item=item,
                         clock=state.clock)  # fmt: skip
    return _to(member, made.id)


@router.get("/w/{ws}/measure/funnels/{funnel_id}")
def saved_funnel_page(
    request: Request, funnel_id: str, member: View, session: SessionDep,
    state: StateDep, query: RangeDep,
) -> Response:  # fmt: skip
    saved = funnel_in(session, member.workspace.id, funnel_id)
    span = query.parse(member.workspace.timezone, state.clock.now())
    with warehouse_runner(state) as runner:
        data: dict[str, Any] = saved_funnel_data(
            runner, member.workspace.id, span, saved
        )
    if request.query_params.get("format") == "csv":
        return csv_response(f"funnel-{saved.id}.csv", *funnel_csv(data))
    data.update(matches=MATCHES, form_rows=FORM_ROWS)
    return page(request, "measure/funnel.html", data, member=member, title=saved.name)


@router.post("/w/{ws}/measure/funnels/{funnel_id}")
async def funnel_update(
    request: Request, funnel_id: str, member: Manage, session: SessionDep,
    state: StateDep,
) -> Response:  # fmt: skip
    item = funnel_form(await _form(request))
    update_funnel(session, workspace_id=member.workspace.id, funnel_id=funnel_id,
                  item=item, clock=state.clock)  # fmt: skip
    return _to(member, funnel_id)


@router.post("/w/{ws}/measure/funnels/{funnel_id}/delete")
def funnel_delete(funnel_id: str, member: Manage, session: SessionDep) -> Response:
    delete_funnel(session, workspace_id=member.workspace.id, funnel_id=funnel_id)
    return _to(member)
