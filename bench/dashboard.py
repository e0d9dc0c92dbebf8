"""Latency of the marketer's dashboard (budget guidance) on the demo data (SQLite), in process.

Usage: python bench/dashboard.py [requests per page]

The first request of each period fits the response curves (or finds none cached); later
requests read the cached fit. A spend import in between makes the cached fit stale.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tandem.accounts import store as accounts
from tandem.cli.demo import DEMO_PASSWORD, prepare_demo
from tandem.core import SystemClock
from tandem.sim.media_mix import seed_spend_history
from tandem.storage import create_database
from tandem.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    data_dir = Path(tempfile.mkdtemp(prefix="tandem-dashboard-bench-"))
    settings, _ = prepare_demo(data_dir, reset=True, seed=42, base_url="http://bench")
    database = create_database(settings.database)
    app = create_app(settings, database=database)
    client = TestClient(app, base_url="http://bench")
    token = re.search(
        r'name="csrf_token" value="([^"]+)"', client.get("/login").text
    ).group(1)  # type: ignore[union-attr]
    client.post(
        "/login",
        data={
            "email": "owner@demo.tandem.test",
            "password": DEMO_PASSWORD,
            "csrf_token": token,
        },
    )
    end = datetime.now(UTC).date() - timedelta(days=1)
    pages = [
        "/w/demo-brand/dashboard?view=marketing",
        f"/w/demo-brand/dashboard?view=marketing&since={end - timedelta(days=119)}"
        f"&until={end}",
    ]
    print(
        f"marketer dashboard on the demo workspace (SQLite), owner, {n} requests each"
    )
    print(f"  {'page':90} {'first ms':>9} {'p50 later':>10}")
    for path in pages:
        samples = []
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        print(
            f"  {path:90} {samples[0]:9.0f} {statistics.median(samples[1:] or samples):10.0f}"
        )
    with database.session() as session:  # new spend: every stored fit is now stale
        workspace = accounts.workspace_by_slug(session, "demo-brand")
        assert workspace is not None
        owner = accounts.memberships_in(session, workspace.id)[0]
        member = accounts.member_in(session, owner.user, workspace)
        assert member is not None
        seed_spend_history(session, actor=member, clock=SystemClock(), end=end, days=14)
    started = time.perf_counter()
    assert client.get(pages[1]).status_code == 200
    print(
        f"  after a spend import (stale fit shown, refit queued): "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
