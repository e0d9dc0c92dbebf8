"""REST API of the measure analysis: attribution, paths, funnels, cohorts, experiments.

The same page data as the HTML pages (web/measure_data.py, web/experiment_data.py).
Errors are problem+json naming the field (since, until, compare, steps, weeks, key...).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tandem.accounts import Member, Permission
from tandem.measure.experiments import (
    ExperimentIn,
    create_experiment,
    delete_experiment,
    experiment_in,
    experiments_of,
    update_experiment,
)
from tandem.measure.funnels import parse_steps
from tandem.web.cohort_data import cohort_data
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.experiment_data import experiment_data, experiment_json
from tandem.web.funnel_data import funnel_data
from tandem.web.journey_data import paths_data
from tandem.web.measure_data import (
    ParamsDep,
    Range,
    RangeDep,
    RangeQuery,
    attribution_data,
    warehouse_runner,
)

router = APIRouter(prefix="/api/v1/workspaces/{ws}/measure", tags=["measure"])
View = Annotated[Member, Depends(permit(Permission.ANALYTICS_VIEW))]
Manage = Annotated[Member, Depends(permit(Permission.MEASURE_MANAGE))]


def _span(member: Member, state: Any, query: RangeQuery) -> Range:
    return query.parse(member.workspace.timezone, state.clock.now())


@router.get("/attribution", summary="Conversions and value per channel by every model")
def attribution(
    member: View,
    state: StateDep,
    query: RangeDep,
    params: ParamsDep,
) -> dict[str, Any]:
    span = _span(member, state, query)
    with warehouse_runner(state) as runner:
        return attribution_data(runner, member.workspace.id, span, params)


@router.get(
    "/paths", summary="Top journey paths with conversions and value, and their change"
)
def paths(
    member: View, state: StateDep, query: RangeDep, limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> dict[str, Any]:  # fmt: skip
    span = _span(member, state, query)
    with warehouse_runner(state) as runner:
        return paths_data(runner, member.workspace.id, span, limit)


@router.get("/funnels", summary="A funnel of ordered steps (repeat `step`)")
def funnels(
    member: View, state: StateDep, step: Annotated[list[str], Query()],
    query: RangeDep,
) -> dict[str, Any]:  # fmt: skip
    span = _span(member, state, query)
    with warehouse_runner(state) as runner:
        return funnel_data(runner, member.workspace.id, span, parse_steps(step))


@router.get("/cohorts", summary="Cohorts by first-touch week and channel")
def cohorts(
    member: View, state: StateDep, query: RangeDep, weeks: Annotated[int, Query(ge=1, le=26)] = 8,
) -> dict[str, Any]:  # fmt: skip
    span = _span(member, state, query)
    with warehouse_runner(state) as runner:
        return cohort_data(runner, member.workspace.id, span, weeks)


class VariantBody(BaseModel):
    name: str = Field(max_length=40)
    weight: float = 1.0


class CountsBody(BaseModel):
    visitors: int = Field(ge=0)
    conversions: int = Field(ge=0)


class ExperimentBody(BaseModel):
    key: str = Field(
        max_length=40, description="Pages send the variant as `exp:<key>`."
    )
    name: str = Field(max_length=100)
    variants: list[VariantBody] = Field(description="Control first; weights any scale.")
    metric: str = Field("conversion", description="conversion or revenue")
    metric_event: str = Field(
        "", max_length=100, description="Conversion name; blank = any"
    )
    counts: dict[str, CountsBody] | None = Field(
        None,
        description="Visitors and conversions per variant, when assigned elsewhere.",
    )
    planned_per_variant: int | None = None
    daily_visitors: float | None = None

    def item(self) -> ExperimentIn:
        return ExperimentIn(
            key=self.key,
            name=self.name,
            variants=[(v.name, v.weight) for v in self.variants],
            metric=self.metric,
            metric_event=self.metric_event,
            counts=(
                {k: (c.visitors, c.conversions) for k, c in self.counts.items()}
                if self.counts is not None
                else None
            ),
            planned_per_variant=self.planned_per_variant,
            daily_visitors=self.daily_visitors,
        )


@router.get("/experiments", summary="List experiments")
def list_experiments(member: View, session: SessionDep) -> list[dict[str, Any]]:
    return [experiment_json(e) for e in experiments_of(session, member.workspace.id)]


@router.post("/experiments", summary="Create an experiment", status_code=201)
def create(
    body: ExperimentBody, member: Manage, session: SessionDep, state: StateDep
) -> dict[str, Any]:
    made = create_experiment(
        session, workspace_id=member.workspace.id, item=body.item(), clock=state.clock
    )
    return experiment_json(made)


@router.get("/experiments/{experiment_id}", summary="An experiment and its results")
def results(
    experiment_id: str, member: View, session: SessionDep, state: StateDep,
    query: RangeDep,
    baseline: Annotated[float | None, Query(gt=0, lt=1)] = None,
    mde: Annotated[float, Query(gt=0, lt=10)] = 0.1,
) -> dict[str, Any]:  # fmt: skip
    experiment = experiment_in(session, member.workspace.id, experiment_id)
    span = _span(member, state, query)
    with warehouse_runner(state) as runner:
        return experiment_data(runner, member.workspace.id, span, experiment,
                               baseline=baseline, mde=mde)  # fmt: skip


@router.put(
    "/experiments/{experiment_id}", summary="Replace an experiment's definition"
)
def update(
    experiment_id: str, body: ExperimentBody, member: Manage, session: SessionDep
) -> dict[str, Any]:
    changed = update_experiment(session, workspace_id=member.workspace.id,
                                experiment_id=experiment_id, item=body.item())  # fmt: skip
    return experiment_json(changed)


@router.delete(
    "/experiments/{experiment_id}", summary="Delete an experiment", status_code=204
)
def delete(experiment_id: str, member: Manage, session: SessionDep) -> Response:
    delete_experiment(
        session, workspace_id=member.workspace.id, experiment_id=experiment_id
    )
    return Response(status_code=204)
