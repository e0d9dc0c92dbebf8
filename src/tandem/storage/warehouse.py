"""The event warehouse: one DuckDB file in the data directory, one writer per process.

Events arrive in batches (the collector stores them durably first), so `append` is built for
throughput: one INSERT per batch from column lists, not one statement per row. DuckDB runs
`executemany` as one prepared statement per row (about 300 events/s here), while UNNEST over
list parameters inserts tens of thousands per second without pandas or Arrow.

DuckDB lets one process open a file for writing; a second process cannot open it at all, not
even read-only, while the first holds it (and one process cannot hold it both read-only and
read-write). So nobody holds it long: the writer (the ship job) opens it for each batch
append only (`append_briefly`), readers open it read-only for one page (`open_for_reading`),
and both retry with back-off while the other holds it. `WarehouseBusy` reports a wait
that ran out of patience; docs/measure.md has the waits measured under load.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import duckdb

from tandem.core import TandemError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

# Each version is applied once, in order, inside one transaction; never edit a shipped step.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """
        CREATE TABLE events (
            event_id VARCHAR PRIMARY KEY,
            workspace_id VARCHAR NOT NULL,
            type VARCHAR NOT NULL,  -- EventType; no CHECK: DuckDB cannot alter one later
            occurred_at TIMESTAMPTZ NOT NULL,
            received_at TIMESTAMPTZ NOT NULL,
            visitor_id VARCHAR,
            contact_id VARCHAR,
            session_id VARCHAR,
            channel VARCHAR,
            source VARCHAR,
            medium VARCHAR,
            campaign VARCHAR,
            content VARCHAR,
            term VARCHAR,
            url VARCHAR,
            referrer VARCHAR,
            value DOUBLE,
            currency VARCHAR,
            properties JSON
        )
        """,
        # No secondary indexes: DuckDB's zone maps serve range scans, and every ART index
        # slows the batched appends the collector depends on.
    ),
}


class EventType(StrEnum):
    PAGEVIEW = "pageview"
    CLICK = "click"
    CONVERSION = "conversion"
    EMAIL = "email"
    CUSTOM = "custom"


class WarehouseError(TandemError):
    """The warehouse cannot be used; the message says why and what to do."""


class WarehouseBusy(WarehouseError):
    """Another process holds the warehouse file (DuckDB allows one writing process)."""

    status = 503


class WarehouseHeldHere(WarehouseBusy):
    """This process holds the file with the other mode (read-only vs read-write)."""


@dataclass(frozen=True, slots=True)
class WarehouseEvent:
    event_id: str
    workspace_id: str
    type: EventType
    occurred_at: datetime
    received_at: datetime
    visitor_id: str | None = None
    contact_id: str | None = None
    session_id: str | None = None
    channel: str | None = None
    source: str | None = None
    medium: str | None = None
    campaign: str | None = None
    content: str | None = None
    term: str | None = None
    url: str | None = None
    referrer: str | None = None
    value: float | None = None
    currency: str | None = None
    properties: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None or self.received_at.tzinfo is None:
            raise ValueError("warehouse events need aware UTC datetimes")


# Column order of the events table, with the DuckDB list type each UNNEST parameter is cast to.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("event_id", "VARCHAR"),
    ("workspace_id", "VARCHAR"),
    ("type", "VARCHAR"),
    ("occurred_at", "TIMESTAMPTZ"),
    ("received_at", "TIMESTAMPTZ"),
    ("visitor_id", "VARCHAR"),
    ("contact_id", "VARCHAR"),
    ("session_id", "VARCHAR"),
    ("channel", "VARCHAR"),
    ("source", "VARCHAR"),
    ("medium", "VARCHAR"),
    ("campaign", "VARCHAR"),
    ("content", "VARCHAR"),
    ("term", "VARCHAR"),
    ("url", "VARCHAR"),
    ("referrer", "VARCHAR"),
    ("value", "DOUBLE"),
    ("currency", "VARCHAR"),
    ("properties", "JSON"),
)
_INSERT = (
    f"INSERT OR IGNORE INTO events ({', '.join(name for name, _ in COLUMNS)}) SELECT "
    + ", ".join(
        f"UNNEST(${i}::{kind}[])" for i, (_, kind) in enumerate(COLUMNS, start=1)
    )
)
# Bounds the size of the list parameters handed to DuckDB in one statement.
CHUNK = 20_000


_encode_json = json.JSONEncoder(separators=(",", ":")).encode


def _columns(events: Sequence[WarehouseEvent]) -> list[list[Any]]:
    """Column lists for one INSERT; repeats of an event_id after the first are dropped.

    Built column by column: DuckDB converts each Python value on its own, so the cost is per
    value either way, and this avoids building a tuple per row first.
    """
    unique: dict[str, WarehouseEvent] = {}
    for event in events:
        unique.setdefault(event.event_id, event)
    rows = unique.values()
    columns: list[list[Any]] = []
    for name, _ in COLUMNS:
        if name == "type":
            columns.append([EventType(e.type).value for e in rows])
        elif name == "value":
            columns.append([None if e.value is None else float(e.value) for e in rows])
        elif name == "properties":
            columns.append(
                [_encode_json(e.properties) if e.properties else "{}" for e in rows]
            )
        else:
            columns.append([getattr(e, name) for e in rows])
    return columns


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        connection = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusy(
                f"The warehouse {path} is busy: another process (`tandem serve` or a "
                "worker) is writing to it. Try again in a few seconds."
            ) from exc
        raise WarehouseError(f"The warehouse {path} cannot be opened: {exc}") from exc
    except duckdb.ConnectionException as exc:
        if "different configuration" in str(exc):
            raise WarehouseHeldHere(
                f"The warehouse {path} is open in this process in the other mode."
            ) from exc
        raise WarehouseError(f"The warehouse {path} cannot be opened: {exc}") from exc
    except duckdb.Error as exc:
        raise WarehouseError(f"The warehouse {path} cannot be opened: {exc}") from exc
    # Timestamps come back, and days are cut, in UTC whatever the host's zone is. GLOBAL, so
    # the cursors readers get from this connection use it too (a plain SET is per cursor).
    connection.execute("SET GLOBAL TimeZone = 'UTC'")
    return connection


class Warehouse:
    """One DuckDB connection; writes are serialised by a lock, reads use their own cursor."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        elif not path.exists():
            raise WarehouseError(f"There is no warehouse at {path} yet.")
        self._lock = threading.Lock()
        self._connection: duckdb.DuckDBPyConnection | None = _connect(
            path, read_only=read_only
        )
        try:
            self.schema_version = self._prepare_schema()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        if self._connection is None:
            raise WarehouseError(f"The warehouse {self.path} is closed.")
        return self._connection

    def _prepare_schema(self) -> int:
        con = self.connection
        exists = con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'warehouse_schema'"
        ).fetchone()
        version = 0
        if exists and exists[0]:
            row = con.execute(
                "SELECT coalesce(max(version), 0) FROM warehouse_schema"
            ).fetchone()
            version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise WarehouseError(
                f"The warehouse {self.path} has schema version {version}, newer than this "
                f"Tandem knows ({SCHEMA_VERSION}). Upgrade Tandem."
            )
        if self.read_only and version == 0:
            raise WarehouseError(
                f"{self.path} is not a Tandem warehouse (no schema version)."
            )
        if version == SCHEMA_VERSION or self.read_only:
            return version
        with self._transaction() as cursor:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS warehouse_schema "
                "(version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)"
            )
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[step]:
                    cursor.execute(statement)
                cursor.execute(
                    "INSERT INTO warehouse_schema VALUES (?, ?)",
                    [step, datetime.now(UTC)],
                )
        return SCHEMA_VERSION

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self.connection
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def append(self, events: Sequence[WarehouseEvent]) -> int:
        """Store events in one transaction; ids already stored are skipped. Returns rows added."""
        if not events:
            return 0
        added = 0
        with self._lock, self._transaction() as con:
            for start in range(0, len(events), CHUNK):
                row = con.execute(
                    _INSERT, _columns(events[start : start + CHUNK])
                ).fetchone()
                added += int(row[0]) if row else 0
        return added

    def count(self, workspace_id: str | None = None) -> int:
        if workspace_id is None:
            rows = self.query("SELECT count(*) FROM events")
        else:
            rows = self.query(
                "SELECT count(*) FROM events WHERE workspace_id = ?", [workspace_id]
            )
        return int(rows[0][0])

    def query(
        self, sql: str, params: Sequence[Any] | None = None
    ) -> list[tuple[Any, ...]]:
        """Run a read query on its own cursor, so readers never wait for the writer's lock."""
        cursor = self.connection.cursor()
        try:
            return cursor.execute(sql, list(params or [])).fetchall()
        finally:
            cursor.close()

    def export_to(self, directory: Path) -> int:
        """Write a consistent Parquet export (DuckDB EXPORT DATABASE). Returns the event count."""
        cursor = self.connection.cursor()
        try:
            cursor.execute("BEGIN TRANSACTION")
            row = cursor.execute("SELECT count(*) FROM events").fetchone()
            cursor.execute(f"EXPORT DATABASE '{_quoted(directory)}' (FORMAT parquet)")
            cursor.execute("COMMIT")
        finally:
            cursor.close()
        return int(row[0]) if row else 0

    def checkpoint(self) -> None:
        with self._lock:
            self.connection.execute("CHECKPOINT")

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def stored_events(path: Path) -> int:
    """Events in the warehouse file at `path`; 0 when there is none yet."""
    if not path.exists():
        return 0
    with Warehouse(path, read_only=True) as warehouse:
        return warehouse.count()


