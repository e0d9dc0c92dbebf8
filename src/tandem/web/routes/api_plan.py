"""REST API of Plan: goals, campaigns, spend (imports and manual costs), settings, KPIs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from tandem import plan
from tandem.core import InvalidInput
from tandem.web.deps import SessionDep, StateDep
from tandem.web.routes.plan import (
    Manage,
    ResultsParam,
    View,
    measure_of,
    overview_data,
    read_upload,
    today_of,
)
from tandem.web.routes.plan_campaigns import campaign_data

router = APIRouter(prefix="/api/v1/workspaces/{ws}", tags=["plan"])


class GoalIn(BaseModel):
    name: str = Field(max_length=200)
    metric: str = Field(description=", ".join(m.value for m in plan.GoalMetric))
    target: float = Field(
        description="A count, an amount in the reporting currency, or a ratio (0.04 = 4%)."
    )
    start: date
    deadline: date
    platform: str = Field("", description='"" for every platform, or e.g. "linkedin".')
    description: str = ""


class CampaignIn(BaseModel):
    name: str = Field(max_length=200)
    utm_key: str = Field("", description="utm_campaign; slugged; defaults to the name.")
    start: date
    end: date
    budget: float = 0
    currency: str = Field(
        "", description="ISO 4217; defaults to the reporting currency."
    )
    channels: list[str] = Field(
        default_factory=list, description=", ".join(c.value for c in plan.Channel)
    )
    goal_id: str | None = None
    description: str = ""


class ManualCostIn(BaseModel):
    day: date
    amount: float
    currency: str
    channel: str = "other"
    campaign_id: str | None = None
    note: str = ""
    impressions: int = 0
    clicks: int = 0
    conversions: float = 0
    revenue: float = 0


class SettingsIn(BaseModel):
    currency: str
    rates: dict[str, float] = Field(
        default_factory=dict,
        description="What one unit of each currency is worth in the reporting currency.",
    )
    pacing_threshold: float = Field(0.1, description="0.1 = alert beyond ±10%.")


@dataclass(frozen=True)
class SpendPage:
    lines: list[plan.SpendLine]
    total: int
    limit: int
    offset: int


@router.get("/plan", summary="Campaign KPIs and pacing, KPIs per channel, goal status")
def api_overview(
    session: SessionDep, state: StateDep, member: View, results: ResultsParam = None
) -> Any:
    return overview_data(session, member, state, results)


@router.get("/plan/kpis", summary="Every KPI definition: formula, zero rule, source")
def api_definitions(_: View) -> dict[str, plan.Definition]:
    return plan.DEFINITIONS


@router.get("/goals", summary="Goals with progress, forecast and status")
def api_goals(
    session: SessionDep, state: StateDep, member: View
) -> list[plan.GoalView]:
    ws = member.workspace
    settings = plan.store.settings_of(session, ws.id)
    return plan.goal_views(
        session, ws.id, settings, today=today_of(state, member), zone=ws.timezone
    )


@router.post("/goals", status_code=201, summary="Create a goal")
def api_create_goal(
    body: GoalIn, session: SessionDep, state: StateDep, member: Manage
) -> plan.Goal:
    return plan.create_goal(
        session,
        actor=member,
        data=plan.GoalInput(**body.model_dump()),
        clock=state.clock,
    )


@router.get("/goals/{goal_id}", summary="One goal with its forecast")
def api_goal(
    goal_id: str, session: SessionDep, state: StateDep, member: View
) -> plan.GoalView:
    ws = member.workspace
    goal = plan.store.goal_in(session, ws.id, goal_id)
    settings = plan.store.settings_of(session, ws.id)
    return plan.goal_view(
        session, goal, settings, today=today_of(state, member), zone=ws.timezone
    )


@router.put("/goals/{goal_id}", summary="Replace a goal's fields")
def api_update_goal(
    goal_id: str, body: GoalIn, session: SessionDep, state: StateDep, member: Manage
) -> plan.Goal:
    return plan.update_goal(
        session,
        actor=member,
        goal_id=goal_id,
        data=plan.GoalInput(**body.model_dump()),
        clock=state.clock,
    )


@router.get("/campaigns", summary="Campaigns with KPIs (reporting currency) and pacing")
def api_campaigns(
    session: SessionDep, state: StateDep, member: View, results: ResultsParam = None
) -> list[plan.CampaignSummary]:
    ws = member.workspace.id
    settings = plan.store.settings_of(session, ws)
    chosen = plan.parse_results(results)
    with measure_of(state, member, chosen) as measure:
        found = plan.overview(
            session,
            ws,
            settings,
            today=today_of(state, member),
            measure=measure,
            results=chosen,
        )
    return found.campaigns


@router.post("/campaigns", status_code=201, summary="Create a campaign")
def api_create_campaign(
    body: CampaignIn, session: SessionDep, state: StateDep, member: Manage
) -> plan.Campaign:
    return plan.create_campaign(
        session,
        actor=member,
        data=plan.CampaignInput(**body.model_dump()),
        clock=state.clock,
    )


@router.get(
    "/campaigns/{campaign_id}",
    summary="One campaign: KPIs, pacing, per channel, organic results, its content",
)
def api_campaign(
    campaign_id: str,
    session: SessionDep,
    state: StateDep,
    member: View,
    results: ResultsParam = None,
) -> Any:
    data = campaign_data(session, member, state, campaign_id, results)
    data.pop("base_url")
    return data


@router.put("/campaigns/{campaign_id}", summary="Replace a campaign's fields")
def api_update_campaign(
    campaign_id: str,
    body: CampaignIn,
    session: SessionDep,
    state: StateDep,
    member: Manage,
) -> plan.Campaign:
    return plan.update_campaign(
        session,
        actor=member,
        campaign_id=campaign_id,
        data=plan.CampaignInput(**body.model_dump()),
        clock=state.clock,
    )


@router.get("/spend", summary="Spend lines, newest day first")
def api_spend(
    session: SessionDep,
    member: View,
    campaign_id: str | None = None,
    unassigned: bool = False,
    since: date | None = None,
    until: date | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> SpendPage:
    query = plan.store.SpendQuery(campaign_id, unassigned, since, until, limit, offset)
    lines, total = plan.store.list_lines(session, member.workspace.id, query)
    return SpendPage(lines, total, limit, offset)


@router.post("/spend/lines", status_code=201, summary="Add a manual cost line")
def api_manual_cost(
    body: ManualCostIn, session: SessionDep, state: StateDep, member: Manage
) -> plan.SpendLine:
    line = plan.add_manual_cost(
        session,
        actor=member,
        data=plan.ManualCost(**body.model_dump()),
        clock=state.clock,
    )
    plan.check_pacing(
        session,
        workspace_id=member.workspace.id,
        today=today_of(state, member),
        base_url=state.settings.base_url,
        now=state.clock.now(),
    )
    return line


@router.delete(
    "/spend/lines/{line_id}", status_code=204, summary="Delete a manual cost"
)
def api_delete_cost(
    line_id: str, session: SessionDep, state: StateDep, member: Manage
) -> Response:
    plan.delete_manual_cost(session, actor=member, line_id=line_id, clock=state.clock)
    return Response(status_code=204)


@router.post(
    "/spend/imports",
    status_code=201,
    summary="Import an ad-platform export: all rows or none; re-imports replace, never add",
    response_model=None,
)
async def api_import(
    session: SessionDep,
    state: StateDep,
    member: Manage,
    file: Annotated[UploadFile | None, File(description="The exported CSV")] = None,
    preset: Annotated[str, Form(description=", ".join([*plan.PRESETS, "mapped"]))] = "",
    campaign_id: Annotated[str, Form()] = "",
    currency: Annotated[str, Form(description="When the export names none")] = "",
    channel: Annotated[str, Form(description="For preset=mapped")] = "other",
    mapping: Annotated[
        str,
        Form(
            description='For preset=mapped: JSON {"date": "Day", "spend": "Cost", ...}'
        ),
    ] = "",
) -> plan.ImportResult | JSONResponse:
    data, filename = await read_upload(file)
    if preset == "mapped":
        try:
            chosen = json.loads(mapping or "{}")
        except ValueError:
            chosen = None
        if not isinstance(chosen, dict):
            raise InvalidInput(
                "mapping must be a JSON object of field -> column name.",
                field="mapping",
            )
        columns = plan.custom_map(
            {str(k): str(v) for k, v in chosen.items()},
            plan.model.parse_channel(channel),
        )
    else:
        columns = plan.preset_map(preset or "google_ads")
    try:
        with session.begin_nested():
            result = plan.import_spend(
                session,
                actor=member,
                data=data,
                filename=filename,
                mapping=columns,
                clock=state.clock,
                campaign_id=campaign_id or None,
                currency=currency or None,
            )
    except plan.ImportRejected as exc:
        return JSONResponse(
            {
                "title": "Invalid input",
                "status": 422,
                "detail": exc.message,
                "field": "file",
                "errors": [
                    {"row": e.row, "field": e.field, "message": e.message}
                    for e in exc.errors
                ],
            },
            status_code=422,
            media_type="application/problem+json",
        )
    plan.check_pacing(
        session,
        workspace_id=member.workspace.id,
        today=today_of(state, member),
        base_url=state.settings.base_url,
        now=state.clock.now(),
    )
    return result


@router.get(
    "/plan/settings", summary="Reporting currency, exchange rates, pacing threshold"
)
def api_settings(session: SessionDep, member: View) -> plan.PlanSettings:
    return plan.store.settings_of(session, member.workspace.id)


@router.put(
    "/plan/settings", summary="Replace the reporting currency, rates and threshold"
)
def api_save_settings(
    body: SettingsIn, session: SessionDep, state: StateDep, member: Manage
) -> plan.PlanSettings:
    return plan.save_settings(
        session,
        actor=member,
        currency=body.currency,
        rates=dict(body.rates),
        pacing_threshold=body.pacing_threshold,
        clock=state.clock,
    )
