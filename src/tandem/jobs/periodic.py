"""Periodic work on the job queue: each kind keeps exactly one run waiting.

A periodic job re-queues itself at the end of its run (`ensure_periodic(..., delay=every)`),
and the worker's minute sweep calls `ensure_periodic` for every kind in case a run was lost
(a crash between finishing and re-queuing). A second call while one waits does nothing, so
any number of workers can tick.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from tandem.storage.queue import enqueue_once


def ensure_periodic(
    session: Session,
    kind: str,
    *,
    now: datetime,
    delay: timedelta = timedelta(0),
) -> bool:
    """Queue one `kind` run `delay` from now unless one is already queued."""
    return enqueue_once(session, kind, now=now, delay=delay, max_attempts=1)


# Kinds the minute sweep keeps on the calendar (each job re-queues itself as it finishes).
TICKED = (
    "poll_inboxes",
    "detect_crises",
    "listen.collect",
    "report.send_due",
    "report.snapshot_competitors",
)


def tick(session: Session, *, now: datetime) -> list[str]:
    """Make sure every periodic kind has a run waiting; returns the kinds it queued."""
    return [kind for kind in TICKED if ensure_periodic(session, kind, now=now)]
