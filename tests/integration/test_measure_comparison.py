"""The attribution comparison: every model credits the warehouse journeys (DuckDB, PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.measure.comparison import MODELS, compare_models
from tests.integration.test_collect_journeys import DAY, T0, WS, scenario
from tests.integration.warehouse_engines import engine_runner


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_every_model_credits_all_conversions_to_the_touched_channels(
    engine: str, tmp_path: Path
):
    with engine_runner(engine, tmp_path, scenario()) as runner:
        found = compare_models(
            runner, workspace_id=WS, since=T0 - 10 * DAY, until=T0 + DAY
        )
    assert found.conversions == 5 and found.value == 205.0
    by = {c.channel: c for c in found.channels}
    assert set(by) == {
        "Organic Social",
        "Email",
        "Paid Search",
        "Referral",
        "Organic Search",
    }
    for model, _ in MODELS:
        total = sum(c.conversions.get(model, 0.0) for c in found.channels)
        assert total == pytest.approx(5.0), model
    # A's journey: Organic Social then Email (100.0). First touch gives it to Organic Social,
    # last touch to Email; linear splits it.
    assert by["Organic Social"].value["first_touch"] == pytest.approx(100.0)
    assert by["Organic Social"].value["last_touch"] == pytest.approx(0.0)
    assert by["Organic Social"].value["linear"] == pytest.approx(50.0)
    assert by["Email"].conversions["last_touch"] == pytest.approx(4.0)


def test_no_conversions_means_no_credit(tmp_path: Path):
    with engine_runner("duckdb", tmp_path, scenario()) as runner:
        found = compare_models(
            runner, workspace_id=WS, since=T0 + 2 * DAY, until=T0 + 3 * DAY
        )
    assert found.channels == () and found.conversions == 0
