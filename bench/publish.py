"""10,000 posts due in the same minute, published to the Sandbox by 4 worker processes.

Prints the time until all are published, posts/s and lateness percentiles (published_at - due).
Usage: python bench/publish.py [posts] [workers] [sqlite|postgresql://...] [batch]
(batch: TANDEM_PUBLISH_BATCH_SIZE of the workers, default 4; 1 claims one post at a time.)
The workers apply the publish budgets: one post per account on its way at a time, so the 20
accounts are at most 20 parallel streams; the Sandbox has no posting window.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from tandem.accounts import actions
from tandem.connectors.sandbox.process import SandboxServer, free_port
from tandem.core import SystemClock, new_id
from tandem.publish.actions import create_publication
from tandem.publish.ledger import PublicationRow, PublicationState
from tandem.publish.store import SocialAccountRow
from tandem.storage import create_database, upgrade

ACCOUNTS = 20


def seed(database, posts: int, due: datetime) -> None:  # type: ignore[no-untyped-def]
    clock = SystemClock()
    with database.session() as s:
        _, ws = actions.create_organisation(
            s,
            name="Bench",
            workspace_name="Bench",
            owner_email="bench@bench.test",
            owner_name="Bench",
            owner_password="bench password 123",
            clock=clock,
        )
        ids = []
        for n in range(ACCOUNTS):
            ids.append(new_id())
            s.add(
                SocialAccountRow(
                    id=ids[-1],
                    workspace_id=ws.id,
                    platform="sandbox",
                    handle=f"bench{n}",
                    display_name="Bench",
                    health="ok",
                    health_message="",
                    followers=0,
                    created_at=clock.now(),
                )
            )
        s.flush()
        local = due.strftime("%Y-%m-%dT%H:%M")
        for i in range(posts):
            create_publication(
                s,
                workspace_id=ws.id,
                account_id=ids[i % ACCOUNTS],
                parts=[f"Bench post {i}"],
                local_time=local,
                timezone="UTC",
                now=clock.now(),
            )


def main() -> None:
    posts = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    tmp = Path(tempfile.mkdtemp(prefix="tandem-bench-publish-"))
    url = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] != "sqlite" else None
    url = url or f"sqlite:///{tmp / 'tandem.db'}"
    batch = sys.argv[4] if len(sys.argv) > 4 else "4"
    database = create_database(url)
    upgrade(database)
    due = (datetime.now(UTC) + timedelta(minutes=1)).replace(second=0, microsecond=0)
    seeding = time.perf_counter()
    seed(database, posts, due)
    print(
        f"seeded {posts} posts due {due:%H:%M} UTC in {time.perf_counter() - seeding:.1f} s"
    )
    sandbox = SandboxServer(tmp / "sandbox.db", free_port())
    sandbox.start()
    env = {
        **os.environ,
        "TANDEM_DATABASE_URL": url,
        "TANDEM_DATA_DIR": str(tmp),
        "TANDEM_SANDBOX_URL": sandbox.url,
        "TANDEM_WORKER_POLL_SECONDS": "0.05",
        "TANDEM_PUBLISH_BATCH_SIZE": batch,
        "TANDEM_LOG_LEVEL": "ERROR",
        "TANDEM_CONFIG": str(tmp / "x.toml"),
    }
    procs = [
        subprocess.Popen([sys.executable, "-m", "tandem", "worker"], env=env)
        for _ in range(workers)
    ]
    try:
        while True:
            time.sleep(1)
            with database.session() as s:
                done = (
                    s.scalar(
                        select(func.count()).where(
                            PublicationRow.state == PublicationState.PUBLISHED
                        )
                    )
                    or 0
                )
            if done >= posts:
                break
            if datetime.now(UTC) > due + timedelta(minutes=30):
                raise SystemExit(f"only {done} of {posts} published after 30 minutes")
    finally:
        for p in procs:
            p.terminate()
            p.wait()
        stats = sandbox.stats()
        sandbox.stop()
    with database.session() as s:
        published = list(s.scalars(select(PublicationRow.published_at)))
    late = sorted((p - due).total_seconds() for p in published if p is not None)
    span = late[-1] - max(0.0, late[0])
    print(
        f"{posts} posts, {workers} workers, batch {batch}, {url.split(':')[0]}: "
        f"all published {late[-1]:.1f} s after due time"
    )
    print(f"  throughput {posts / span:,.0f} posts/s (first to last publish)")
    print(
        f"  lateness p50 {statistics.median(late):.1f} s, p95 {late[int(0.95 * (len(late) - 1))]:.1f} s, "
        f"max {late[-1]:.1f} s"
    )
    print(
        f"  Sandbox: {stats['posts_total']} posts, {len(stats['duplicates'])} duplicated"
    )


if __name__ == "__main__":
    main()
