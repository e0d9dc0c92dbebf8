"""Experiments: stored per workspace (both databases), counted from warehouse events
(DuckDB and PostgreSQL), and read with their statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tandem.core import Conflict, InvalidInput, NotFound
from tandem.measure.experiment_results import experiment_result, plan
from tandem.measure.experiments import (
    ExperimentIn,
    create_experiment,
    delete_experiment,
    experiment_in,
    experiments_of,
    update_experiment,
)
from tandem.storage.warehouse import EventType, WarehouseEvent
from tests.integration.warehouse_engines import engine_runner

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
HERO = ExperimentIn(key="hero", name="Hero copy", variants=[("A", 1.0), ("B", 1.0)])


def test_experiments_are_stored_per_workspace(db, world):
    with db.session() as s:
        made = create_experiment(
            s, workspace_id=world.acme.id, item=HERO, clock=world.clock
        )
    with db.session() as s:
        assert [e.key for e in experiments_of(s, world.acme.id)] == ["hero"]
        assert experiments_of(s, world.beta.id) == []
        with pytest.raises(NotFound):
            experiment_in(s, world.beta.id, made.id)
        with pytest.raises(Conflict) as taken:
            create_experiment(
                s, workspace_id=world.acme.id, item=HERO, clock=world.clock
            )
        assert taken.value.field == "key"
    changed = ExperimentIn(
        key="hero", name="Hero copy", variants=[("A", 1.0), ("B", 1.0)],
        counts={"A": (1000, 50), "B": (1000, 80)},
    )  # fmt: skip
    with db.session() as s:
        again = update_experiment(
            s, workspace_id=world.acme.id, experiment_id=made.id, item=changed
        )
    assert again.counts == {"A": (1000, 50), "B": (1000, 80)}
    assert [v.name for v in again.variants] == ["A", "B"]
    with db.session() as s:
        delete_experiment(s, workspace_id=world.acme.id, experiment_id=made.id)
    with db.session() as s:
        assert experiments_of(s, world.acme.id) == []


@pytest.mark.parametrize(
    ("item", "field"),
    [
        (ExperimentIn(key="Hero!", name="x", variants=[("A", 1), ("B", 1)]), "key"),
        (ExperimentIn(key="h", name="x", variants=[("A", 1)]), "variants"),
        (ExperimentIn(key="h", name="x", variants=[("A", 1), ("A", 1)]), "variants"),
        (ExperimentIn(key="h", name="x", variants=[("A", 1), ("B", 0)]), "variants"),
        (ExperimentIn(key="h", name="", variants=[("A", 1), ("B", 1)]), "name"),
        (
            ExperimentIn(
                key="h", name="x", variants=[("A", 1), ("B", 1)], metric="clicks"
            ),
            "metric",
        ),
        (
            ExperimentIn(
                key="h",
                name="x",
                variants=[("A", 1), ("B", 1)],
                counts={"A": (10, 11), "B": (10, 1)},
            ),
            "counts",
        ),  # fmt: skip
    ],
)
def test_bad_experiments_are_refused_naming_the_field(db, world, item, field):
    with db.session() as s, pytest.raises(InvalidInput) as caught:
        create_experiment(s, workspace_id=world.acme.id, item=item, clock=world.clock)
    assert caught.value.field == field


def _assignments() -> list[WarehouseEvent]:
    """300 people per variant; A converts 10%, B 20%; 5 people land in an unknown "C"."""
    events: list[WarehouseEvent] = []

    def add(kind: EventType, visitor: str, at: datetime, **extra: object) -> None:
        events.append(
            WarehouseEvent(
                event_id=f"x{len(events):05d}",
                workspace_id="ws-acme",
                type=kind,
                occurred_at=at,
                received_at=at,
                visitor_id=visitor,
                **extra,  # type: ignore[arg-type]
            )
        )

    for i in range(600):
        variant = "A" if i % 2 == 0 else "B"
        at = T0 + timedelta(minutes=i)
        add(EventType.PAGEVIEW, f"v{i}", at, properties={"exp:hero": variant})
        rate = 10 if variant == "A" else 5  # every 10th A, every 5th B
        if (i // 2) % rate == 0:
            add(EventType.CONVERSION, f"v{i}", at + timedelta(minutes=5), value=30.0,
                properties={"name": "purchase"})  # fmt: skip
        # A conversion before assignment never counts.
        add(EventType.CONVERSION, f"v{i}", at - timedelta(days=1), value=1.0,
            properties={"name": "purchase"})  # fmt: skip
    for i in range(5):
        add(EventType.PAGEVIEW, f"c{i}", T0, properties={"exp:hero": "C"})
    return events


@pytest.mark.parametrize("engine", ["duckdb", "postgres"])
def test_results_count_assignments_and_conversions_from_the_warehouse(
    engine: str, tmp_path: Path, db, world
):
    with db.session() as s:
        made = create_experiment(
            s, workspace_id=world.acme.id, item=HERO, clock=world.clock
        )
    with engine_runner(engine, tmp_path, _assignments()) as runner:
        result = experiment_result(
            made,
            runner=runner,
            workspace_id="ws-acme",
            since=T0,
            until=T0 + timedelta(days=2),
        )
    a, b = result.counts
    assert (a.visitors, a.conversions, b.visitors, b.conversions) == (300, 30, 300, 60)
    assert b.revenue == 1800.0
    assert result.unknown_variants == ("C",)
    assert result.srm is not None and not result.srm.mismatch
    [vs_b] = result.comparisons
    assert vs_b.verdict.outcome == "better"
    assert vs_b.bayes is not None and vs_b.bayes.prob_b_beats_a > 0.99
    assert vs_b.sequential is not None


def test_a_lopsided_split_is_flagged_as_sample_ratio_mismatch(db, world):
    item = ExperimentIn(
        key="split", name="Split", variants=[("A", 1.0), ("B", 1.0)],
        counts={"A": (1000, 50), "B": (1200, 90)},
    )  # fmt: skip
    with db.session() as s:
        made = create_experiment(
            s, workspace_id=world.acme.id, item=item, clock=world.clock
        )
    result = experiment_result(
        made, runner=None, workspace_id=world.acme.id, since=T0, until=T0
    )
    assert result.source == "hand"
    assert (
        result.comparisons[0].verdict.headline
        == "Sample ratio mismatch: don't trust this"
    )


def test_the_plan_gives_visitors_per_variant_and_days():
    found = plan(baseline=0.04, mde=0.1, variants=2, daily_visitors=1000)
    assert found.per_variant == 39475
    assert found.days == 79
    with pytest.raises(InvalidInput) as caught:
        plan(baseline=4, mde=0.1, variants=2, daily_visitors=None)
    assert caught.value.field == "baseline"
