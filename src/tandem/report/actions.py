"""Report use cases: define, change, delete, brand. They take the session and clock and do
not commit (the edge owns the transaction)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from tandem.accounts import Member, audit
from tandem.core import Clock, InvalidInput, new_id
from tandem.core.periods import COMPARISONS
from tandem.report import store
from tandem.report.dashboard import check_filters
from tandem.report.model import Branding, Report, ReportInput, Schedule
from tandem.report.section import SECTIONS

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_RECIPIENTS = 20
MAX_LOGO_BYTES = 512 * 1024
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
SEND_HOUR = time(8, 0)  # local time scheduled reports go out


def validate(data: ReportInput) -> ReportInput:
    title = data.title.strip()
    if not title or len(title) > 200:
        raise InvalidInput(
            "title: give the report a title of 1-200 characters.", field="title"
        )
    if not data.sections:
        raise InvalidInput("sections: choose at least one section.", field="sections")
    unknown = [s for s in data.sections if s not in SECTIONS]
    if unknown:
        raise InvalidInput(
            f"sections: unknown {', '.join(unknown)}; choose from {', '.join(SECTIONS)}.",
            field="sections",
        )
    if not 1 <= data.period_days <= 366:
        raise InvalidInput(
            "period_days must be between 1 and 366.", field="period_days"
        )
    if data.compare not in COMPARISONS:
        raise InvalidInput(
            f"compare must be one of {', '.join(COMPARISONS)}.", field="compare"
        )
    recipients = tuple(
        dict.fromkeys(r.strip().lower() for r in data.recipients if r.strip())
    )
    bad = [r for r in recipients if not EMAIL.match(r)]
    if bad:
        raise InvalidInput(
            f"recipients: {bad[0]!r} is not an email address.", field="recipients"
        )
    if len(recipients) > MAX_RECIPIENTS:
        raise InvalidInput(
            f"recipients: at most {MAX_RECIPIENTS} addresses.", field="recipients"
        )
    if data.schedule is not Schedule.NONE and not recipients:
        raise InvalidInput(
            "recipients: a scheduled report needs at least one address to send to.",
            field="recipients",
        )
    return ReportInput(
        title,
        tuple(dict.fromkeys(data.sections)),
        data.period_days,
        data.compare,
        data.schedule,
        recipients,
        dict(data.filters),
    )


def next_send(schedule: Schedule, after: datetime, zone: str) -> datetime | None:
    """The first send time strictly after `after`: Monday (weekly) or the 1st (monthly), 08:00 local."""
    if schedule is Schedule.NONE:
        return None
    tz = ZoneInfo(zone)
    day = after.astimezone(tz).date()
    for _ in range(40):
        if (schedule is Schedule.WEEKLY and day.weekday() == 0) or (
            schedule is Schedule.MONTHLY and day.day == 1
        ):
            at = datetime.combine(day, SEND_HOUR, tz)
            if at > after:
                return at.astimezone(ZoneInfo("UTC"))
        day += timedelta(days=1)
    raise AssertionError("unreachable: a Monday and a 1st come within 40 days")


def scheduled_period(
    schedule: Schedule, sent_on: date, period_days: int
) -> tuple[date, date]:
    """What a delivery covers: the previous calendar month (monthly), else the days before."""
    end = sent_on - timedelta(days=1)
    if schedule is Schedule.MONTHLY:
        return end.replace(day=1), end
    days = 7 if schedule is Schedule.WEEKLY else period_days
    return end - timedelta(days=days - 1), end


def _apply(row: store.ReportRow, data: ReportInput, now: datetime, zone: str) -> None:
    row.title, row.period_days, row.compare = data.title, data.period_days, data.compare
    row.spec = {"sections": list(data.sections), "filters": dict(data.filters)}
    if row.schedule != data.schedule.value or row.next_send_at is None:
        row.next_send_at = next_send(data.schedule, now, zone)
    row.schedule = data.schedule.value
    row.recipients = "\n".join(data.recipients)
    row.updated_at = now


def create_report(
    session: Session, *, actor: Member, data: ReportInput, clock: Clock
) -> Report:
    data, now = validate(data), clock.now()
    data = replace(
        data, filters=check_filters(session, actor.workspace.id, data.filters)
    )
    row = store.ReportRow(
        id=new_id(),
        workspace_id=actor.workspace.id,
        schedule="",
        last_error="",
        created_by=actor.user.id,
        created_at=now,
    )
    _apply(row, data, now, actor.workspace.timezone)
    session.add(row)
    session.flush()
    report = store.to_report(row)
    audit.record_change(
        session,
        actor=actor,
        action="report.create",
        entity_type="report",
        entity_id=row.id,
        after=report,
        summary=report.title,
        now=now,
    )
    return report


def update_report(
    session: Session, *, actor: Member, report_id: str, data: ReportInput, clock: Clock
) -> Report:
    row = store.report_row(session, actor.workspace.id, report_id)
    before, data, now = store.to_report(row), validate(data), clock.now()
    data = replace(
        data, filters=check_filters(session, actor.workspace.id, data.filters)
    )
    _apply(row, data, now, actor.workspace.timezone)
    session.flush()
    after = store.to_report(row)
    audit.record_change(
        session,
        actor=actor,
        action="report.update",
        entity_type="report",
        entity_id=row.id,
        before=before,
        after=after,
        summary=after.title,
        now=now,
    )
    return after


def delete_report(
    session: Session, *, actor: Member, report_id: str, clock: Clock
) -> None:
    row = store.report_row(session, actor.workspace.id, report_id)
    before = store.to_report(row)
    session.delete(row)
    session.flush()
    audit.record_change(
        session,
        actor=actor,
        action="report.delete",
        entity_type="report",
        entity_id=report_id,
        before=before,
        summary=before.title,
        now=clock.now(),
    )


def logo_type(data: bytes) -> str:
    for magic, kind in LOGO_TYPES.items():
        if data.startswith(magic):
            return kind
    raise InvalidInput("logo: upload a PNG or JPEG image.", field="logo")


def save_branding(
    session: Session,
    *,
    actor: Member,
    agency_name: str,
    primary_colour: str,
    accent_colour: str,
    logo: bytes | None,
    clock: Clock,
) -> Branding:
    """Set the white-label; `logo` None keeps the current one, b"" removes it."""
    for name, value in (
        ("primary_colour", primary_colour),
        ("accent_colour", accent_colour),
    ):
        if not COLOUR.match(value.strip()):
            raise InvalidInput(
                f"{name} must be a colour like #2f5d8a, not {value!r}.", field=name
            )
    if len(agency_name.strip()) > 200:
        raise InvalidInput("agency_name: at most 200 characters.", field="agency_name")
    if logo and len(logo) > MAX_LOGO_BYTES:
        raise InvalidInput(
            "logo: the image is over 512 KB; upload a smaller one.", field="logo"
        )
    kind = logo_type(logo) if logo else ""
    ws, now = actor.workspace.id, clock.now()
    row = session.get(store.BrandingRow, ws)
    if row is None:
        row = store.BrandingRow(workspace_id=ws, logo=None, logo_type="")
        session.add(row)
    row.agency_name = agency_name.strip()
    row.primary_colour = primary_colour.strip().lower()
    row.accent_colour = accent_colour.strip().lower()
    if logo is not None:
        row.logo, row.logo_type = (logo or None), kind
    row.updated_at = now
    session.flush()
    audit.record_change(
        session,
        actor=actor,
        action="report.branding",
        entity_type="workspace",
        entity_id=ws,
        summary=row.agency_name or "branding",
        now=now,
    )
    return store.branding_of(session, ws)
