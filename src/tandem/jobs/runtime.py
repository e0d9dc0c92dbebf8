"""The worker loop. Any number of workers on any number of machines: a job runs once per lease.

Each job runs in its own transaction; the claim commits first, so a crash mid-job leaves the
job leased until its lease expires, then another worker takes it (handlers are idempotent).
"""

from __future__ import annotations

import logging
import os
import random
import smtplib
import socket
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from tandem.core import Clock
from tandem.jobs.registry import HANDLERS, Handler, JobContext, PermanentJobError
from tandem.notify import EmailNotConfigured, EmailSender, sender_for
from tandem.settings import Settings
from tandem.storage import Database
from tandem.storage.queue import Job, claim_next, fail, finish

log = logging.getLogger("tandem.worker")

PERMANENT_ERRORS: tuple[type[BaseException], ...] = (
    PermanentJobError,
    KeyError,
    smtplib.SMTPRecipientsRefused,
    EmailNotConfigured,  # retrying cannot help until an admin sets TANDEM_SMTP_HOST
)


def backoff_delay(
    attempt: int,
    *,
    base: float = 5.0,
    cap: float = 3600.0,
    rng: random.Random | None = None,
) -> float:
    """Exponential backoff with "equal jitter" (AWS architecture blog): half fixed, half random."""
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return (rng or random).uniform(ceiling / 2, ceiling)


@dataclass
class Worker:
    database: Database
    settings: Settings
    clock: Clock
    email: EmailSender | None = None
    handlers: dict[str, Handler] = field(default_factory=lambda: dict(HANDLERS))
    name: str = field(
        default_factory=lambda: (
            f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        )
    )
    stopping: threading.Event = field(default_factory=threading.Event)

    def run_once(self) -> bool:
        """Claim and run one due job. Returns False when nothing was due."""
        lease = timedelta(seconds=self.settings.worker_lease_seconds)
        with self.database.session() as session:
            job = claim_next(
                session, worker=self.name, now=self.clock.now(), lease=lease
            )
        if job is None:
            return False
        self._run(job)
        return True

    def _run(self, job: Job) -> None:
        handler = self.handlers.get(job.kind)
        try:
            if handler is None:
                raise PermanentJobError(f"no handler for job kind {job.kind!r}")
            with self.database.session() as session:
                ctx = JobContext(
                    session,
                    self.settings,
                    self.clock,
                    self.email or sender_for(self.settings),
                )
                handler(ctx, job.payload)
                finish(session, job.id, now=self.clock.now())
            log.info(
                "job done",
                extra={"job_id": job.id, "kind": job.kind, "attempt": job.attempts},
            )
        except Exception as exc:  # a failing job must never stop the worker
            permanent = isinstance(exc, PERMANENT_ERRORS)
            retry_at = (
                None
                if permanent
                else self.clock.now() + timedelta(seconds=backoff_delay(job.attempts))
            )
            with self.database.session() as session:
                fail(
                    session,
                    job,
                    error=f"{type(exc).__name__}: {exc}",
                    now=self.clock.now(),
                    retry_at=retry_at,
                )
            log.warning(
                "job failed",
                extra={
                    "job_id": job.id,
                    "kind": job.kind,
                    "attempt": job.attempts,
                    "error": str(exc),
                    "will_retry": retry_at is not None,
                },
            )

    def run_forever(self) -> None:
        """Loop until `stopping` is set; the job in hand always finishes first (SIGTERM-safe)."""
        log.info("worker started", extra={"worker": self.name})
        while not self.stopping.is_set():
            try:
                busy = self.run_once()
            except Exception:  # database down: wait and try again rather than die
                log.exception("worker loop error")
                busy = False
            if not busy:
                self.stopping.wait(self.settings.worker_poll_seconds)
        log.info("worker stopped", extra={"worker": self.name})


def run_pending(worker: Worker, limit: int = 1000) -> int:
    """Run due jobs until none is left (tests and `tandem worker --once`). Returns how many ran."""
    ran = 0
    while ran < limit and worker.run_once():
        ran += 1
    return ran
