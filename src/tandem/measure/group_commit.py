"""Group commit: the collector's requests share one transaction, one INSERT and one commit.

A page view is one small request; a transaction (BEGIN IMMEDIATE, a few statements, a
commit) per request capped the collector at a few hundred events/s on SQLite. Here each
request hands its validated hits to one writer thread per process and waits. The writer
takes every submission waiting at that moment (up to `max_batch` events), admits each in
one transaction (a refused request gets its own error and writes nothing), inserts all
their events in one multi-row INSERT, schedules shipping once and commits; only then is
each request's future resolved, so a 2xx still means the events are stored. Batches form
by themselves: while one commits, the next requests queue up.

If the batch fails (the database is down, locked past its timeout, a bug), every request
in it gets `StoreFailed` (503 + Retry-After) and nothing of the batch is stored. When more
than `max_waiting` events already wait for the writer, a request is refused at once with
`Backpressure`, so memory stays bounded however fast pages send.

Each process (each uvicorn worker) has its own writer; they share the database like any
other writers, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from tandem.core import Clock, TandemError
from tandem.measure import store
from tandem.measure.collect import RETRY_AFTER_SECONDS, Backpressure, admit
from tandem.measure.model import Accepted, Hit, Request, Site
from tandem.measure.shipping import schedule_shipping
from tandem.storage import UnitOfWork
from tandem.storage.warehouse import WarehouseEvent

log = logging.getLogger("tandem.measure.collect")

SITE_TTL = 5.0  # seconds a site read by key is reused (sites are created, never edited)
BACKLOG_TTL = 0.5  # seconds between two counts of the outbox backlog
MAX_BATCH = 1_000  # events per transaction
MAX_WAITING = 20_000  # events waiting for the writer before requests are refused


class StoreFailed(Backpressure):
    """The batch holding the request could not be committed: nothing of it was stored."""


@dataclass(frozen=True)
class Submission:
    """One request's hits, validated at the edge, with what `admit` needs to judge them."""

    site_key: str
    hits: list[Hit]
    request: Request
    max_backlog: int


class CachedReads:
    """`Reads` for the writer thread only (no lock): sites for SITE_TTL seconds, each day's
    salt, and the backlog counted every BACKLOG_TTL seconds plus what was admitted since.

    Unknown keys are not remembered, so a site created a moment ago is found at once.
    """

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._sites: dict[str, tuple[float, Site]] = {}
        self._salt: tuple[date, bytes] | None = None
        self._counted_at: float | None = None
        self._backlog = 0

    def site(self, session: Session, key: str) -> Site | None:
        now = self._monotonic()
        cached = self._sites.get(key)
        if cached is not None and now - cached[0] < SITE_TTL:
            return cached[1]
        site = store.site_by_key(session, key)
        if site is None:
            self._sites.pop(key, None)
        else:
            if len(self._sites) > 10_000:
                self._sites.clear()
            self._sites[key] = (now, site)
        return site

    def salt(self, session: Session, day: date) -> bytes:
        if self._salt is None or self._salt[0] != day:
            self._salt = (day, store.daily_salt(session, day))
        return self._salt[1]

    def backlog(self, session: Session) -> int:
        now = self._monotonic()
        if self._counted_at is None or now - self._counted_at >= BACKLOG_TTL:
            self._backlog = store.backlog(session)
            self._counted_at = now
        return self._backlog

    def added(self, count: int) -> None:
        self._backlog += count

    def forget(self) -> None:
        """After a failed batch: its salt or counts may not be in the database."""
        self._salt = None
        self._counted_at = None


Waiting = tuple[Submission, "Future[Accepted]"]


class GroupCommitter:
    """One writer thread that stores the submissions of many requests per transaction."""

    def __init__(
        self,
        database: UnitOfWork,
        *,
        clock: Clock,
        max_batch: int = MAX_BATCH,
        max_waiting: int = MAX_WAITING,
        reads: CachedReads | None = None,
    ) -> None:
        self.database = database
        self.clock = clock
        self.max_batch = max_batch
        self.max_waiting = max_waiting
        self.reads = reads or CachedReads()
        self.batches = 0  # committed or failed, for tests and metrics
        self._queue: deque[Waiting] = deque()
        self._waiting = 0  # events in the queue
        self._ready = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def submit(self, submission: Submission) -> Future[Accepted]:
        """Queue `submission`; the future holds its Accepted once committed, or its error.

        Raises Backpressure at once when the writer is stopping or too far behind.
        """
        future: Future[Accepted] = Future()
        with self._ready:
            if self._closed:
                raise Backpressure(
                    "Tandem is restarting; retry shortly.",
                    retry_after=RETRY_AFTER_SECONDS,
                )
            if (
                self._waiting
                and self._waiting + len(submission.hits) > self.max_waiting
            ):
                raise Backpressure(
                    "Tandem is storing many events right now; retry shortly.",
                    retry_after=1,
                )
            self._queue.append((submission, future))
            self._waiting += len(submission.hits)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="tandem-collect-writer", daemon=True
                )
                self._thread.start()
            self._ready.notify()
        return future

    async def collect(self, submission: Submission) -> Accepted:
        """`submit` for async callers: resolves once the events are committed."""
        return await asyncio.wrap_future(self.submit(submission))

    def close(self, timeout: float = 30.0) -> None:
        """Store the submissions waiting and stop the writer; submissions meanwhile are
        refused. A later submission starts a new writer (an app can be served again)."""
        with self._ready:
            self._closed = True
            self._ready.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():  # stuck in the database: stay closed
                return
        with self._ready:
            self._thread = None
            self._closed = False

    def _next_batch(self) -> list[Waiting] | None:
        with self._ready:
            while not self._queue:
                if self._closed:
                    return None
                self._ready.wait()
            batch: list[Waiting] = []
            events = 0
            while self._queue and (not batch or events < self.max_batch):
                submission, future = self._queue.popleft()
                self._waiting -= len(submission.hits)
                if future.set_running_or_notify_cancel():  # False: the caller left
                    batch.append((submission, future))
                    events += len(submission.hits)
            return batch

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            if batch:
                self._commit(batch)

    def _commit(self, batch: list[Waiting]) -> None:
        answers: list[tuple[Future[Accepted], Accepted | TandemError]] = []
        try:
            with self.database.session() as session:
                events: list[WarehouseEvent] = []
                for submission, future in batch:
                    try:
                        accepted, kept = admit(
                            session,
                            site_key=submission.site_key,
                            hits=submission.hits,
                            request=submission.request,
                            clock=self.clock,
                            max_backlog=submission.max_backlog,
                            reads=self.reads,
                        )
                    except TandemError as exc:  # raised before it wrote anything
                        answers.append((future, exc))
                        continue
                    events.extend(kept)
                    answers.append((future, accepted))
                if events:
                    store.add_events(session, events)
                    schedule_shipping(session, now=events[-1].received_at)
        except BaseException as exc:
            self.batches += 1
            self.reads.forget()
            log.exception(
                "collector batch failed", extra={"requests": len(batch), "error": exc}
            )
            for _, future in batch:
                future.set_exception(
                    StoreFailed(
                        "Tandem could not store the events just now; nothing of them "
                        "was kept. Retry shortly.",
                        retry_after=RETRY_AFTER_SECONDS,
                    )
                )
            if not isinstance(exc, Exception):
                raise
            return
        self.batches += 1
        for future, answer in answers:
            if isinstance(answer, Accepted):
                future.set_result(answer)
            else:
                future.set_exception(answer)
