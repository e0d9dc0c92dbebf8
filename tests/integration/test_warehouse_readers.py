"""Readers and a writer in another process share the warehouse file: the writer holds it
only per batch append, readers open it read-only and wait briefly, nobody sees "busy"."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tandem.storage.warehouse import EventType, Warehouse, WarehouseBusy, WarehouseEvent
from tandem.storage.warehouse_open import open_for_reading, open_for_writing

T0 = datetime(2026, 11, 1, tzinfo=UTC)

# A stand-in for `tandem worker` shipping: append_briefly, a batch every 50 ms for `seconds`.
WRITER = """
import json, sys, time
from datetime import UTC, datetime
from pathlib import Path
from tandem.storage.warehouse import EventType, WarehouseEvent
from tandem.storage.warehouse_open import append_briefly
path, seconds, batch = Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
at = datetime(2026, 11, 1, tzinfo=UTC)
n, end = 0, time.monotonic() + seconds
print("started", flush=True)
while time.monotonic() < end:
    n += append_briefly(path, [WarehouseEvent(f"w{n + i}", "ws", EventType.PAGEVIEW, at, at,
                                              visitor_id="v", channel="Email")
                               for i in range(batch)])
    time.sleep(0.05)
print(json.dumps({"appended": n}), flush=True)
"""


def writer_process(
    path: Path, seconds: float, batch: int = 500
) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(seconds), str(batch)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "started"
    return proc


def _seed(path: Path, n: int = 10) -> None:
    with Warehouse(path) as warehouse:
        warehouse.append([WarehouseEvent(f"s{i}", "ws", EventType.PAGEVIEW, T0, T0)
                          for i in range(n)])  # fmt: skip


def test_readers_see_the_writers_batches_arrive_and_never_busy(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    _seed(path)
    with Warehouse(
        path
    ):  # held open for writing, as the ship job used to for a whole run
        other = subprocess.run(
            [sys.executable, "-c", "import sys, pathlib; from tandem.storage.warehouse "
             "import Warehouse; Warehouse(pathlib.Path(sys.argv[1]), read_only=True)",
             str(path)],
            capture_output=True, text=True,
        )  # fmt: skip
    assert other.returncode != 0 and "WarehouseBusy" in other.stderr
    proc = writer_process(path, seconds=3.0)
    seen: list[int] = []
    while proc.poll() is None:
        with open_for_reading(path, patience=5.0) as warehouse:
            seen.append(warehouse.count())
    out, _ = proc.communicate(timeout=30)
    appended = json.loads(out.strip().splitlines()[-1])["appended"]
    assert proc.returncode == 0 and appended >= 500
    assert seen == sorted(seen)  # batches arrive whole and in order
    assert any(10 < n < 10 + appended for n in seen), seen  # read while it was writing
    with open_for_reading(path) as warehouse:
        assert warehouse.count() == 10 + appended


def test_a_reader_in_the_writers_own_process_shares_its_connection(
    tmp_path: Path,
) -> None:
    # `tandem serve` runs the worker in a thread: DuckDB refuses a read-only connection in
    # a process holding the file read-write, so the reader uses the same mode.
    path = tmp_path / "warehouse.duckdb"
    _seed(path)
    with Warehouse(path) as held, open_for_reading(path, patience=1.0) as reader:
        held.append([WarehouseEvent("x", "ws", EventType.PAGEVIEW, T0, T0)])
        assert reader.count() == 11


def test_a_reader_gives_up_with_busy_after_its_patience(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    _seed(path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from tandem.storage.warehouse import Warehouse; w = Warehouse(Path(sys.argv[1])); "
         "print('held', flush=True); time.sleep(30)", str(path)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(WarehouseBusy) as busy:
            open_for_reading(path, patience=0.5)
        assert busy.value.status == 503 and "Try again" in busy.value.message
        with pytest.raises(WarehouseBusy):
            open_for_writing(path, patience=0.2)
        assert not path.with_name(path.name + ".writer-waiting").exists()
    finally:
        holder.kill()
        holder.wait()
