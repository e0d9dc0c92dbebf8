"""The worker loop. Any number of workers on any number of machines: a job runs once per lease.

Each job runs in its own transaction; the claim commits first, so a crash mid-job leaves the
job leased until its lease expires, then another worker takes it (handlers are idempotent).
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from tandem.core import Clock
from tandem.core.backoff import backoff_delay
from tandem.jobs.publishing import (
    budgets_for,
    policy_for,
    publish_next,
    publishers_for,
    sweep,
)
from tandem.jobs.registry import HANDLERS, Handler, JobContext, PermanentJobError
from tandem.notify import EmailNotConfigured, EmailSender, sender_for
from tandem.publish.ports import PublisherFor
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
    publishers: PublisherFor | None = None  # default: the connectors registry
    publish: bool = (
        True  # also claim and send due posts (every worker does, in parallel)
    )
    sweep_every: float = 60.0
    _last_sweep: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        if self.publishers is None:
            self.publishers = publishers_for(self.settings)

    def publish_once(self) -> bool:
        """Send a batch of due posts (`publish_batch_size`, within the publish budgets), and
        now and then turn long-overdue ones into "missed"."""
        if not self.publish:
            return False
        assert self.publishers is not None
        if time.monotonic() - self._last_sweep >= self.sweep_every:
            self._last_sweep = time.monotonic()
            sweep(self.database, clock=self.clock)
        lease = timedelta(seconds=self.settings.worker_lease_seconds)
        return publish_next(
            self.database,
            publishers=self.publishers,
            clock=self.clock,
            lease=lease,
            policy=policy_for(self.settings),
            base_url=self.settings.base_url,
            budgets=budgets_for(self.settings),
            batch=self.settings.publish_batch_size,
        )

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
            assert self.publishers is not None  # set in __post_init__
            with self.database.session() as session:
                ctx = JobContext(
                    session,
                    self.settings,
                    self.clock,
                    self.email or sender_for(self.settings),
                    self.database,
                    self.publishers,
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
                busy = self.publish_once() or busy
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
