"""REST API of saved funnels: list, create, read, replace, delete, and results for a range.

Errors are problem+json naming the field as the body spells it (`name`, `window_days`,
`steps[2].match`, `steps[0].value`); an unknown funnel is 404, a name already used 409.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tandem.accounts import Member, Permission
from tandem.measure.saved_funnels import (
    FunnelIn,
    create_funnel,
    delete_funnel,
    funnel_in,
    funnel_json,
    funnels_of,
    update_funnel,
)
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.funnel_data import saved_funnel_data
from tandem.web.measure_data import RangeDep, warehouse_runner

router = APIRouter(
    prefix="/api/v1/workspaces/{ws}/measure/saved-funnels", tags=["measure"]
)
View = Annotated[Member, Depends(permit(Permission.ANALYTICS_VIEW))]
Manage = Annotated[Member, Depends(permit(Permission.MEASURE_MANAGE))]


class StepBody(BaseModel):
    match: str = Field(
        description="url (pageview address pattern, * matches anything), event (a custom "
        "or conversion event's name), conversion, pageview, click, custom or email"
    )
    value: str = Field(
        "", description="The pattern or event name; empty for the others"
    )


class FunnelBody(BaseModel):
    name: str
    steps: list[StepBody] = Field(description="2 to 10 steps, in order")
    window_days: int = Field(
        30, description="Days from entering the funnel in which later steps count"
    )

    def item(self) -> FunnelIn:
        return FunnelIn(
            name=self.name,
            steps=[(s.match, s.value) for s in self.steps],
            window_days=self.window_days,
        )


@router.get("", summary="List saved funnels")
def list_funnels(member: View, session: SessionDep) -> list[dict[str, Any]]:
    return [funnel_json(f) for f in funnels_of(session, member.workspace.id)]


@router.post("", summary="Save a funnel", status_code=201)
def create(
    body: FunnelBody, member: Manage, session: SessionDep, state: StateDep
) -> dict[str, Any]:
    made = create_funnel(
        session, workspace_id=member.workspace.id, item=body.item(), clock=state.clock
    )
    return funnel_json(made)


@router.get("/{funnel_id}", summary="A saved funnel's definition")
def read(funnel_id: str, member: View, session: SessionDep) -> dict[str, Any]:
    return funnel_json(funnel_in(session, member.workspace.id, funnel_id))


@router.get("/{funnel_id}/results", summary="A saved funnel's results for a date range")
def results(
    funnel_id: str, member: View, session: SessionDep, state: StateDep,
    query: RangeDep,
) -> dict[str, Any]:  # fmt: skip
    saved = funnel_in(session, member.workspace.id, funnel_id)
    span = query.parse(member.workspace.timezone, state.clock.now())
    with warehouse_runner(state) as runner:
        return saved_funnel_data(runner, member.workspace.id, span, saved)


@router.put("/{funnel_id}", summary="Rename or change a saved funnel")
def update(
    funnel_id: str, body: FunnelBody, member: Manage, session: SessionDep,
    state: StateDep,
) -> dict[str, Any]:  # fmt: skip
    changed = update_funnel(session, workspace_id=member.workspace.id,
                            funnel_id=funnel_id, item=body.item(), clock=state.clock)  # fmt: skip
    return funnel_json(changed)


@router.delete("/{funnel_id}", summary="Delete a saved funnel", status_code=204)
def delete(funnel_id: str, member: Manage, session: SessionDep) -> Response:
    delete_funnel(session, workspace_id=member.workspace.id, funnel_id=funnel_id)
    return Response(status_code=204)
