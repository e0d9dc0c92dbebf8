"""The report delivery job: send scheduled reports that are due, then re-queue itself."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tandem.accounts.store import workspace_by_id
from tandem.connectors.public import PublicProfiles
from tandem.core import NotFound
from tandem.core.periods import local_today
from tandem.jobs.periodic import ensure_periodic
from tandem.plan.refit import REFIT_BUDGET
from tandem.report import budget, store
from tandem.report.competitors import SNAPSHOT_COMPETITORS, snapshot_competitors
from tandem.report.delivery import (
    SEND_DUE_REPORTS,
    SEND_EVERY,
    SEND_REPORT,
    send_due,
    send_now,
)

if TYPE_CHECKING:  # the registry imports this module's handler: no runtime import back
    from tandem.jobs.registry import JobContext

__all__ = [
    "REFIT_BUDGET",
    "SNAPSHOT_COMPETITORS",
    "SEND_DUE_REPORTS",
    "SEND_REPORT",
    "refit_budget",
    "snapshot_competitors_job",
    "send_due_reports",
    "send_report",
]


def send_due_reports(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Job handler: payload nothing. Each report's failure is kept on the report."""
    send_due(
        ctx.session,
        sender=ctx.email,
        clock=ctx.clock,
        warehouse_path=str(ctx.settings.warehouse_path),
        lookback_days=ctx.settings.journey_lookback_days,
    )
    ensure_periodic(
        ctx.session, SEND_DUE_REPORTS, now=ctx.clock.now(), delay=SEND_EVERY
    )


def send_report(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Job handler: payload workspace_id, report_id. A deleted report is nothing to send."""
    try:
        report = store.report_in(
            ctx.session, payload["workspace_id"], payload["report_id"]
        )
    except NotFound:
        return
    if not report.recipients:  # removed after the send was queued: nothing to do
        return
    send_now(
        ctx.session,
        report,
        sender=ctx.email,
        clock=ctx.clock,
        warehouse_path=str(ctx.settings.warehouse_path),
        lookback_days=ctx.settings.journey_lookback_days,
    )


def refit_budget(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Job handler: payload workspace_id, optional since, until (ISO days), campaign and
    results (the results source the curves are fitted on).
    Without a period, every stored budget-guidance scope of the workspace is refitted."""
    try:
        workspace = workspace_by_id(ctx.session, payload["workspace_id"])
    except NotFound:
        return
    now = ctx.clock.now()
    since, until = payload.get("since"), payload.get("until")
    budget.refit(
        ctx.session,
        workspace.id,
        zone=workspace.timezone,
        today=local_today(now, workspace.timezone),
        now=now,
        since=date.fromisoformat(since) if since else None,
        until=date.fromisoformat(until) if until else None,
        campaign=payload.get("campaign") or None,
        results=payload.get("results") or None,
        warehouse_path=str(ctx.settings.warehouse_path),
        lookback_days=ctx.settings.journey_lookback_days,
    )


SNAPSHOT_EVERY = timedelta(days=1)


def snapshot_competitors_job(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Job handler: payload optional workspace_id (a competitor was just added: read that
    workspace's now). Without it, every workspace, then the next run a day later."""
    reader = PublicProfiles()
    try:
        snapshot_competitors(
            ctx.session,
            reader.read,
            now=ctx.clock.now(),
            workspace_id=payload.get("workspace_id"),
        )
    finally:
        reader.close()
    if not payload.get("workspace_id"):
        ensure_periodic(
            ctx.session, SNAPSHOT_COMPETITORS, now=ctx.clock.now(), delay=SNAPSHOT_EVERY
        )
