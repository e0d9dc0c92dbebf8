"""The database job queue: each job runs once per lease, retries back off, failures are kept."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import select

from tandem.jobs import Worker, backoff_delay, run_pending
from tandem.settings import Settings
from tandem.storage.queue import JobRow, JobStatus, claim_next, enqueue


def _settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, secret_key="k" * 48)


def test_concurrent_workers_claim_each_job_exactly_once(db, world, tmp_path):
    with db.session() as s:
        for i in range(60):
            enqueue(s, "count", {"i": i}, now=world.clock.now())
    seen: list[int] = []
    lock = threading.Lock()

    def count(_ctx, payload):
        with lock:
            seen.append(payload["i"])

    def work():
        worker = Worker(
            database=db,
            settings=_settings(tmp_path),
            clock=world.clock,
            handlers={"count": count},
        )
        run_pending(worker)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(seen) == list(range(60))
    with db.session() as s:
        assert set(s.scalars(select(JobRow.status))) == {JobStatus.DONE}


def test_a_job_whose_lease_ran_out_is_claimed_again(db, world):
    with db.session() as s:
        enqueue(s, "slow", {}, now=world.clock.now())
    with db.session() as s:
        first = claim_next(
            s, worker="a", now=world.clock.now(), lease=timedelta(minutes=5)
        )
    with db.session() as s:
        assert (
            claim_next(s, worker="b", now=world.clock.now(), lease=timedelta(minutes=5))
            is None
        )
    world.clock.advance(minutes=6)
    with db.session() as s:
        second = claim_next(
            s, worker="b", now=world.clock.now(), lease=timedelta(minutes=5)
        )
    assert (
        first is not None
        and second is not None
        and second.id == first.id
        and second.attempts == 2
    )


def test_a_transient_failure_is_retried_later_and_a_permanent_one_is_kept(
    db, world, tmp_path
):
    calls = {"flaky": 0}

    def flaky(_ctx, _payload):
        calls["flaky"] += 1
        if calls["flaky"] == 1:
            raise ConnectionError("SMTP server went away")

    def broken(_ctx, payload):
        raise KeyError("to")

    with db.session() as s:
        enqueue(s, "flaky", {}, now=world.clock.now())
        enqueue(s, "broken", {}, now=world.clock.now())
    worker = Worker(
        database=db,
        settings=_settings(tmp_path),
        clock=world.clock,
        handlers={"flaky": flaky, "broken": broken},
    )
    assert run_pending(worker) == 2
    with db.session() as s:
        rows = {r.kind: r for r in s.scalars(select(JobRow))}
    assert (
        rows["flaky"].status == JobStatus.QUEUED
        and "went away" in rows["flaky"].last_error
    )
    assert rows["flaky"].run_at > world.clock.now()
    assert (
        rows["broken"].status == JobStatus.FAILED
        and "KeyError" in rows["broken"].last_error
    )
    assert run_pending(worker) == 0, "the retry waits for its backoff"
    world.clock.advance(hours=2)
    assert run_pending(worker) == 1
    with db.session() as s:
        assert (
            s.scalar(select(JobRow.status).where(JobRow.kind == "flaky"))
            == JobStatus.DONE
        )


def test_a_job_gives_up_after_its_last_attempt(db, world, tmp_path):
    def always(_ctx, _payload):
        raise TimeoutError("still down")

    with db.session() as s:
        enqueue(s, "always", {}, now=world.clock.now(), max_attempts=3)
    worker = Worker(
        database=db,
        settings=_settings(tmp_path),
        clock=world.clock,
        handlers={"always": always},
    )
    for _ in range(3):
        run_pending(worker)
        world.clock.advance(hours=2)
    with db.session() as s:
        row = s.scalar(select(JobRow))
    assert row.status == JobStatus.FAILED and row.attempts == 3


def test_backoff_grows_exponentially_and_stays_under_the_cap():
    import random

    rng = random.Random(7)
    delays = [backoff_delay(n, base=5, cap=600, rng=rng) for n in range(1, 12)]
    assert 2.5 <= delays[0] <= 5 and 5 <= delays[1] <= 10 and 10 <= delays[2] <= 20
    assert all(d <= 600 for d in delays) and delays[-1] >= 300
