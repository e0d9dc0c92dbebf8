"""Report pages: the list, a builder (sections, title, period, schedule, recipients), send
now, PDF/CSV downloads, and the workspace's white-label. The REST twin is api_reports.py."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, allows
from tandem.core import InvalidInput, TandemError
from tandem.report import SECTIONS, actions
from tandem.report import dashboard as _dashboard  # noqa: F401  (registers the sections)
from tandem.report import store as report_store
from tandem.report.dashboard import FILTERS, filter_choices
from tandem.report.model import ReportInput, Schedule
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import page
from tandem.web.routes.api_reports import render_report, send_report

router = APIRouter(include_in_schema=False)
View = Annotated[Member, Depends(permit(Permission.ANALYTICS_VIEW))]
Manage = Annotated[Member, Depends(permit(Permission.REPORTS_MANAGE))]


def _page(
    request: Request,
    session: Session,
    member: Member,
    *,
    error: TandemError | None = None,
    form: dict[str, Any] | None = None,
    notice: str = "",
) -> Response:
    ws = member.workspace.id
    branding = report_store.branding_of(session, ws)
    data = {
        "reports": report_store.reports_in(session, ws),
        "sections": [
            {"key": k, "title": s.title, "audience": s.audience}
            for k, s in SECTIONS.items()
        ],
        "branding": {
            "agency_name": branding.agency_name,
            "primary_colour": branding.primary_colour,
            "accent_colour": branding.accent_colour,
            "has_logo": bool(branding.logo),
        },
        "can_manage": allows(member.role, Permission.REPORTS_MANAGE),
        "choices": filter_choices(session, ws),
        "error": str(error) if error else "",
        "error_field": getattr(error, "field", "") if error else "",
        "form": form or {},
        "notice": notice,
    }
    return page(
        request,
        "reports/index.html",
        data,
        member=member,
        title="Reports",
        status=422 if error else 200,
    )


def _back(member: Member, notice: str) -> Response:
    return RedirectResponse(
        f"/w/{member.workspace.slug}/reports?notice={notice}", status_code=303
    )


def _int(value: str, field: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise InvalidInput(
            f"{field} must be a whole number of days.", field=field
        ) from None


def report_input(form: dict[str, Any]) -> ReportInput:
    try:
        schedule = Schedule(form.get("schedule") or "none")
    except ValueError:
        raise InvalidInput(
            "schedule must be none, weekly or monthly.", field="schedule"
        ) from None
    return ReportInput(
        str(form.get("title", "")),
        tuple(form.get("sections", [])),
        _int(str(form.get("period_days", "30")), "period_days"),
        str(form.get("compare") or "previous"),
        schedule,
        tuple(str(form.get("recipients", "")).replace(",", "\n").split()),
        {
            key: str(form[f"filter_{key}"])
            for key in FILTERS
            if form.get(f"filter_{key}")
        },
    )


@router.get("/w/{ws}/reports")
def reports_page(
    request: Request, session: SessionDep, member: View, notice: str = ""
) -> Response:
    return _page(request, session, member, notice=notice)


@router.post("/w/{ws}/reports")
async def create_report(
    request: Request, session: SessionDep, state: StateDep, member: Manage
) -> Response:
    raw = await request.form()
    form: dict[str, Any] = {k: v for k, v in raw.items() if isinstance(v, str)}
    form["sections"] = [v for v in raw.getlist("sections") if isinstance(v, str)]
    try:
        with session.begin_nested():
            actions.create_report(
                session, actor=member, data=report_input(form), clock=state.clock
            )
    except TandemError as exc:
        return _page(request, session, member, error=exc, form=form)
    return _back(member, "created")


@router.post("/w/{ws}/reports/{report_id}/send")
def send_now(
    report_id: str,
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Manage,
) -> Response:
    try:
        with session.begin_nested():
            send_report(report_id, session, state, member)
    except InvalidInput as exc:
        return _page(request, session, member, error=exc)
    return _back(member, "queued")


@router.post("/w/{ws}/reports/{report_id}/delete")
def delete(
    report_id: str, session: SessionDep, state: StateDep, member: Manage
) -> Response:
    actions.delete_report(session, actor=member, report_id=report_id, clock=state.clock)
    return _back(member, "deleted")


@router.get("/w/{ws}/reports/{report_id}/download")
def download(
    report_id: str,
    session: SessionDep,
    state: StateDep,
    member: View,
    format: str = "pdf",  # noqa: A002  # the query parameter's public name
) -> Response:
    return render_report(report_id, session, state, member, format)


@router.post("/w/{ws}/reports/branding")
async def save_branding(
    request: Request,
    session: SessionDep,
    state: StateDep,
    member: Manage,
    logo: Annotated[UploadFile | None, File()] = None,
) -> Response:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    data = (
        await logo.read(actions.MAX_LOGO_BYTES + 1) if logo and logo.filename else None
    )
    if form.get("remove_logo"):
        data = b""
    try:
        with session.begin_nested():
            actions.save_branding(
                session,
                actor=member,
                agency_name=form.get("agency_name", ""),
                primary_colour=form.get("primary_colour", ""),
                accent_colour=form.get("accent_colour", ""),
                logo=data,
                clock=state.clock,
            )
    except TandemError as exc:
        return _page(request, session, member, error=exc)
    return _back(member, "branding-saved")
