"""Latency of the main pages on the demo data (SQLite), in process, one client.

Usage: python bench/web_pages.py [requests per page]
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

from tandem.cli.demo import DEMO_PASSWORD, prepare_demo
from tandem.storage import create_database
from tandem.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PAGES = [
    "/w/demo-brand/",
    "/w/demo-brand/publish",
    "/w/demo-brand/publish?sort=engagement_rate",
    "/w/demo-brand/measure",
    "/w/demo-brand/measure?since=2026-01-01&compare=year",
    "/api/v1/workspaces/demo-brand/posts?limit=100",
    "/w/demo-brand/settings/audit",
]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    data_dir = Path(tempfile.mkdtemp(prefix="tandem-web-bench-"))
    settings, _ = prepare_demo(data_dir, reset=True, seed=42, base_url="http://bench")
    app = create_app(settings, database=create_database(settings.database))
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
    print(f"page latency on the demo workspace (SQLite), {n} requests each, owner role")
    print(f"  {'page':58} {'p50 ms':>8} {'p95 ms':>8}")
    for path in PAGES:
        samples = []
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        samples.sort()
        print(
            f"  {path:58} {statistics.median(samples):8.1f} {samples[int(0.95 * (n - 1))]:8.1f}"
        )


if __name__ == "__main__":
    main()
