"""Journeys and the path table: the same SQL on DuckDB (the warehouse) and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tandem.measure import (
    PathRow,
    SqlRunner,
    journeys,
    path_frame,
    path_table,
)
from tandem.storage.warehouse import EventType, WarehouseEvent
from tests.integration.warehouse_engines import engine_runner

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
WS = "ws-acme"
DAY = timedelta(days=1)
_n = 0


def ev(
    kind: EventType,
    at: datetime,
    *,
    visitor=None,
    contact=None,
    channel=None,
    value=None,
    workspace=WS,
) -> WarehouseEvent:
    global _n
    _n += 1
    return WarehouseEvent(
        event_id=f"e{_n:05d}",
        workspace_id=workspace,
        type=kind,
        occurred_at=at,
        received_at=at,
        visitor_id=visitor,
        contact_id=contact,
        channel=channel,
        value=value,
        currency="EUR" if value is not None else None,
    )


PV, CONV, CUSTOM, CLICK = (
    EventType.PAGEVIEW,
    EventType.CONVERSION,
    EventType.CUSTOM,
    EventType.CLICK,
)


def scenario() -> list[WarehouseEvent]:
    return [
        # A: two touches, then a purchase.
        ev(PV, T0 - 3 * DAY, visitor="vA", channel="Organic Social"),
        ev(PV, T0 - 3 * DAY + timedelta(minutes=1), visitor="vA"),  # inside the site
        ev(PV, T0 - DAY, visitor="vA", channel="Email"),
        ev(CONV, T0, visitor="vA", value=100.0),
        # B: two devices, each identified as the same contact; converts server-side.
        ev(PV, T0 - 2 * DAY, visitor="vB1", channel="Paid Search"),
        ev(CUSTOM, T0 - 2 * DAY + timedelta(hours=1), visitor="vB1", contact="cB"),
        ev(PV, T0 - DAY, visitor="vB2", channel="Email"),
        ev(CUSTOM, T0 - DAY + timedelta(hours=1), visitor="vB2", contact="cB"),
        ev(CONV, T0, contact="cB", value=50.0),
        # C: a touch outside the 30-day lookback, one inside; then a new open journey.
        ev(PV, T0 - 35 * DAY, visitor="vC", channel="Direct"),
        ev(PV, T0 - 5 * DAY, visitor="vC", channel="Referral"),
        ev(CONV, T0, visitor="vC", value=25.0),
        ev(PV, T0 + timedelta(hours=1), visitor="vC", channel="Organic Search"),
        # D: never converts.
        ev(PV, T0 - 2 * DAY, visitor="vD", channel="Organic Social"),
        # E: converts twice; each conversion owns the touches since the previous one.
        ev(PV, T0 - 3 * DAY, visitor="vE", channel="Email"),
        ev(CONV, T0 - 2 * DAY, visitor="vE", value=10.0),
        ev(PV, T0 - DAY, visitor="vE", channel="Email"),
        ev(CONV, T0, visitor="vE", value=20.0),
        # Noise: a tracked-link click (no visitor) and another workspace's journey.
        ev(CLICK, T0 - DAY, channel="Organic Social"),
        ev(PV, T0 - DAY, visitor="vA", channel="Display", workspace="ws-beta"),
        ev(CONV, T0, visitor="vA", value=999.0, workspace="ws-beta"),
    ]


EXPECTED = [
    PathRow("Email", 2, 30.0, 0),
    PathRow("Organic Social > Email", 1, 100.0, 0),
    PathRow("Paid Search > Email", 1, 50.0, 0),
    PathRow("Referral", 1, 25.0, 0),
    PathRow("Organic Search", 0, 0.0, 1),
    PathRow("Organic Social", 0, 0.0, 1),
]


@pytest.fixture(params=["duckdb", "postgres"])
def runner(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlRunner]:
    with engine_runner(request.param, tmp_path, scenario()) as opened:
        yield opened


def test_the_path_table_is_exact_on_every_engine(runner):
    rows = path_table(runner, workspace_id=WS, since=T0 - 10 * DAY, until=T0 + DAY)
    assert rows == EXPECTED


def test_identified_visitors_join_the_contacts_journey(runner):
    found = journeys(runner, workspace_id=WS, since=T0 - 10 * DAY, until=T0 + DAY)
    b = [j for j in found if j.person == "cB"]
    assert len(b) == 1
    assert b[0].converted and b[0].value == 50.0
    assert [t.channel for t in b[0].touches] == ["Paid Search", "Email"]
    assert [t.at for t in b[0].touches] == [T0 - 2 * DAY, T0 - DAY]
    assert b[0].ends_at == T0


def test_a_shorter_lookback_drops_older_touches(runner):
    rows = path_table(
        runner,
        workspace_id=WS,
        since=T0 - 10 * DAY,
        until=T0 + DAY,
        lookback=timedelta(days=2),
    )
    paths = {r.path: r.total_conversions for r in rows}
    assert paths["Email"] == 3  # A lost its Organic Social touch (3 days before)
    assert "Referral" not in paths  # C's only touch was 5 days before


def test_conversions_before_the_window_are_left_out(runner):
    rows = path_table(runner, workspace_id=WS, since=T0 + DAY, until=T0 + 2 * DAY)
    assert rows == []


def test_the_path_frame_has_channel_attribution_columns():
    frame = path_frame(EXPECTED)
    assert list(frame.columns) == [
        "path",
        "total_conversions",
        "total_conversion_value",
        "total_null",
    ]
    assert frame["total_conversions"].sum() == 5
