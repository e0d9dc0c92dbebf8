"""Opening the warehouse while another process may hold it: readers and the writer wait
for each other briefly, with back-off, and the writer holds the file only per append.

DuckDB gives one process the file for writing and none other any access meanwhile, and one
process cannot hold it read-only and read-write at once. Measured waits under a shipping
load: docs/measure.md ("Reading while the worker writes").
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from tandem.storage.warehouse import (
    Warehouse,
    WarehouseBusy,
    WarehouseEvent,
    WarehouseHeldHere,
)

# Readers and the writer wait this long for each other before giving up (WarehouseBusy).
PATIENCE_SECONDS = 10.0
_FIRST_WAIT, _LONGEST_WAIT = 0.01, 0.25


def _retrying(
    open_once: Callable[[], Warehouse],
    patience: float,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> Warehouse:
    """`open_once()` until it stops raising WarehouseBusy, waiting 10 ms doubling to 250 ms
    (with jitter, so two waiters do not retry in step), for at most `patience` seconds."""
    deadline = monotonic() + patience
    wait = _FIRST_WAIT
    while True:
        try:
            return open_once()
        except WarehouseBusy:
            if monotonic() + wait > deadline:
                raise
        sleep(wait * random.uniform(0.5, 1.0))
        wait = min(wait * 2, _LONGEST_WAIT)


# A writer waiting for the file leaves this marker; readers starting then step aside until
# it is gone, so a steady stream of page views cannot starve the ship job. A marker older
# than WRITER_PRIORITY_SECONDS is ignored (a writer that died).
WRITER_PRIORITY_SECONDS = 2.0


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".writer-waiting")


def _writer_waiting(path: Path) -> bool:
    try:
        age = time.time() - _marker(path).stat().st_mtime
    except FileNotFoundError:
        return False
    return age < WRITER_PRIORITY_SECONDS


def open_for_reading(path: Path, *, patience: float = PATIENCE_SECONDS) -> Warehouse:
    """The warehouse for reading while a writer may exist, in this process or another.

    Read-only, so many readers share the file; when this process holds it read-write (the
    worker thread of `tandem serve` mid-append), the same connection mode is used, since
    DuckDB refuses a second mode in one process. A warehouse not created yet is created
    empty first. Waits for a writer in another process up to `patience` seconds.
    """
    if not path.exists():
        _retrying(lambda: Warehouse(path), patience).close()

    def once() -> Warehouse:
        if _writer_waiting(path):
            raise WarehouseBusy(f"A writer is waiting for {path}.")
        try:
            return Warehouse(path, read_only=True)
        except WarehouseHeldHere:
            return Warehouse(path)

    return _retrying(once, patience)


def open_for_writing(path: Path, *, patience: float = PATIENCE_SECONDS) -> Warehouse:
    """The warehouse for writing, waiting up to `patience` seconds for readers to finish
    (new readers wait meanwhile: the writer goes first)."""
    try:
        return Warehouse(path)
    except WarehouseBusy:
        pass
    marker = _marker(path)

    def once() -> Warehouse:
        marker.touch()  # refreshed on each try: a live writer's marker never goes stale
        return Warehouse(path)

    try:
        return _retrying(once, patience)
    finally:
        marker.unlink(missing_ok=True)


def append_briefly(
    path: Path, events: Sequence[WarehouseEvent], *, patience: float = PATIENCE_SECONDS
) -> int:
    """Open the file, append one batch, close it: readers in other processes wait only for
    the append itself. Returns the rows added."""
    if not events:
        return 0
    with open_for_writing(path, patience=patience) as warehouse:
        return warehouse.append(events)


class Appender(Protocol):
    """What shipping needs of a writer: Warehouse (held open) or BriefWriter."""

    def append(self, events: Sequence[WarehouseEvent]) -> int: ...


class BriefWriter:
    """A writer that holds the warehouse file only during each `append` (append_briefly)."""

    def __init__(self, path: Path, *, patience: float = PATIENCE_SECONDS) -> None:
        self.path = path
        self.patience = patience

    def append(self, events: Sequence[WarehouseEvent]) -> int:
        return append_briefly(self.path, events, patience=self.patience)