def export_warehouse(
    path: Path, directory: Path, warehouse: Warehouse | None = None
) -> int | None:
    """Export the warehouse at `path` (through `warehouse` when this process holds it open).

    Returns the events exported, or None when there is no warehouse yet.
    """
    if warehouse is not None:
        return warehouse.export_to(directory)
    if not path.exists():
        return None
    with Warehouse(path, read_only=True) as opened:
        return opened.export_to(directory)


def replace_from_export(path: Path, directory: Path | None) -> int:
    """Replace the warehouse at `path` with one built from an `export_to` directory.

    None removes the warehouse (the backup had none). The new file is built beside the old
    one and renamed over it, so a failure leaves the old warehouse as it was. Nothing may
    hold the warehouse open meanwhile.
    """
    wal = Path(f"{path}.wal")
    if directory is None:
        path.unlink(missing_ok=True)
        wal.unlink(missing_ok=True)
        return 0
    building = path.with_name(path.name + ".restoring")
    for leftover in (building, Path(f"{building}.wal")):
        leftover.unlink(missing_ok=True)
    connection = _connect(building, read_only=False)
    try:
        connection.execute(f"IMPORT DATABASE '{_quoted(directory)}'")
        connection.execute("CHECKPOINT")
        row = connection.execute("SELECT count(*) FROM events").fetchone()
    finally:
        connection.close()
    wal.unlink(missing_ok=True)
    building.replace(path)
    return int(row[0]) if row else 0


