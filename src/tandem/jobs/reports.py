"""The report delivery job: send scheduled reports that are due, then re-queue itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tandem.core import NotFound
from tandem.jobs.periodic import ensure_periodic
from tandem.report import store
from tandem.report.delivery import (
    SEND_DUE_REPORTS,
    SEND_EVERY,
    SEND_REPORT,
    send_due,
    send_now,
)

if TYPE_CHECKING:  # the registry imports this module's handler: no runtime import back
    from tandem.jobs.registry import JobContext

__all__ = ["SEND_DUE_REPORTS", "SEND_REPORT", "send_due_reports", "send_report"]


def send_due_reports(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Job handler: payload nothing. Each report's failure is kept on the report."""
    send_due(ctx.session, sender=ctx.email, clock=ctx.clock)
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
    send_now(ctx.session, report, sender=ctx.email, clock=ctx.clock)
