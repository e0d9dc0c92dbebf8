"""The collector under load, end to end over real HTTP: uvicorn on 127.0.0.1, SQLite.

Starts `tandem serve`'s app in its own uvicorn process, sends beacons (text/plain, as the
snippet does) from concurrent connections for a fixed time, then stops the server, ships
the outbox to DuckDB and checks that every accepted event is stored (count in = count
stored). Prints events/s accepted and request latency percentiles.

Usage: python bench/collect.py [seconds] [connections] [events per request]
Loopback only and bounded in time; nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tandem.accounts import actions
from tandem.connectors.sandbox.process import free_port
from tandem.core import SystemClock
from tandem.measure import create_site, ship_events, store
from tandem.settings import Settings
from tandem.storage import Warehouse, create_database, upgrade

AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def seed(url: str) -> str:
    database = create_database(url)
    upgrade(database)
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
        site = create_site(
            s, workspace_id=ws.id, name="Shop", domains=["shop.test"], clock=clock
        )
    database.dispose()
    return site.key


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "TANDEM_DATA_DIR": str(data_dir),
        "TANDEM_SECRET_KEY": "b" * 48,
        "TANDEM_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "tandem.web.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    server = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/t.js").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


async def load(
    port: int, key: str, seconds: float, connections: int, batch: int
) -> tuple[int, int, list[float]]:
    """Returns (events accepted, requests pushed back, latencies in seconds)."""
    url = f"http://127.0.0.1:{port}/c"
    headers = {
        "content-type": "text/plain;charset=UTF-8",
        "user-agent": AGENT,
        "origin": "https://shop.test",
    }
    accepted = 0
    pushed_back = 0
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def one(client: httpx.AsyncClient, n: int) -> None:
        nonlocal accepted, pushed_back
        i = 0
        while time.monotonic() < deadline:
            i += 1
            events = [
                {"type": "pageview", "url": f"https://shop.test/p/{n}/{i}/{j}"}
                for j in range(batch)
            ]
            body = json.dumps({"site": key, "events": events})
            started = time.perf_counter()
            response = await client.post(url, content=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            if response.status_code == 202:
                accepted += response.json()["stored"]
            elif response.status_code in (429, 503):
                pushed_back += 1
                await asyncio.sleep(float(response.headers.get("retry-after", "1")))
            else:
                raise SystemExit(f"unexpected {response.status_code}: {response.text}")

    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await asyncio.gather(*(one(client, n) for n in range(connections)))
    return accepted, pushed_back, latencies


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    connections = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        settings = Settings(data_dir=data_dir, secret_key="b" * 48)  # type: ignore[arg-type]
        key = seed(settings.database)
        port = free_port()
        server = start_server(data_dir, port)
        try:
            started = time.monotonic()
            accepted, pushed_back, latencies = asyncio.run(
                load(port, key, seconds, connections, batch)
            )
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
        database = create_database(settings.database)
        with database.session() as s:
            waiting = store.backlog(s)
        shipping_started = time.monotonic()
        with Warehouse(settings.warehouse_path) as warehouse:
            while True:
                with database.session() as s:
                    if not ship_events(s, warehouse, now=SystemClock().now()):
                        break
            shipped_in = time.monotonic() - shipping_started
            stored = warehouse.count()
        database.dispose()
    requests = len(latencies)
    print(f"{connections} connections, {batch} event(s) per request, {elapsed:.1f} s")
    print(
        f"requests: {requests} ({requests / elapsed:,.0f}/s), pushed back: {pushed_back}"
    )
    print(f"events accepted: {accepted} ({accepted / elapsed:,.0f} events/s)")
    print(
        f"latency ms: p50 {percentile(latencies, 50) * 1000:.1f}  p95 {percentile(latencies, 95) * 1000:.1f}  p99 {percentile(latencies, 99) * 1000:.1f}  max {max(latencies) * 1000:.1f}"
    )
    print(f"outbox after the run: {waiting}; shipped to DuckDB in {shipped_in:.2f} s")
    print(f"stored in the warehouse: {stored} (lost: {accepted - stored})")
    if stored != accepted:
        raise SystemExit("events were lost")


if __name__ == "__main__":
    main()