class BatchWriter:
    """Buffers events and appends them every `max_events` events or `max_seconds` seconds.

    A background thread does the timed flushes. A failed append keeps the batch in the buffer
    for the next attempt (the ids make retries harmless); `close()` flushes and raises then.
    """

    def __init__(
        self,
        warehouse: Warehouse,
        *,
        max_events: int = 5_000,
        max_seconds: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.warehouse = warehouse
        self.max_events = max_events
        self.max_seconds = max_seconds
        self._monotonic = monotonic
        self._buffer: list[WarehouseEvent] = []
        self._first_at = 0.0
        self._closed = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(
            target=self._run, name="warehouse-batch-writer", daemon=True
        )
        self._thread.start()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def pending(self) -> int:
        with self._wake:
            return len(self._buffer)

    def add(self, event: WarehouseEvent) -> None:
        self.extend([event])

    def extend(self, events: Sequence[WarehouseEvent]) -> None:
        with self._wake:
            if self._closed:
                raise WarehouseError("The batch writer is closed.")
            if not self._buffer:
                self._first_at = self._monotonic()
            self._buffer.extend(events)
            # Wakes the thread on the first event too, so it starts timing the batch.
            self._wake.notify()

    def flush(self) -> int:
        """Append everything buffered now. Returns the rows added."""
        with self._wake:
            batch, self._buffer = self._buffer, []
        return self._write(batch, requeue=False)

    def close(self) -> None:
        with self._wake:
            if self._closed:
                return
            self._closed = True
            self._wake.notify()
        self._thread.join()
        self.flush()

    def _due(self) -> bool:
        if len(self._buffer) >= self.max_events:
            return True
        return (
            bool(self._buffer)
            and self._monotonic() - self._first_at >= self.max_seconds
        )

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._closed and not self._due():
                    left = self.max_seconds - (self._monotonic() - self._first_at)
                    self._wake.wait(timeout=max(left, 0.001) if self._buffer else None)
                if self._closed:
                    return
                batch, self._buffer = self._buffer, []
            self._write(batch, requeue=True)

    def _write(self, batch: list[WarehouseEvent], *, requeue: bool) -> int:
        try:
            return self.warehouse.append(batch)
        except Exception:
            if not requeue:
                with self._wake:
                    self._buffer[:0] = batch
                raise
            log.exception("warehouse append of %d events failed; retrying", len(batch))
            with self._wake:
                self._buffer[:0] = batch
                self._first_at = self._monotonic()
            return 0
