"""Moving collected events from the outbox to the warehouse, in batches, by one job.

The append and the outbox delete are not one transaction (two databases). A crash between
them re-appends the same event ids next run, which the warehouse ignores (INSERT OR
IGNORE on event_id): at-least-once shipping with idempotent appends, so nothing is lost
and nothing is counted twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.measure import store
from tandem.storage.queue import JobRow, JobStatus, enqueue
from tandem.storage.warehouse_open import Appender

SHIP_COLLECTED_EVENTS = "ship_collected_events"
# Events wait this long so one job ships many; they are durable in the outbox meanwhile.
SHIP_DELAY = timedelta(seconds=5)
BATCH_SIZE = 5_000
MAX_BATCHES = 40  # per run; the job queues its successor when more are waiting


def schedule_shipping(
    session: Session, *, now: datetime, delay: timedelta = SHIP_DELAY
) -> None:
    """Queue one ship job unless one is already waiting."""
    waiting = session.scalar(
        select(JobRow.id)
        .where(JobRow.status == JobStatus.QUEUED, JobRow.kind == SHIP_COLLECTED_EVENTS)
        .limit(1)
    )
    if waiting is None:
        enqueue(session, SHIP_COLLECTED_EVENTS, {}, now=now, run_at=now + delay)


def ship_events(
    session: Session,
    warehouse: Appender,
    *,
    now: datetime,
    batch_size: int = BATCH_SIZE,
    max_batches: int = MAX_BATCHES,
) -> int:
    """Append waiting events to the warehouse and delete them from the outbox.

    Returns the events shipped. Commits the session twice per batch: after reading it, so
    the warehouse append never runs inside a transaction (on SQLite every transaction holds
    the write lock the collector needs), and after deleting it, so the lock is held for one
    batch's delete at a time, not for a whole run of up to 200,000 events. A batch deleted
    was appended first; a crash in between re-appends it next run, which the warehouse
    ignores.
    """
    shipped = 0
    for _ in range(max_batches):
        batch = store.oldest(session, limit=batch_size)
        session.commit()
        if not batch:
            return shipped
        warehouse.append([event for _, event in batch])
        store.remove(session, [seq for seq, _ in batch])
        session.commit()
        shipped += len(batch)
    if store.backlog(session):
        schedule_shipping(session, now=now, delay=timedelta(0))
    return shipped
