"""Claiming due publications with a lease, and sweeping overdue ones (the queue side of the
worker; worker.py sends what was claimed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tandem.publish.ledger import (
    UNSETTLED,
    PublicationRow,
    PublicationState,
    last_attempt,
)

S = PublicationState


@dataclass(frozen=True)
class Claim:
    publication_id: str
    worker: str
    lease_until: datetime
    reconcile_first: bool  # the last attempt may have reached the platform


def _rowcount(result: Any) -> int:
    # A CursorResult has rowcount; mypy only sees the base Result type.
    return int(getattr(result, "rowcount", 0))


# --- claiming ---------------------------------------------------------------------------


def _claimable(now: datetime) -> Any:
    waiting = PublicationRow.state.in_([S.SCHEDULED, S.OUTCOME_UNKNOWN]) & (
        PublicationRow.next_attempt_at <= now
    )
    abandoned = (PublicationRow.state == S.PUBLISHING) & (
        PublicationRow.lease_until < now
    )
    return waiting | abandoned


def claim_due(
    session: Session, *, worker: str, now: datetime, lease: timedelta
) -> Claim | None:
    """Lease one due publication (or one whose lease ran out); commit before sending."""
    pick = (
        select(PublicationRow.id)
        .where(_claimable(now))
        .order_by(PublicationRow.next_attempt_at)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    for _ in range(5):
        publication_id = session.scalar(pick)
        if publication_id is None:
            return None
        result = session.execute(
            update(PublicationRow)
            .where(PublicationRow.id == publication_id, _claimable(now))
            .values(
                state=S.PUBLISHING,
                lease_until=now + lease,
                locked_by=worker,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result) == 1:
            last = last_attempt(session, publication_id)
            unsettled = last is not None and last.outcome in UNSETTLED
            return Claim(publication_id, worker, now + lease, unsettled)
    return None


# --- sweeping ---------------------------------------------------------------------------


def sweep_overdue(
    session: Session, *, now: datetime, grace: timedelta = timedelta(minutes=30)
) -> int:
    """Scheduled posts more than `grace` past their time become missed (the user decides).

    Posting hours late can do harm (a sale that ended, a live event), so a worker that was
    down does not catch up blindly. Run it before claiming. Returns how many were marked.
    """
    minutes = int(grace.total_seconds() // 60)
    message = (
        f"Not published within {minutes} minutes of its time (was the worker running?). "
        "Publish it now or reschedule it."
    )
    result = session.execute(
        update(PublicationRow)
        .where(
            PublicationRow.state == S.SCHEDULED,
            PublicationRow.next_attempt_at < now - grace,
        )
        .values(state=S.MISSED, error_kind="missed", last_error=message, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result)
