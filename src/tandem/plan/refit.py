"""Queueing a refit of the budget-guidance curves (the fit itself is cached by tandem.report):
after a spend import, and when a dashboard shows a fit made on older data."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.storage.queue import JobRow, JobStatus, enqueue

REFIT_BUDGET = "report.refit_budget"


def queue_refit(
    session: Session,
    workspace_id: str,
    *,
    since: date | None,
    until: date | None,
    campaign: str | None,
    now: datetime,
    results: str | None = None,
) -> bool:
    """Queue one refit unless the same one already waits; True if it queued.

    `since`/`until` None refits every stored scope of the workspace (after a spend import);
    `results` is the results source the curves are fitted on (None: the default).
    """
    payload: dict[str, Any] = {
        "workspace_id": workspace_id,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "campaign": campaign or None,
        "results": results or None,
    }
    waiting = session.scalars(
        select(JobRow.payload).where(
            JobRow.kind == REFIT_BUDGET,
            JobRow.workspace_id == workspace_id,
            JobRow.status == JobStatus.QUEUED,
        )
    ).all()
    if any(dict(p) == payload for p in waiting):
        return False
    enqueue(
        session,
        REFIT_BUDGET,
        payload,
        now=now,
        workspace_id=workspace_id,
        max_attempts=2,
    )
    return True
