"""Done-when of Publish: worker processes SIGKILLed at random while publishing 1,000 posts to a
Sandbox that injects 5xx, 429s and timeouts-after-publishing. Every post ends published exactly
once (checked on the Sandbox) or failed with a reason; none is lost, none is duplicated.
Each kill hits a worker that holds a post it is publishing (the publication's lease names the
worker's process), never one still starting up on a loaded machine. Bounded: it fails rather than
hangs when no post reaches a final state for STALL seconds, or after DEADLINE seconds in all."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tandem.connectors.sandbox.process import SandboxServer, free_port
from tandem.core import new_id
from tandem.publish.actions import create_publication
from tandem.publish.ledger import PublicationRow, PublicationState
from tandem.publish.store import SocialAccountRow

POSTS = 1000
ACCOUNTS = 10
WORKERS = 3
STALL = 90.0
DEADLINE = 600.0
FAULTS = (
    "--error-rate",
    "0.08",
    "--rate-limit-rate",
    "0.05",
    "--retry-after",
    "1",
    "--timeout-rate",
    "0.04",
    "--timeout-seconds",
    "2",
    "--seed",
    "11",
)
TERMINAL = {PublicationState.PUBLISHED, PublicationState.FAILED}


def _seed(db, world) -> None:
    due = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    with db.session() as s:
        ids = []
        for n in range(ACCOUNTS):
            account_id = new_id()
            s.add(
                SocialAccountRow(
                    id=account_id,
                    workspace_id=world.acme.id,
                    platform="sandbox",
                    handle=f"chaos{n}",
                    display_name=f"Chaos {n}",
                    health="ok",
                    health_message="",
                    followers=0,
                    created_at=world.clock.now(),
                )
            )
            ids.append(account_id)
        s.flush()
        for i in range(POSTS):
            create_publication(
                s,
                workspace_id=world.acme.id,
                account_id=ids[i % ACCOUNTS],
                parts=[f"Chaos post number {i}: every post exactly once."],
                local_time=due,
                timezone="UTC",
                now=world.clock.now(),
            )


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "tandem", "worker"], env=env, stdout=out, stderr=out
        )


def _publishing_pids(db) -> set[int]:
    """Processes holding a publication right now (locked_by is host:pid:thread)."""
    with db.session() as s:
        owners = s.scalars(
            select(PublicationRow.locked_by).where(
                PublicationRow.state == PublicationState.PUBLISHING
            )
        ).all()
    return {int(o.split(":")[1]) for o in owners if o and o.count(":") >= 2}


def _states(db) -> dict[str, int]:
    with db.session() as s:
        rows = s.execute(
            select(PublicationRow.state, func.count()).group_by(PublicationRow.state)
        ).all()
    return {str(state): count for state, count in rows}


@pytest.mark.chaos
def test_killed_workers_publish_every_post_exactly_once(
    db, world, tmp_path, record_property
):
    sandbox = SandboxServer(tmp_path / "sandbox.db", free_port(), args=FAULTS)
    sandbox.start()
    _seed(db, world)
    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": db.url,
        "TANDEM_DATA_DIR": str(tmp_path),
        "TANDEM_SANDBOX_URL": sandbox.url,
        "TANDEM_WORKER_POLL_SECONDS": "0.1",
        "TANDEM_WORKER_LEASE_SECONDS": "10",
        "TANDEM_CONNECTOR_TIMEOUT_SECONDS": "1",
        "TANDEM_PUBLISH_SETTLE_SECONDS": "2",
        "TANDEM_LOG_LEVEL": "ERROR",
        "TANDEM_CONFIG": str(tmp_path / "none.toml"),
    }
    log = tmp_path / "workers.log"
    rng = random.Random(2026)
    workers = [_worker(env, log) for _ in range(WORKERS)]
    kills, started = 0, time.monotonic()
    done, progressed = 0, started
    try:
        while True:
            time.sleep(rng.uniform(1.5, 4.0))
            now = time.monotonic()
            states = _states(db)
            finished = sum(states.get(s, 0) for s in TERMINAL)
            if finished == POSTS:
                break
            if finished > done:
                done, progressed = finished, now
            if now - progressed > STALL or now - started > DEADLINE:
                pytest.fail(
                    f"not finished after {now - started:.0f} s, the last post finished "
                    f"{now - progressed:.0f} s ago: {states}; "
                    f"log: {log.read_text()[-2000:]}"
                )
            busy = _publishing_pids(db)
            candidates = [i for i, w in enumerate(workers) if w.pid in busy]
            if not candidates:
                continue
            victim = rng.choice(candidates)
            workers[victim].send_signal(
                signal.SIGKILL
            )  # no chance to finish the post in hand
            workers[victim].wait()
            kills += 1
            workers[victim] = _worker(env, log)
    finally:
        for w in workers:
            w.send_signal(signal.SIGKILL)
            w.wait()
        stats = sandbox.stats()
        sandbox.stop()
    elapsed = time.monotonic() - started
    with db.session() as s:
        rows = s.scalars(select(PublicationRow)).all()
    published = [r for r in rows if r.state == PublicationState.PUBLISHED]
    failed = [r for r in rows if r.state == PublicationState.FAILED]
    record_property(
        "chaos",
        f"{len(published)} published, {len(failed)} failed, {kills} kills, {elapsed:.1f} s",
    )
    assert kills >= 5, "the test must really kill workers"
    assert len(published) + len(failed) == POSTS, "none is lost"
    assert stats["duplicates"] == [], "none is duplicated on the Sandbox"
    assert stats["posts_total"] == len(published), (
        "every published post is on the Sandbox once"
    )
    assert len({r.platform_post_id for r in published}) == len(published)
    assert all(r.last_error for r in failed), "a failure always says why"
