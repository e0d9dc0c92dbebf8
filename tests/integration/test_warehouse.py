"""The DuckDB event warehouse: batched appends, idempotency, batch writer, persistence."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tandem.storage.warehouse import (
    SCHEMA_VERSION,
    BatchWriter,
    EventType,
    Warehouse,
    WarehouseError,
    WarehouseEvent,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
TYPES = list(EventType)


def make_events(
    n: int, *, start: int = 0, workspace: str | None = None
) -> list[WarehouseEvent]:
    return [
        WarehouseEvent(
            event_id=f"ev-{i:08d}",
            workspace_id=workspace or f"ws-{i % 3}",
            type=TYPES[i % len(TYPES)],
            occurred_at=T0 + timedelta(seconds=i),
            received_at=T0 + timedelta(seconds=i, milliseconds=250),
            visitor_id=f"visitor-{i % 97}",
            contact_id=f"contact-{i % 13}" if i % 4 == 0 else None,
            session_id=f"session-{i // 10}",
            channel="social",
            source="mastodon",
            medium="social",
            campaign="launch",
            content=f"variant-{i % 2}",
            term=None,
            url=f"https://acme.test/p/{i}",
            referrer="https://social.test/",
            value=float(i) / 2 if i % 5 == 0 else None,
            currency="EUR" if i % 5 == 0 else None,
            properties={"n": i, "tags": ["a", "b"]} if i % 2 else {},
        )
        for i in range(start, start + n)
    ]


@pytest.fixture
def warehouse(tmp_path: Path) -> Iterator[Warehouse]:
    with Warehouse(tmp_path / "warehouse.duckdb") as opened:
        yield opened


def test_it_appends_ten_thousand_events_in_batches(warehouse: Warehouse) -> None:
    events = make_events(10_000)
    added = sum(
        warehouse.append(events[i : i + 1_000]) for i in range(0, 10_000, 1_000)
    )

    assert added == 10_000
    assert warehouse.count() == 10_000
    assert warehouse.query("SELECT count(DISTINCT event_id) FROM events") == [(10_000,)]


def test_it_ignores_event_ids_it_already_stored(warehouse: Warehouse) -> None:
    events = make_events(500)
    warehouse.append(events)

    again = warehouse.append(events[:200] + make_events(50, start=500))
    within_one_batch = warehouse.append(make_events(3, start=900) * 2)

    assert again == 50
    assert within_one_batch == 3
    assert warehouse.count() == 553


def test_it_counts_per_workspace(warehouse: Warehouse) -> None:
    warehouse.append(
        make_events(30, workspace="acme") + make_events(12, start=100, workspace="beta")
    )

    assert warehouse.count("acme") == 30
    assert warehouse.count("beta") == 12
    assert warehouse.count("nobody") == 0
    assert warehouse.count() == 42


def test_it_stores_every_field_as_given(warehouse: Warehouse) -> None:
    paris = timezone(timedelta(hours=1))
    event = WarehouseEvent(
        event_id="e1",
        workspace_id="acme",
        type=EventType.CONVERSION,
        occurred_at=datetime(2026, 11, 2, 10, 30, tzinfo=paris),
        received_at=T0,
        visitor_id="v",
        contact_id="c",
        session_id="s",
        channel="email",
        source="newsletter",
        medium="email",
        campaign="launch",
        content="hero",
        term="shoes",
        url="https://acme.test/buy",
        referrer="https://mail.test/",
        value=49.9,
        currency="EUR",
        properties={"order": "A-1", "items": [1, 2]},
    )
    warehouse.append([event])

    rows = warehouse.query(
        "SELECT type, occurred_at, value, currency, properties->>'order', properties->'items' "
        "FROM events WHERE event_id = ?",
        ["e1"],
    )
    assert rows == [
        ("conversion", T0 + timedelta(minutes=30), 49.9, "EUR", "A-1", "[1,2]")
    ]
    assert rows[0][1].utcoffset() == timedelta(0)


def test_readers_get_utc_whatever_the_host_time_zone(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with Warehouse(path) as writer:
        assert writer.query("SELECT current_setting('TimeZone')") == [("UTC",)]
    with Warehouse(path, read_only=True) as reader:
        assert reader.query("SELECT current_setting('TimeZone')") == [("UTC",)]


def test_it_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="aware"):
        WarehouseEvent("e", "w", EventType.CLICK, datetime(2026, 1, 1), T0)  # noqa: DTZ001


def test_a_failed_batch_leaves_nothing_behind(warehouse: Warehouse) -> None:
    bad = make_events(10)
    bad[7] = WarehouseEvent("bad", "w", "refund", T0, T0)  # type: ignore[arg-type]

    with pytest.raises(ValueError, match="refund"):
        warehouse.append(bad)
    assert warehouse.count() == 0


def test_data_survives_closing_and_reopening(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with Warehouse(path) as first:
        first.append(make_events(1_234))
        first.checkpoint()

    with Warehouse(path) as again:
        assert again.count() == 1_234
        assert again.schema_version == SCHEMA_VERSION
        assert again.query("SELECT max(version) FROM warehouse_schema") == [
            (SCHEMA_VERSION,)
        ]
    with Warehouse(path, read_only=True) as reader:
        assert reader.count() == 1_234


def test_it_refuses_a_warehouse_from_a_newer_tandem(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with Warehouse(path) as first:
        first.connection.execute("INSERT INTO warehouse_schema VALUES (?, ?)", [99, T0])

    with pytest.raises(WarehouseError, match="newer"):
        Warehouse(path)


def test_reads_run_while_another_thread_appends(warehouse: Warehouse) -> None:
    counts: list[int] = []
    writer = threading.Thread(target=lambda: warehouse.append(make_events(20_000)))
    writer.start()
    while writer.is_alive():
        counts.append(warehouse.count())
    writer.join()

    assert set(counts) <= {0, 20_000}  # a batch is visible whole or not at all
    assert warehouse.count() == 20_000


def test_the_batch_writer_flushes_every_n_events(warehouse: Warehouse) -> None:
    with BatchWriter(warehouse, max_events=100, max_seconds=60) as writer:
        writer.extend(make_events(250))
        deadline = time.monotonic() + 5
        while warehouse.count() < 200 and time.monotonic() < deadline:
            time.sleep(0.01)

        assert warehouse.count() >= 200  # full batches went out without waiting 60 s
        assert writer.pending < 100


def test_the_batch_writer_flushes_after_t_seconds(warehouse: Warehouse) -> None:
    with BatchWriter(warehouse, max_events=10_000, max_seconds=0.05) as writer:
        writer.extend(make_events(7))
        deadline = time.monotonic() + 5
        while warehouse.count() < 7 and time.monotonic() < deadline:
            time.sleep(0.01)

        assert warehouse.count() == 7
        assert writer.pending == 0


def test_the_batch_writer_flushes_on_close(warehouse: Warehouse) -> None:
    writer = BatchWriter(warehouse, max_events=10_000, max_seconds=3600)
    for event in make_events(42):
        writer.add(event)
    assert warehouse.count() == 0

    writer.close()

    assert warehouse.count() == 42
    with pytest.raises(WarehouseError, match="closed"):
        writer.add(make_events(1, start=99)[0])


def test_the_batch_writer_keeps_a_failed_batch_for_the_next_flush(
    warehouse: Warehouse,
) -> None:
    writer = BatchWriter(warehouse, max_events=10_000, max_seconds=3600)
    writer.extend(make_events(5))
    warehouse.connection.execute("ALTER TABLE events RENAME TO events_away")

    with pytest.raises(Exception, match="events"):
        writer.flush()
    assert writer.pending == 5

    warehouse.connection.execute("ALTER TABLE events_away RENAME TO events")
    writer.close()
    assert warehouse.count() == 5
