"""Measure pages: attribution model comparison, journeys, funnels, cohorts, experiments.

Every page takes since/until/compare, has a JSON twin (?format=json) and a CSV export
(?format=csv). The data builders are in web/measure_data.py and web/experiment_data.py.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from tandem.accounts import Member, Permission
from tandem.measure.experiments import (
    create_experiment,
    delete_experiment,
    experiment_in,
    experiments_of,
)
from tandem.measure.funnels import parse_steps
from tandem.measure.saved_funnels import MATCHES, funnel_json, funnels_of
from tandem.web.cohort_data import cohort_csv, cohort_data
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.experiment_data import experiment_data, experiment_form, experiment_json
from tandem.web.funnel_data import FORM_ROWS, funnel_csv, funnel_data
from tandem.web.journey_data import paths_csv, paths_data
from tandem.web.measure_data import (
    ParamsDep,
    Range,
    RangeDep,
    RangeQuery,
    attribution_data,
    attribution_rows,
    warehouse_runner,
)
from tandem.web.render import csv_response, page

router = APIRouter(include_in_schema=False)
View = Annotated[Member, Depends(permit(Permission.ANALYTICS_VIEW))]
Manage = Annotated[Member, Depends(permit(Permission.MEASURE_MANAGE))]


def _render(
    request: Request, member: Member, template: str, data: dict[str, Any], title: str,
    csv: tuple[str, list[str], list[list[Any]]],
) -> Response:  # fmt: skip
    if request.query_params.get("format") == "csv":
        return csv_response(*csv)
    return page(request, f"measure/{template}", data, member=member, title=title)


def _span(member: Member, state: Any, query: RangeQuery) -> Range:
    return query.parse(member.workspace.timezone, state.clock.now())


@router.get("/w/{ws}/measure/attribution")
def attribution_page(
    request: Request, member: View, state: StateDep, query: RangeDep,
    params: ParamsDep,
) -> Response:  # fmt: skip
    span = _span(member, state, query)
    with warehouse_runner(state) as runner:
        data = attribution_data(runner, member.workspace.id, span, params)
    return _render(request, member, "attribution.html", data, "Attribution",
                   ("attribution.csv", *attribution_rows(data)))  # fmt: skip


@router.get("/w/{ws}/measure/paths")
def paths_page(
    request: Request, member: View, state: StateDep,
    query: RangeDep,
) -> Response:  # fmt: skip
    span = _span(member, state, query)
    with warehouse_runner(state) as runner:
        data = paths_data(runner, member.workspace.id, span)
    return _render(request, member, "paths.html", data, "Journeys",
                   ("paths.csv", *paths_csv(data)))  # fmt: skip


@router.get("/w/{ws}/measure/funnels")
def funnel_page(
    request: Request, member: View, state: StateDep, session: SessionDep,
    query: RangeDep,
    step: Annotated[list[str] | None, Query()] = None,
) -> Response:  # fmt: skip
    span = _span(member, state, query)
    steps = [s for s in (step or []) if s.strip()]
    data: dict[str, Any] = {**span.as_json(), "step_texts": steps, "steps": []}
    if steps:
        parsed = parse_steps(steps)
        with warehouse_runner(state) as runner:
            data = funnel_data(runner, member.workspace.id, span, parsed)
    data["saved"] = [funnel_json(f) for f in funnels_of(session, member.workspace.id)]
    data.update(matches=MATCHES, form_rows=FORM_ROWS)
    return _render(request, member, "funnels.html", data, "Funnels",
                   ("funnel.csv", *funnel_csv(data)))  # fmt: skip


@router.get("/w/{ws}/measure/cohorts")
def cohort_page(
    request: Request, member: View, state: StateDep,
    query: RangeDep,
    weeks: Annotated[int, Query(ge=1, le=26)] = 8,
) -> Response:  # fmt: skip
    span = _span(member, state, query)
    with warehouse_runner(state) as runner:
        data = cohort_data(runner, member.workspace.id, span, weeks)
    return _render(request, member, "cohorts.html", data, "Cohorts",
                   ("cohorts.csv", *cohort_csv(data)))  # fmt: skip


@router.get("/w/{ws}/measure/experiments")
def experiments_page(request: Request, member: View, session: SessionDep) -> Response:
    found = [experiment_json(e) for e in experiments_of(session, member.workspace.id)]
    rows = [[e["key"], e["name"], e["metric"]] for e in found]
    return _render(request, member, "experiments.html", {"experiments": found},
                   "Experiments", ("experiments.csv", ["key", "name", "metric"], rows))  # fmt: skip


@router.post("/w/{ws}/measure/experiments")
async def experiment_create(
    request: Request, member: Manage, session: SessionDep, state: StateDep
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    made = create_experiment(session, workspace_id=member.workspace.id,
                             item=experiment_form(form), clock=state.clock)  # fmt: skip
    return RedirectResponse(
        f"/w/{member.workspace.slug}/measure/experiments/{made.id}", status_code=303
    )


@router.get("/w/{ws}/measure/experiments/{experiment_id}")
def experiment_page(
    request: Request, experiment_id: str, member: View, session: SessionDep,
    state: StateDep, query: RangeDep,
    baseline: Annotated[float | None, Query(gt=0, lt=1)] = None,
    mde: Annotated[float, Query(gt=0, lt=10)] = 0.1,
) -> Response:  # fmt: skip
    experiment = experiment_in(session, member.workspace.id, experiment_id)
    span = _span(member, state, query)
    with warehouse_runner(state) as runner:
        data = experiment_data(runner, member.workspace.id, span, experiment,
                               baseline=baseline, mde=mde)  # fmt: skip
    rows = [[v["name"], v["visitors"], v["conversions"], v["rate"], v["revenue"]]
            for v in data["result"]["variants"]]  # type: ignore[index]  # fmt: skip
    return _render(request, member, "experiment.html", data, experiment.name,
                   (f"experiment-{experiment.key}.csv",
                    ["variant", "visitors", "conversions", "rate", "revenue"], rows))  # fmt: skip


@router.post("/w/{ws}/measure/experiments/{experiment_id}/delete")
def experiment_delete(
    experiment_id: str, member: Manage, session: SessionDep
) -> Response:
    delete_experiment(
        session, workspace_id=member.workspace.id, experiment_id=experiment_id
    )
    return RedirectResponse(
        f"/w/{member.workspace.slug}/measure/experiments", status_code=303
    )
