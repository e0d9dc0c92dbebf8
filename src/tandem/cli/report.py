"""`tandem report list|render|send|send-due`: reports from the command line, through the same
actions as the web (docs/reports.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from tandem.accounts import store
from tandem.cli.base import (
    WORKSPACE,
    app,
    clock,
    console,
    fail,
    id_column,
    open_database,
    settings,
    unit_of_work,
)
from tandem.core import TandemError
from tandem.notify import sender_for
from tandem.report import delivery
from tandem.report import store as report_store

report_app = typer.Typer(
    no_args_is_help=True, help="Reports: render to PDF/CSV, email them."
)
app.add_typer(report_app, name="report")


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--{name} must be a date like 2026-01-31, not {value!r}.")


def _workspace_id(session: object, slug: str) -> str:
    workspace = store.workspace_by_slug(session, slug)  # type: ignore[arg-type]
    if workspace is None:
        fail(f"No workspace with the slug {slug!r}.")
    return workspace.id


@report_app.command("list")
def list_reports(workspace: str = WORKSPACE) -> None:
    """The workspace's reports with their schedules."""
    table = Table(
        id_column(), "title", "sections", "schedule", "recipients", "next send"
    )
    with unit_of_work(open_database(settings())) as session:
        for r in report_store.reports_in(session, _workspace_id(session, workspace)):
            table.add_row(
                r.id,
                escape(r.title),
                ", ".join(r.sections),
                r.schedule.value,
                escape(", ".join(r.recipients)),
                str(r.next_send_at or "-"),
            )
    console.print(table)


@report_app.command("render")
def render(
    report_id: str = typer.Argument(..., help="The report's id (tandem report list)."),
    workspace: str = WORKSPACE,
    out: Path = typer.Option(Path("."), "--out", "-o", help="Directory to write into."),
    format: str = typer.Option("pdf", "--format", help="pdf, csv or both."),  # noqa: A002
    since: str | None = typer.Option(
        None, help="First day (default: period_days ago)."
    ),
    until: str | None = typer.Option(None, help="Last day (default: yesterday)."),
) -> None:
    """Write the report as a PDF and/or a zip of CSV files."""
    if format not in ("pdf", "csv", "both"):
        fail("--format must be pdf, csv or both.")
    s = settings()
    try:
        with unit_of_work(open_database(s)) as session:
            report = report_store.report_in(
                session, _workspace_id(session, workspace), report_id
            )
            files = delivery.render_files(
                session,
                report,
                now=clock.now(),
                start=_day(since, "since"),
                end=_day(until, "until"),
                warehouse_path=str(s.warehouse_path),
                lookback_days=s.journey_lookback_days,
            )
    except TandemError as exc:
        fail(str(exc))
    out.mkdir(parents=True, exist_ok=True)
    pdf, csv = files.attachments()
    for attachment in (pdf, csv):
        if format == "both" or attachment.content_type.endswith(
            format if format == "pdf" else "zip"
        ):
            path = out / attachment.filename
            path.write_bytes(attachment.data)
            console.print(f"Wrote {escape(str(path))}")


@report_app.command("send")
def send(
    report_id: str = typer.Argument(..., help="The report's id (tandem report list)."),
    workspace: str = WORKSPACE,
) -> None:
    """Email the report to its recipients now (PDF and CSV attached)."""
    s = settings()
    try:
        with unit_of_work(open_database(s)) as session:
            report = report_store.report_in(
                session, _workspace_id(session, workspace), report_id
            )
            count = delivery.send_now(
                session,
                report,
                sender=sender_for(s),
                clock=clock,
                warehouse_path=str(s.warehouse_path),
                lookback_days=s.journey_lookback_days,
            )
    except TandemError as exc:
        fail(str(exc))
    console.print(f"Sent {escape(report.title)} to {count} recipient(s).")


@report_app.command("send-due")
def send_due() -> None:
    """Send every scheduled report whose time has come (what the worker's job does)."""
    s = settings()
    with unit_of_work(open_database(s)) as session:
        sent = delivery.send_due(
            session,
            sender=sender_for(s),
            clock=clock,
            warehouse_path=str(s.warehouse_path),
            lookback_days=s.journey_lookback_days,
        )
    console.print(f"Sent {len(sent)} due report(s).")
