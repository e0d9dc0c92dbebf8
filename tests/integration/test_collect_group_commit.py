"""The collector's group commit on a real database: batches, failures, backpressure, races."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tandem.core import NotFound
from tandem.measure import Backpressure, Hit, HitKind, Request, create_site, store
from tandem.measure.group_commit import (
    CachedReads,
    GroupCommitter,
    StoreFailed,
    Submission,
)
from tandem.storage import Database

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
BROWSER = Request(
    user_agent=FIREFOX, ip="203.0.113.9", origin="https://shop.example.com"
)
WAIT = 30  # seconds: a bound for a hung writer, never a timing assertion


class Gated:
    """A unit of work whose first transaction waits for `release`, so the submissions
    sent meanwhile queue up; transactions listed in `fail` raise at their commit."""

    def __init__(self, database: Database, fail: tuple[int, ...] = ()) -> None:
        self.database = database
        self.fail = fail
        self.opened = 0
        self.entered = threading.Event()
        self.release = threading.Event()

    @contextmanager
    def session(self) -> Iterator[Session]:
        self.opened += 1
        number = self.opened
        if number == 1:
            self.entered.set()
            assert self.release.wait(WAIT)
        with self.database.session() as session:
            yield session
            if number in self.fail:
                raise OperationalError("COMMIT", {}, Exception("disk I/O error"))


@pytest.fixture
def site(db, world):
    with db.session() as s:
        return create_site(
            s,
            workspace_id=world.acme.id,
            name="Shop",
            domains=["example.com"],
            clock=world.clock,
        )


def _submission(key: str, n: int = 1, max_backlog: int = 100_000) -> Submission:
    hits = [Hit(HitKind.PAGEVIEW, f"https://shop.example.com/p/{i}") for i in range(n)]
    return Submission(site_key=key, hits=hits, request=BROWSER, max_backlog=max_backlog)


def _outbox(db) -> list:
    with db.session() as s:
        return [e for _, e in store.oldest(s, limit=10_000)]


def _held(
    db, world, site, fail: tuple[int, ...] = (), **options
) -> tuple[Gated, GroupCommitter, Future]:
    """A committer whose first batch (one submission) is held open until released."""
    gate = Gated(db, fail=fail)
    committer = GroupCommitter(gate, clock=world.clock, **options)
    first = committer.submit(_submission(site.key))
    assert gate.entered.wait(WAIT)
    return gate, committer, first


def test_requests_waiting_together_are_committed_in_one_batch(db, world, site):
    gate, committer, first = _held(db, world, site)
    waiting = [committer.submit(_submission(site.key)) for _ in range(40)]
    gate.release.set()
    answers = [f.result(WAIT) for f in [first, *waiting]]
    assert [a.stored for a in answers] == [1] * 41
    assert committer.batches == 2  # the held one, then the 40 that waited meanwhile
    assert gate.opened == 2
    events = _outbox(db)
    assert len(events) == 41 and len({e.event_id for e in events}) == 41
    committer.close()


def test_a_failing_batch_fails_every_request_in_it_and_stores_none(db, world, site):
    gate, committer, first = _held(db, world, site, fail=(2,))
    doomed = [committer.submit(_submission(site.key, n=3)) for _ in range(5)]
    gate.release.set()
    assert first.result(WAIT).stored == 1
    for future in doomed:
        with pytest.raises(StoreFailed, match="nothing of them was kept") as failed:
            future.result(WAIT)
        assert failed.value.status == 503 and failed.value.retry_after > 0
    assert len(_outbox(db)) == 1  # the first batch's event only
    # The writer goes on: the next request is stored.
    assert committer.submit(_submission(site.key)).result(WAIT).stored == 1
    assert len(_outbox(db)) == 2
    committer.close()


def test_a_refused_request_does_not_fail_its_batch(db, world, site):
    gate, committer, first = _held(db, world, site)
    good = committer.submit(_submission(site.key, n=2))
    unknown = committer.submit(_submission("ts_doesnotexist1"))
    gate.release.set()
    assert first.result(WAIT).stored == 1 and good.result(WAIT).stored == 2
    with pytest.raises(NotFound):
        unknown.result(WAIT)
    assert committer.batches == 2
    assert len(_outbox(db)) == 3
    committer.close()


def test_the_backlog_limit_still_answers_503(db, world, site):
    committer = GroupCommitter(db, clock=world.clock)
    assert committer.submit(_submission(site.key, 3, 3)).result(WAIT).stored == 3
    with pytest.raises(Backpressure) as refused:
        committer.submit(_submission(site.key, 1, 3)).result(WAIT)
    assert refused.value.status == 503 and refused.value.retry_after > 0
    assert len(_outbox(db)) == 3
    committer.close()


def test_a_writer_too_far_behind_refuses_at_once(db, world, site):
    gate, committer, first = _held(db, world, site, max_waiting=4)
    queued = [committer.submit(_submission(site.key, n=2)) for _ in range(2)]
    with pytest.raises(Backpressure, match="retry shortly"):
        committer.submit(_submission(site.key))
    gate.release.set()
    assert [f.result(WAIT).stored for f in [first, *queued]] == [1, 2, 2]
    assert len(_outbox(db)) == 5
    committer.close()


def test_concurrent_requests_are_all_stored_exactly_once(db, world, site):
    committer = GroupCommitter(db, clock=world.clock, max_batch=50)

    def send(_: int) -> int:
        return committer.submit(_submission(site.key, n=2)).result(WAIT).stored

    with ThreadPoolExecutor(max_workers=16) as pool:
        stored = list(pool.map(send, range(300)))
    assert stored == [2] * 300
    events = _outbox(db)
    assert len(events) == 600 and len({e.event_id for e in events}) == 600
    assert committer.batches <= 300
    committer.close()


def test_close_stores_what_waits_and_a_later_request_starts_a_new_writer(
    db, world, site
):
    gate, committer, first = _held(db, world, site)
    waiting = committer.submit(_submission(site.key))
    closing = threading.Thread(target=committer.close)
    closing.start()
    gate.release.set()
    closing.join(WAIT)
    assert first.done() and waiting.done() and waiting.result().stored == 1
    assert committer.submit(_submission(site.key)).result(WAIT).stored == 1
    assert len(_outbox(db)) == 3
    committer.close()


def test_cached_reads_count_what_was_admitted_and_recount_later(db, world, site):
    now = [0.0]
    reads = CachedReads(monotonic=lambda: now[0])
    with db.session() as s:
        assert reads.backlog(s) == 0
    reads.added(7)
    with db.session() as s:
        assert reads.backlog(s) == 7  # counted, not read again
        assert reads.site(s, site.key) == site
        assert reads.site(s, "ts_doesnotexist1") is None
    now[0] = 1.0
    with db.session() as s:
        assert reads.backlog(s) == 0  # the database says what is really waiting
