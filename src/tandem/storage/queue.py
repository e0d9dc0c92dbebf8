"""The job queue lives in the operational database (the healthchecks pattern).

Capabilities enqueue in the same transaction as the change that caused the job (an outbox:
nothing is sent for a change that rolled back). Workers claim with a conditional UPDATE
(PostgreSQL: a `FOR UPDATE SKIP LOCKED` pick first), so each job runs once per lease.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import new_id
from tandem.storage.db import Base, JSONDict, UTCDateTime


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobRow(Base):
    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_run_at", "status", "run_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDict())
    workspace_id: Mapped[str | None] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=5)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    locked_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    payload: dict[str, Any]
    workspace_id: str | None
    attempts: int
    max_attempts: int


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    now: datetime,
    workspace_id: str | None = None,
    run_at: datetime | None = None,
    max_attempts: int = 5,
) -> str:
    job_id = new_id()
    session.add(
        JobRow(
            id=job_id,
            kind=kind,
            payload=payload,
            workspace_id=workspace_id,
            status=JobStatus.QUEUED,
            run_at=run_at or now,
            attempts=0,
            max_attempts=max_attempts,
            created_at=now,
        )
    )
    return job_id


def _claimable(now: datetime) -> Any:
    return (JobRow.status == JobStatus.QUEUED) & (JobRow.run_at <= now) | (
        (JobRow.status == JobStatus.RUNNING) & (JobRow.lease_until < now)
    )


def claim_next(
    session: Session, *, worker: str, now: datetime, lease: timedelta
) -> Job | None:
    """Claim one due job (or one whose lease ran out). Returns None when nothing is due."""
    pick = select(JobRow.id).where(_claimable(now)).order_by(JobRow.run_at).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    for _ in range(5):
        job_id = session.scalar(pick)
        if job_id is None:
            return None
        result = session.execute(
            update(JobRow)
            .where(JobRow.id == job_id, _claimable(now))
            .values(
                status=JobStatus.RUNNING,
                lease_until=now + lease,
                locked_by=worker,
                attempts=JobRow.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        )
        # A CursorResult has rowcount; mypy only sees the base Result type.
        if getattr(result, "rowcount", 0) == 1:
            row = session.get(JobRow, job_id, populate_existing=True)
            assert row is not None
            return Job(
                row.id,
                row.kind,
                dict(row.payload),
                row.workspace_id,
                row.attempts,
                row.max_attempts,
            )
    return None


def finish(session: Session, job_id: str, *, now: datetime) -> None:
    session.execute(
        update(JobRow)
        .where(JobRow.id == job_id)
        .values(status=JobStatus.DONE, finished_at=now, lease_until=None)
    )


def fail(
    session: Session, job: Job, *, error: str, now: datetime, retry_at: datetime | None
) -> None:
    """Record a failure; retry at `retry_at`, or give up when it is None or attempts ran out."""
    final = retry_at is None or job.attempts >= job.max_attempts
    session.execute(
        update(JobRow)
        .where(JobRow.id == job.id)
        .values(
            status=JobStatus.FAILED if final else JobStatus.QUEUED,
            last_error=error[:2000],
            run_at=retry_at if not final and retry_at else JobRow.run_at,
            lease_until=None,
            finished_at=now if final else None,
        )
    )


def counts_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(JobRow.status, func.count()).group_by(JobRow.status)
    ).all()
    return {str(status): int(count) for status, count in rows}


def enqueue_once(
    session: Session,
    kind: str,
    *,
    now: datetime,
    delay: timedelta = timedelta(0),
    max_attempts: int = 5,
) -> bool:
    """Queue one payload-less `kind` run `delay` from now unless one already waits; True if
    it queued. Periodic jobs re-queue themselves with this at the end of their run (a RUNNING
    row is not "waiting", so a job can queue its own successor)."""
    waiting = session.scalar(
        select(JobRow.id)
        .where(JobRow.kind == kind, JobRow.status == JobStatus.QUEUED)
        .limit(1)
    )
    if waiting is not None:
        return False
    enqueue(session, kind, {}, now=now, run_at=now + delay, max_attempts=max_attempts)
    return True
