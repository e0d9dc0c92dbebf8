"""The crisis watch job: check every active workspace, then queue the next check.

`detect_crises` re-queues itself `CHECK_EVERY` later, so one call to `ensure_crisis_watch`
(from the worker's periodic sweep, or at start-up) keeps it running for as long as workers
run. Checks are idempotent within an episode, so an extra run alerts nobody twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session

from tandem.core import Clock
from tandem.inbox.crisis_watch import check_all
from tandem.settings import Settings
from tandem.storage.queue import enqueue_once

log = logging.getLogger("tandem.inbox")

DETECT_CRISES = "detect_crises"
CHECK_EVERY = timedelta(minutes=10)


class JobContextLike(Protocol):
    """What the handler uses of tandem.jobs.JobContext (declared here: jobs imports us)."""

    @property
    def session(self) -> Session: ...

    @property
    def settings(self) -> Settings: ...

    @property
    def clock(self) -> Clock: ...


def ensure_crisis_watch(
    session: Session, *, now: datetime, delay: timedelta = timedelta(0)
) -> bool:
    """Queue one check `delay` from now unless one already waits; True if it queued."""
    return enqueue_once(session, DETECT_CRISES, now=now, delay=delay, max_attempts=1)


def detect_crises(ctx: JobContextLike, _payload: dict[str, Any]) -> None:
    """Check every workspace with recent inbox activity; payload: nothing."""
    now = ctx.clock.now()
    checks = check_all(ctx.session, now=now, base_url=ctx.settings.base_url)
    started = [c.workspace_id for c in checks if c.started]
    if started:
        log.warning("inbox crisis alert", extra={"workspaces": started})
    ensure_crisis_watch(ctx.session, now=now, delay=CHECK_EVERY)
