"""Inbox response metrics (page, CSV, JSON) and the SLA and crisis alert settings.

Reading needs inbox.view; changing targets and thresholds needs inbox.manage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission
from tandem.core import InvalidInput, TandemError
from tandem.core.periods import Period, local_today, parse_period
from tandem.inbox.crisis_watch import CrisisAlert, alerts_of
from tandem.inbox.intent import Intent
from tandem.inbox.metrics import Group, Report, Stats, inbox_report, span_words
from tandem.inbox.rules import parse_number
from tandem.inbox.sentiment import Polarity
from tandem.inbox.sla import SlaTarget
from tandem.inbox.targets import (
    CrisisSettings,
    crisis_settings_of,
    set_crisis_settings,
    set_targets,
    targets_of,
)
from tandem.web.charts import Series, line_chart
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import csv_response, html, page, wants_json
from tandem.web.state import AppState

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/workspaces/{ws}/inbox", tags=["inbox metrics"])

VIEW, MANAGE = Permission.INBOX_VIEW, Permission.INBOX_MANAGE
NOTICES = {"sla": "SLA targets saved.", "crisis": "Crisis alert settings saved."}


def _period(
    state: AppState, member: Member, since: str | None, until: str | None
) -> Period:
    zone = member.workspace.timezone
    return parse_period(
        since,
        until,
        zone=zone,
        today=local_today(state.clock.now(), zone),
        default_days=28,
    )


def _report(
    session: Session, state: AppState, member: Member, period: Period
) -> Report:
    ws = member.workspace.id
    return inbox_report(
        session, ws, period, targets=targets_of(session, ws), now=state.clock.now()
    )


def _hours(seconds: float | None) -> float:
    return round(seconds / 3600, 2) if seconds is not None else 0.0


def _charts(report: Report) -> list[Any]:
    labels = [g.key for g in report.weeks]
    stats = [g.stats for g in report.weeks]
    return [
        line_chart(
            "First response per week, hours (no answers: 0)",
            labels,
            [
                Series("Median", [_hours(s.first_response_median) for s in stats], "s-current"),
                Series("90th percentile", [_hours(s.first_response_p90) for s in stats], "s-compare"),
            ],
        ),
        line_chart(
            "Messages per week",
            labels,
            [
                Series("Needing an answer", [s.needing for s in stats], "s-current"),
                Series("Answered", [s.answered for s in stats], "s-compare"),
            ],
        ),
    ]  # fmt: skip


# --- metrics --------------------------------------------------------------------------


@router.get("/w/{ws}/inbox/metrics")
def metrics_page(
    request: Request,
    session: SessionDep,
    state: StateDep,
    since: str | None = None,
    until: str | None = None,
    member: Member = Depends(permit(VIEW)),
) -> Response:
    period = _period(state, member, since, until)
    report = _report(session, state, member, period)
    data: dict[str, Any] = {"report": report}
    if not wants_json(request):
        data.update(
            charts=_charts(report),
            span=span_words,
            intents=[i.value for i in Intent],
            polarities=[p.value for p in Polarity],
        )
    return page(
        request, "inbox/metrics.html", data, member=member, title="Inbox metrics"
    )


CSV_HEADER = (
    "group", "key", "items", "needing_answer", "answered", "response_rate",
    "first_response_median_min", "first_response_p90_min", "resolution_median_min",
    "resolution_p90_min", "sla_breaches",
    *(f"intent_{i.value}" for i in Intent), *(f"sentiment_{p.value}" for p in Polarity),
)  # fmt: skip


def _minutes(seconds: float | None) -> float | str:
    return round(seconds / 60, 1) if seconds is not None else ""


def _csv_row(group: str, key: str, s: Stats) -> list[Any]:
    return [
        group, key, s.items, s.needing, s.answered,
        round(s.response_rate, 4) if s.response_rate is not None else "",
        _minutes(s.first_response_median), _minutes(s.first_response_p90),
        _minutes(s.resolution_median), _minutes(s.resolution_p90), s.breaches,
        *(s.by_intent[i.value] for i in Intent), *(s.by_polarity[p.value] for p in Polarity),
    ]  # fmt: skip


@router.get("/w/{ws}/inbox/metrics.csv")
def metrics_csv(
    session: SessionDep,
    state: StateDep,
    since: str | None = None,
    until: str | None = None,
    member: Member = Depends(permit(VIEW)),
) -> Response:
    period = _period(state, member, since, until)
    report = _report(session, state, member, period)
    groups: list[tuple[str, list[Group]]] = [
        ("week", report.weeks),
        ("platform", report.platforms),
        ("member", report.members),
    ]
    rows = [_csv_row("total", f"{period.start}..{period.end}", report.total)]
    rows += [_csv_row(name, g.label, g.stats) for name, gs in groups for g in gs]
    name = f"inbox-metrics-{member.workspace.slug}-{period.start}-{period.end}.csv"
    return csv_response(name, CSV_HEADER, rows)


@api_router.get("/metrics", summary="Response metrics per week, platform and member")
def api_metrics(
    session: SessionDep,
    state: StateDep,
    since: str | None = None,
    until: str | None = None,
    member: Member = Depends(permit(VIEW)),
) -> Report:
    return _report(session, state, member, _period(state, member, since, until))


# --- SLA targets and crisis settings -----------------------------------------------------


@dataclass(frozen=True)
class SlaView:
    targets: tuple[SlaTarget, ...]
    crisis: CrisisSettings
    alerts: list[CrisisAlert]


def _sla_view(session: Session, member: Member) -> SlaView:
    ws = member.workspace.id
    return SlaView(
        targets_of(session, ws),
        crisis_settings_of(session, ws),
        list(alerts_of(session, ws)),
    )


def _sla_page(
    request: Request, session: Session, member: Member, error: TandemError | None = None
) -> Response:
    data = {
        "view": _sla_view(session, member),
        "notice": NOTICES.get(request.query_params.get("notice", ""), ""),
        "error": error.message if error else "",
        "field": error.field if error else "",
    }
    if error is not None:
        return html(
            request, "inbox/sla.html", {**data, "member": member}, status=error.status
        )
    return page(
        request, "inbox/sla.html", data, member=member, title="SLA and crisis alerts"
    )


@router.get("/w/{ws}/inbox/sla")
def sla_page(
    request: Request, session: SessionDep, member: Member = Depends(permit(VIEW))
) -> Response:
    return _sla_page(request, session, member)


def _bands(starts: list[str], hours: list[str]) -> list[SlaTarget]:
    bands = []
    for start, within in zip(starts, hours, strict=False):
        low = parse_number(start, "targets.min_priority")
        due = parse_number(within, "targets.minutes")
        if low is None and due is None:
            continue  # an empty row of the form
        if low is None or due is None:
            raise InvalidInput(
                "targets: give each band both a priority and a time.", field="targets"
            )
        bands.append(SlaTarget(low, round(due * 60)))
    return bands


@router.post("/w/{ws}/inbox/sla")
def save_sla_from_form(
    request: Request,
    session: SessionDep,
    band_min: Annotated[list[str] | None, Form()] = None,
    band_hours: Annotated[list[str] | None, Form()] = None,
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    try:
        with session.begin_nested():
            set_targets(
                session, member.workspace.id, _bands(band_min or [], band_hours or [])
            )
    except TandemError as exc:
        return _sla_page(request, session, member, exc)
    return RedirectResponse(
        f"/w/{member.workspace.slug}/inbox/sla?notice=sla", status_code=303
    )


@router.post("/w/{ws}/inbox/crisis")
def save_crisis_from_form(
    request: Request,
    session: SessionDep,
    state: StateDep,
    enabled: Annotated[str, Form()] = "",
    k: Annotated[str, Form()] = "",
    minimum: Annotated[str, Form()] = "",
    member: Member = Depends(permit(MANAGE)),
) -> Response:
    try:
        with session.begin_nested():
            settings = CrisisSettings(
                enabled=enabled in ("on", "true", "1"),
                k=parse_number(k, "k") or 0.0,
                minimum=int(parse_number(minimum, "minimum") or 0),
            )
            set_crisis_settings(
                session, member.workspace.id, settings, now=state.clock.now()
            )
    except TandemError as exc:
        return _sla_page(request, session, member, exc)
    return RedirectResponse(
        f"/w/{member.workspace.slug}/inbox/sla?notice=crisis", status_code=303
    )


class TargetIn(BaseModel):
    min_priority: float = Field(description="The band starts at this priority (0-100).")
    minutes: int = Field(description="First response due within this many minutes.")


class TargetsIn(BaseModel):
    targets: list[TargetIn] = Field(max_length=10)


class CrisisIn(BaseModel):
    enabled: bool = True
    k: float = Field(3.0, description="Spreads above the baseline median.")
    minimum: int = Field(
        10, description="Weighted negative messages per hour, at least."
    )


@api_router.get("/sla", summary="SLA targets, crisis settings and recent crisis alerts")
def api_sla(session: SessionDep, member: Member = Depends(permit(VIEW))) -> SlaView:
    return _sla_view(session, member)


@api_router.put("/sla", summary="Replace the SLA bands")
def api_set_sla(
    body: TargetsIn, session: SessionDep, member: Member = Depends(permit(MANAGE))
) -> list[SlaTarget]:
    bands = [SlaTarget(t.min_priority, t.minutes) for t in body.targets]
    return list(set_targets(session, member.workspace.id, bands))


@api_router.put("/sla/crisis", summary="Change the crisis alert threshold")
def api_set_crisis(
    body: CrisisIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(MANAGE)),
) -> CrisisSettings:
    settings = CrisisSettings(body.enabled, body.k, body.minimum)
    return set_crisis_settings(
        session, member.workspace.id, settings, now=state.clock.now()
    )
