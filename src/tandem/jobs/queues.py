"""Job handler: plan the queues (recurring occurrences ahead, evergreen into empty slots)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from tandem.publish.planner import PLAN_EVERY, ensure_planned, plan_queues

if TYPE_CHECKING:  # the registry imports this module's handler: no runtime import back
    from tandem.jobs.registry import JobContext

log = logging.getLogger("tandem.publish")


def plan_queues_job(ctx: JobContext, payload: dict[str, Any]) -> None:
    """Payload (optional): horizon_days (settings.recurring_horizon_days)."""
    now = ctx.clock.now()
    horizon = int(payload.get("horizon_days", ctx.settings.recurring_horizon_days))
    result = plan_queues(ctx.session, now=now, horizon_days=horizon)
    log.info(
        "queues planned",
        extra={"recurring": result.recurring, "evergreen": result.evergreen},
    )
    ensure_planned(ctx.session, now=now, delay=PLAN_EVERY)
