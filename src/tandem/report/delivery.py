"""Sending reports: render now or on schedule, email the PDF and the CSV zip to recipients.

A scheduled report is claimed by moving its `next_send_at` forward with a conditional UPDATE
before anything is sent, so two workers never send the same delivery; a failure is kept on
the report (`last_error`) and the next delivery is still scheduled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from tandem.accounts.store import workspace_by_id
from tandem.core import Clock, InvalidInput
from tandem.core.periods import local_today
from tandem.notify import Attachment, EmailMessage, EmailSender
from tandem.report import render, store
from tandem.report.actions import next_send, scheduled_period
from tandem.report.model import Report, Schedule

log = logging.getLogger(__name__)
SEND_DUE_REPORTS = "report.send_due"
SEND_REPORT = "report.send"
SEND_EVERY = timedelta(minutes=15)


@dataclass(frozen=True)
class Files:
    rendered: render.Rendered
    pdf: bytes
    csv_zip: bytes

    def attachments(self) -> tuple[Attachment, ...]:
        stem = self.rendered.file_stem
        return (
            Attachment(f"{stem}.pdf", "application/pdf", self.pdf),
            Attachment(f"{stem}-csv.zip", "application/zip", self.csv_zip),
        )


def render_files(
    session: Session,
    report: Report,
    *,
    now: datetime,
    start: date | None = None,
    end: date | None = None,
    warehouse_path: str | None = None,
    lookback_days: int = 30,
) -> Files:
    """The report over [start, end], by default the `period_days` up to yesterday; Measure's
    events (attributed conversions) are read from the warehouse at `warehouse_path`."""
    ws = workspace_by_id(session, report.workspace_id)
    today = local_today(now, ws.timezone)
    last = end or today - timedelta(days=1)
    first = start or last - timedelta(days=report.period_days - 1)
    if first > last:
        raise InvalidInput(
            "The start date (from) must be on or before the end date (to).",
            field="from",
        )
    rendered = render.compute(
        session,
        report,
        workspace_name=ws.name,
        zone=ws.timezone,
        start=first,
        end=last,
        today=today,
        warehouse_path=warehouse_path,
        lookback_days=lookback_days,
    )
    return Files(rendered, render.to_pdf(rendered), render.to_zip(rendered))


def _email(files: Files, to: str) -> EmailMessage:
    r = files.rendered
    lines = [f"{r.report.title}: {r.period.start} to {r.period.end}.", ""]
    lines += [f"{s.title}: {s.summary}" for s in r.sections]
    lines += ["", "The PDF and a zip of CSV files (one per table) are attached."]
    sender = r.branding.agency_name or r.workspace_name
    return EmailMessage(
        to=to,
        subject=f"{r.report.title} ({r.period.start} to {r.period.end}) - {sender}",
        body="\n".join(lines),
        attachments=files.attachments(),
    )


def send(files: Files, recipients: tuple[str, ...], sender: EmailSender) -> int:
    if not recipients:
        raise InvalidInput(
            "recipients: add at least one address to send the report to.",
            field="recipients",
        )
    for to in recipients:
        sender.send(_email(files, to))
    return len(recipients)


def send_now(
    session: Session,
    report: Report,
    *,
    sender: EmailSender,
    clock: Clock,
    warehouse_path: str | None = None,
    lookback_days: int = 30,
) -> int:
    files = render_files(
        session,
        report,
        now=clock.now(),
        warehouse_path=warehouse_path,
        lookback_days=lookback_days,
    )
    count = send(files, report.recipients, sender)
    row = store.report_row(session, report.workspace_id, report.id)
    row.last_sent_at, row.last_error = clock.now(), ""
    return count


def _claim(session: Session, row: store.ReportRow, now: datetime, zone: str) -> bool:
    """Move next_send_at on; True only for the worker whose UPDATE matched."""
    due = row.next_send_at
    following = next_send(Schedule(row.schedule), now, zone)
    result = session.execute(
        update(store.ReportRow)
        .where(store.ReportRow.id == row.id, store.ReportRow.next_send_at == due)
        .values(next_send_at=following)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def send_due(
    session: Session,
    *,
    sender: EmailSender,
    clock: Clock,
    warehouse_path: str | None = None,
    lookback_days: int = 30,
) -> list[str]:
    """Send every report whose time has come; returns the ids sent. Call in a unit of work."""
    now, sent = clock.now(), []
    for report_id in store.due_report_ids(session, now):
        row = session.get(store.ReportRow, report_id)
        if row is None or row.next_send_at is None:
            continue
        ws = workspace_by_id(session, row.workspace_id)
        due_day = local_today(row.next_send_at, ws.timezone)
        if not _claim(session, row, now, ws.timezone):
            continue
        session.refresh(row)
        report = store.to_report(row)
        start, end = scheduled_period(report.schedule, due_day, report.period_days)
        try:
            files = render_files(
                session,
                report,
                now=now,
                start=start,
                end=end,
                warehouse_path=warehouse_path,
                lookback_days=lookback_days,
            )
            send(files, report.recipients, sender)
        except Exception as exc:  # noqa: BLE001  # one report's failure must not stop the others
            log.warning("report %s not sent: %s", report_id, exc)
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            continue
        row.last_sent_at, row.last_error = now, ""
        sent.append(report_id)
    return sent
