"""The report delivery job: send scheduled reports that are due, then re-queue itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tandem.jobs.periodic import ensure_periodic
from tandem.report.delivery import SEND_DUE_REPORTS, SEND_EVERY, send_due

if TYPE_CHECKING:  # the registry imports this module's handler: no runtime import back
    from tandem.jobs.registry import JobContext

__all__ = ["SEND_DUE_REPORTS", "send_due_reports"]


def send_due_reports(ctx: JobContext, _payload: dict[str, Any]) -> None:
    """Job handler: payload nothing. Each report's failure is kept on the report."""
    send_due(ctx.session, sender=ctx.email, clock=ctx.clock)
    ensure_periodic(
        ctx.session, SEND_DUE_REPORTS, now=ctx.clock.now(), delay=SEND_EVERY
    )
