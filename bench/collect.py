"""The collector under load, end to end over real HTTP: uvicorn on 127.0.0.1, SQLite.

Starts `tandem serve`'s app in uvicorn (1 or more worker processes), sends beacons
(text/plain, as the snippet does) from concurrent keep-alive connections for a fixed time,
then stops the server, ships the outbox to DuckDB and checks that every accepted event is
stored (count in = count stored). Prints requests/s, events/s accepted and latency
percentiles.

The load generator is a plain asyncio HTTP/1.1 client (one prepared request, a parsed
status line and Content-Length), in one or more processes: it shares the machine's cores
with the server, so it has to cost as little as possible. With --ship, `tandem worker`
moves the outbox to DuckDB during the run, as `tandem serve` does in production.

Usage: python bench/collect.py [--seconds 10] [--connections 16] [--events 1]
                               [--workers 1] [--clients 1] [--ship]
Loopback only and bounded in time; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import httpx

from tandem.accounts import actions
from tandem.connectors.sandbox.process import free_port
from tandem.core import SystemClock
from tandem.measure import create_site, ship_events, store
from tandem.settings import Settings
from tandem.storage import Warehouse, create_database, upgrade

AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
Result = tuple[
    int, int, list[float]
]  # events accepted, requests pushed back, latencies


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


def environment(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TANDEM_DATA_DIR": str(data_dir),
        "TANDEM_SECRET_KEY": "b" * 48,
        "TANDEM_LOG_LEVEL": "WARNING",
        # No worker ships during the run (the bench ships afterwards), so the outbox only
        # grows: the default limit (100,000) would push back long runs of batches.
        "TANDEM_COLLECT_MAX_BACKLOG": "50000000",
    }


def start_worker(data_dir: Path) -> subprocess.Popen[bytes]:
    """`tandem worker`: ships the outbox to DuckDB while the load runs."""
    command = [sys.executable, "-m", "tandem", "worker"]
    return subprocess.Popen(command, env=environment(data_dir))


def start_server(data_dir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = environment(data_dir)
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
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    server = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/t.js").status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def _request(port: int, key: str, client: int, n: int, i: int, batch: int) -> bytes:
    events = [
        {"type": "pageview", "url": f"https://shop.test/p/{client}/{n}/{i}/{j}"}
        for j in range(batch)
    ]
    body = json.dumps({"site": key, "events": events}).encode()
    head = (
        f"POST /c HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: text/plain;charset=UTF-8\r\nUser-Agent: {AGENT}\r\n"
        f"Origin: https://shop.test\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _connection(
    port: int, key: str, client: int, n: int, batch: int, deadline: float
) -> Result:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    accepted = pushed_back = 0
    latencies: list[float] = []
    i = 0
    while time.monotonic() < deadline:
        i += 1
        request = _request(port, key, client, n, i, batch)
        started = time.perf_counter()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        retry_after = "1"
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"retry-after":
                retry_after = value.strip().decode()
        body = await reader.readexactly(length)
        latencies.append(time.perf_counter() - started)
        status = int(head.split(b" ", 2)[1])
        if status == 202:
            accepted += json.loads(body)["stored"]
        elif status in (429, 503):
            pushed_back += 1
            writer.close()  # the server closes connections idle longer than 5 s
            await asyncio.sleep(float(retry_after))
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        else:
            raise SystemExit(f"unexpected {status}: {body!r}")
    writer.close()
    return accepted, pushed_back, latencies


async def _client(
    port: int, key: str, client: int, connections: int, batch: int, deadline: float
) -> Result:
    results = await asyncio.gather(
        *(
            _connection(port, key, client, n, batch, deadline)
            for n in range(connections)
        )
    )
    return (
        sum(r[0] for r in results),
        sum(r[1] for r in results),
        [latency for r in results for latency in r[2]],
    )


def _client_process(
    args: tuple[int, str, int, int, int, float],
    ready: Barrier | None = None,
    results: Queue[Result] | None = None,
) -> Result:
    """One load process; with `ready`, it starts when every process has started."""
    port, key, client, connections, batch, seconds = args
    if ready is not None:
        ready.wait()
    deadline = time.monotonic() + seconds
    result = asyncio.run(_client(port, key, client, connections, batch, deadline))
    if results is not None:
        results.put(result)
    return result


def load(
    port: int, key: str, seconds: float, connections: int, batch: int, clients: int
) -> tuple[Result, float]:
    """`connections` split over `clients` processes, each an asyncio loop; the result and
    the seconds from the moment every process was ready to the last one's end."""
    shares = [
        connections // clients + (c < connections % clients) for c in range(clients)
    ]
    jobs = [(port, key, c, shares[c], batch, seconds) for c in range(clients)]
    if clients == 1:
        started = time.monotonic()
        results = [_client_process(jobs[0])]
        return results[0], time.monotonic() - started
    context = multiprocessing.get_context("spawn")
    ready = context.Barrier(clients + 1)
    queue: Queue[Result] = context.Queue()
    processes = [
        context.Process(target=_client_process, args=(job, ready, queue))
        for job in jobs
    ]
    for process in processes:
        process.start()
    ready.wait()  # the processes spawn (and import) before the clock starts
    started = time.monotonic()
    results = [queue.get(timeout=seconds + 60) for _ in processes]
    elapsed = time.monotonic() - started
    for process in processes:
        process.join()
    return (
        (
            sum(r[0] for r in results),
            sum(r[1] for r in results),
            [latency for r in results for latency in r[2]],
        ),
        elapsed,
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its descendants (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(int(child)) for child in children)


def own_cpu_seconds() -> float:
    """This process and its ended children (the load processes; not the live server)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--events", type=int, default=1, help="events per request")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn processes")
    parser.add_argument("--clients", type=int, default=1, help="load processes")
    parser.add_argument(
        "--ship",
        action="store_true",
        help="run `tandem worker` during the load, shipping to DuckDB as it goes",
    )
    args = parser.parse_args()
    if not 0 < args.seconds <= 300:
        raise SystemExit("--seconds: give 1 to 300 (the run is bounded)")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        settings = Settings(data_dir=data_dir, secret_key="b" * 48)  # type: ignore[arg-type]
        url = settings.database
        key = seed(url)
        port = free_port()
        server = start_server(data_dir, port, args.workers)
        worker = start_worker(data_dir) if args.ship else None
        try:
            server_cpu = cpu_seconds(server.pid)
            client_cpu = own_cpu_seconds()
            (accepted, pushed_back, latencies), elapsed = load(
                port, key, args.seconds, args.connections, args.events, args.clients
            )
            server_cpu = cpu_seconds(server.pid) - server_cpu
            client_cpu = own_cpu_seconds() - client_cpu
        finally:
            for process in (server, worker):
                if process is not None:
                    process.terminate()
                    process.wait(timeout=60)
        database = create_database(url)
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
    print(
        f"{args.workers} worker(s), {args.clients} client process(es), "
        f"{args.connections} connections, {args.events} event(s) per request, "
        f"{elapsed:.1f} s, SQLite{', worker shipping' if args.ship else ''}"
    )
    print(
        f"requests: {requests} ({requests / elapsed:,.0f}/s), pushed back: {pushed_back}"
    )
    print(f"events accepted: {accepted} ({accepted / elapsed:,.0f} events/s)")
    print(
        f"latency ms: p50 {percentile(latencies, 50) * 1000:.1f}  "
        f"p95 {percentile(latencies, 95) * 1000:.1f}  "
        f"p99 {percentile(latencies, 99) * 1000:.1f}  max {max(latencies) * 1000:.1f}"
    )
    if server_cpu or client_cpu:
        print(
            f"CPU during the run: server {server_cpu / elapsed:.0%} of a core, "
            f"load generator {client_cpu / elapsed:.0%} (2 cores = 200%)"
        )
    print(f"outbox after the run: {waiting}; shipped to DuckDB in {shipped_in:.2f} s")
    print(f"stored in the warehouse: {stored} (lost: {accepted - stored})")
    if stored != accepted:
        raise SystemExit("events were lost")


if __name__ == "__main__":
    main()
