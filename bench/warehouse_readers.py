"""Pages reading the warehouse while a separate worker process ships events into it.

A writer process appends a batch every `interval` seconds the way the ship jobs do
(`append_briefly`: open, append, close), at `rate` events/s, for `seconds`. Meanwhile this
process reads like a measure page: `open_for_reading`, then the journeys path table of one
workspace, then close. Prints how long readers waited to open the file (p50/p95/max), the
page time, reads that gave up (WarehouseBusy), and how long the writer held the file.

Usage: python bench/warehouse_readers.py [seconds] [rate] [interval] [seed events]
Local files only, bounded in time.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tandem.measure import DuckDBRunner, path_table
from tandem.storage.warehouse import EventType, Warehouse, WarehouseBusy, WarehouseEvent
from tandem.storage.warehouse_open import open_for_reading, open_for_writing

T0 = datetime(2026, 11, 1, tzinfo=UTC)
CHANNELS = ("Email", "Organic Social", "Paid Search", "Direct", "Referral")


def events(start: int, n: int) -> list[WarehouseEvent]:
    out = []
    for i in range(start, start + n):
        at = T0 + timedelta(seconds=i % 2_000_000)
        kind = EventType.CONVERSION if i % 20 == 0 else EventType.PAGEVIEW
        out.append(
            WarehouseEvent(
                event_id=f"e{i}", workspace_id="ws", type=kind, occurred_at=at,
                received_at=at, visitor_id=f"v{i % 5000}",
                channel=None if kind == EventType.CONVERSION else CHANNELS[i % 5],
                value=10.0 if kind == EventType.CONVERSION else None,
            )
        )  # fmt: skip
    return out


def writer(path: Path, seconds: float, rate: int, interval: float, start: int) -> None:
    """What append_briefly does, timed: the wait for readers, then the hold."""
    holds: list[float] = []
    waits: list[float] = []
    end = time.monotonic() + seconds
    n = start
    while time.monotonic() < end:
        batch = events(n, int(rate * interval))
        began = time.monotonic()
        with open_for_writing(path) as warehouse:
            opened = time.monotonic()
            warehouse.append(batch)
        holds.append(time.monotonic() - opened)
        waits.append(opened - began)
        n += len(batch)
        time.sleep(max(0.0, interval - (time.monotonic() - began)))
    print(json.dumps({"batches": len(holds), "events": n - start, "holds": holds,
                      "waits": waits}))  # fmt: skip


def _pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20
    rate = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "warehouse.duckdb"
        with Warehouse(path) as warehouse:
            warehouse.append(events(0, seed))
        proc = subprocess.Popen(
            [sys.executable, __file__, "--writer", str(path), str(seconds), str(rate),
             str(interval), str(seed)],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        waits: list[float] = []
        pages: list[float] = []
        busy = 0
        time.sleep(0.2)
        while proc.poll() is None:
            began = time.monotonic()
            try:
                with open_for_reading(path) as warehouse:
                    opened = time.monotonic()
                    path_table(DuckDBRunner(warehouse), workspace_id="ws",
                               since=T0, until=T0 + timedelta(days=30))  # fmt: skip
            except WarehouseBusy:
                busy += 1
                continue
            waits.append(opened - began)
            pages.append(time.monotonic() - began)
        out, _ = proc.communicate()
        wrote = json.loads(out.strip().splitlines()[-1])
    holds, wwaits = wrote["holds"], wrote["waits"]
    print(f"writer: {wrote['batches']} batches, {wrote['events']} events in {seconds:g} s "
          f"({rate} events/s, a batch every {interval:g} s); file held per batch "
          f"p50 {statistics.median(holds) * 1000:.0f} ms, max {max(holds) * 1000:.0f} ms; "
          f"waited for readers p50 {statistics.median(wwaits) * 1000:.0f} ms, "
          f"max {max(wwaits) * 1000:.0f} ms")  # fmt: skip
    print(f"readers: {len(waits)} page reads, {busy} gave up (busy); wait to open "
          f"p50 {statistics.median(waits) * 1000:.1f} ms, p95 {_pct(waits, 0.95) * 1000:.1f} ms, "
          f"max {max(waits) * 1000:.1f} ms; page p50 {statistics.median(pages) * 1000:.0f} ms, "
          f"p95 {_pct(pages, 0.95) * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--writer":
        writer(Path(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]),
               float(sys.argv[5]), int(sys.argv[6]))  # fmt: skip
    else:
        main()
