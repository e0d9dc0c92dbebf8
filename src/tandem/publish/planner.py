"""The queue planner: materialise recurring posts and recycle evergreen ones, then plan again.

One job kind, `plan_queues`, re-queues itself (PLAN_EVERY later) after each run, and any change
that needs planning soon (a new series, evergreen switched on) queues one run unless one is
already waiting. Both steps are idempotent, so an extra run is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from tandem.publish.evergreen import recycle
from tandem.publish.queue_slots import PLAN_QUEUES, ensure_planned
from tandem.publish.recurring_materialise import HORIZON_DAYS, materialise

PLAN_EVERY = timedelta(hours=1)
__all__ = ["PLAN_EVERY", "PLAN_QUEUES", "PlanResult", "ensure_planned", "plan_queues"]


@dataclass(frozen=True)
class PlanResult:
    recurring: int  # occurrences created
    evergreen: int  # posts recycled


def plan_queues(
    session: Session,
    *,
    now: datetime,
    horizon_days: int = HORIZON_DAYS,
    workspace_id: str | None = None,
) -> PlanResult:
    """Recurring first, so recycled evergreen posts only fill slots nothing else wants."""
    made = materialise(
        session, now=now, horizon_days=horizon_days, workspace_id=workspace_id
    )
    return PlanResult(made, recycle(session, now=now, workspace_id=workspace_id))
