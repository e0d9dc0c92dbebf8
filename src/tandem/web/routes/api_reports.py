"""REST API: reports (CRUD), rendering to PDF or CSV, sending now, and the white-label."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from tandem.accounts import Member, Permission
from tandem.core import InvalidInput
from tandem.report import actions, delivery
from tandem.report import store as report_store
from tandem.report.model import Report, ReportInput, Schedule
from tandem.storage.queue import enqueue
from tandem.web.deps import SessionDep, StateDep, permit

router = APIRouter(prefix="/api/v1/workspaces/{ws}/reports", tags=["reports"])
Viewer = Annotated[Member, Depends(permit(Permission.ANALYTICS_VIEW))]
Manager = Annotated[Member, Depends(permit(Permission.REPORTS_MANAGE))]


class ReportIn(BaseModel):
    title: str
    sections: list[str] = Field(
        description="Section keys, in order (see GET /sections)."
    )
    period_days: int = Field(30, description="Days covered when sent now (1-366).")
    compare: str = Field("previous", description="previous, year or none.")
    schedule: str = Field(
        "none", description="none, weekly (Mondays) or monthly (the 1st)."
    )
    recipients: list[str] = Field(default_factory=list)
    filters: dict[str, str] = Field(
        default_factory=dict,
        description="campaign, platform, account, pillar, and results (where "
        "conversions and revenue come from: platform or a Measure model such as "
        "last_non_direct, linear, markov)",
    )

    def to_input(self) -> ReportInput:
        try:
            schedule = Schedule(self.schedule)
        except ValueError:
            raise InvalidInput(
                "schedule must be one of none, weekly, monthly.", field="schedule"
            ) from None
        return ReportInput(
            self.title,
            tuple(self.sections),
            self.period_days,
            self.compare,
            schedule,
            tuple(self.recipients),
            dict(self.filters),
        )


@dataclass(frozen=True)
class ReportList:
    reports: list[Report]


@dataclass(frozen=True)
class Queued:
    report_id: str
    recipients: int


def parse_day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{field} must be a date like 2026-01-31, not {value!r}.", field=field
        ) from None


@router.get("", summary="List the workspace's reports")
def list_reports(session: SessionDep, member: Viewer) -> ReportList:
    return ReportList(report_store.reports_in(session, member.workspace.id))


@router.post("", status_code=201, summary="Define a report")
def create_report(
    body: ReportIn, session: SessionDep, state: StateDep, member: Manager
) -> Report:
    return actions.create_report(
        session, actor=member, data=body.to_input(), clock=state.clock
    )


@router.get("/{report_id}", summary="One report")
def get_report(report_id: str, session: SessionDep, member: Viewer) -> Report:
    return report_store.report_in(session, member.workspace.id, report_id)


@router.put("/{report_id}", summary="Change a report")
def put_report(
    report_id: str,
    body: ReportIn,
    session: SessionDep,
    state: StateDep,
    member: Manager,
) -> Report:
    return actions.update_report(
        session,
        actor=member,
        report_id=report_id,
        data=body.to_input(),
        clock=state.clock,
    )


@router.delete("/{report_id}", status_code=204, summary="Delete a report")
def delete_report(
    report_id: str, session: SessionDep, state: StateDep, member: Manager
) -> Response:
    actions.delete_report(session, actor=member, report_id=report_id, clock=state.clock)
    return Response(status_code=204)


@router.get(
    "/{report_id}/render",
    summary="Render a report as PDF (format=pdf) or a zip of CSVs (format=csv)",
    response_class=Response,
)
def render_report(
    report_id: str,
    session: SessionDep,
    state: StateDep,
    member: Viewer,
    format: str = "pdf",  # noqa: A002  # the query parameter's public name
    since: str | None = None,
    until: str | None = None,
) -> Response:
    if format not in ("pdf", "csv"):
        raise InvalidInput("format must be pdf or csv.", field="format")
    report = report_store.report_in(session, member.workspace.id, report_id)
    files = delivery.render_files(
        session,
        report,
        now=state.clock.now(),
        start=parse_day(since, "since"),
        end=parse_day(until, "until"),
        warehouse_path=str(state.settings.warehouse_path),
        lookback_days=state.settings.journey_lookback_days,
    )
    attachment = files.attachments()[0 if format == "pdf" else 1]
    return Response(
        attachment.data,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{attachment.filename}"'
        },
    )


@router.post(
    "/{report_id}/send",
    status_code=202,
    summary="Email the report to its recipients now",
)
def send_report(
    report_id: str, session: SessionDep, state: StateDep, member: Manager
) -> Queued:
    report = report_store.report_in(session, member.workspace.id, report_id)
    if not report.recipients:
        raise InvalidInput(
            "recipients: add at least one address before sending.", field="recipients"
        )
    enqueue(
        session,
        delivery.SEND_REPORT,
        {"workspace_id": member.workspace.id, "report_id": report.id},
        now=state.clock.now(),
    )
    return Queued(report.id, len(report.recipients))


class BrandingIn(BaseModel):
    agency_name: str = ""
    primary_colour: str = "#2f5d8a"
    accent_colour: str = "#c2410c"
    logo_base64: str | None = Field(
        None, description='PNG or JPEG, base64; "" removes the logo, null keeps it.'
    )


@dataclass(frozen=True)
class BrandingOut:
    agency_name: str
    primary_colour: str
    accent_colour: str
    has_logo: bool


branding_router = APIRouter(prefix="/api/v1/workspaces/{ws}", tags=["reports"])


@branding_router.get("/report-branding", summary="The white-label of this workspace")
def get_branding(session: SessionDep, member: Viewer) -> BrandingOut:
    b = report_store.branding_of(session, member.workspace.id)
    return BrandingOut(b.agency_name, b.primary_colour, b.accent_colour, bool(b.logo))


@branding_router.put("/report-branding", summary="Set the white-label")
def put_branding(
    body: BrandingIn, session: SessionDep, state: StateDep, member: Manager
) -> BrandingOut:
    logo = None
    if body.logo_base64 is not None:
        try:
            logo = base64.b64decode(body.logo_base64, validate=True)
        except ValueError:
            raise InvalidInput(
                "logo_base64 is not valid base64.", field="logo_base64"
            ) from None
    b = actions.save_branding(
        session,
        actor=member,
        agency_name=body.agency_name,
        primary_colour=body.primary_colour,
        accent_colour=body.accent_colour,
        logo=logo,
        clock=state.clock,
    )
    return BrandingOut(b.agency_name, b.primary_colour, b.accent_colour, bool(b.logo))
