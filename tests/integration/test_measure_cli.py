"""`tandem measure ...` on SQLite and PostgreSQL: the attribution comparison with model
parameters and CSV, saved funnels, experiments with verdicts, the conversions import."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from tandem.accounts import Role
from tandem.cli import app
from tandem.measure.experiments import ExperimentIn, create_experiment
from tandem.measure.saved_funnels import FunnelIn, create_funnel
from tandem.storage import Database
from tandem.storage.warehouse import Warehouse
from tests.integration.test_collect_journeys import scenario
from tests.support.world import PERSONAS, World

runner = CliRunner()
RANGE = ["--since", "2026-10-23", "--until", "2026-11-02"]


@pytest.fixture
def env(db: Database, world: World, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    monkeypatch.setenv("TANDEM_DATA_DIR", str(data))
    monkeypatch.setenv("TANDEM_DATABASE_URL", db.url)
    monkeypatch.setenv("TANDEM_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("COLUMNS", "250")
    from tandem.settings import get_settings

    get_settings.cache_clear()
    mine = [replace(e, workspace_id=world.acme.id if e.workspace_id == "ws-acme"
                    else world.beta.id) for e in scenario()]  # fmt: skip
    data.mkdir()
    with Warehouse(data / "warehouse.duckdb") as warehouse:
        warehouse.append(mine)
    yield ["-w", world.acme.slug, "--as", PERSONAS[Role.ANALYST]]
    get_settings.cache_clear()


def _csv(output: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(output)))


def test_attribution_compares_models_with_their_parameters(env) -> None:  # type: ignore[no-untyped-def]
    shown = runner.invoke(app, ["measure", "attribution", *env, *RANGE])
    assert shown.exit_code == 0, shown.output
    assert "Email" in shown.output and "5 conversions worth 205.00" in shown.output
    out = runner.invoke(app, ["measure", "attribution", *env, *RANGE, "--csv",
                              "--model", "markov", "--model", "time_decay",
                              "--order", "2", "--half-life", "3"])  # fmt: skip
    assert out.exit_code == 0, out.output
    rows = {r["channel"]: r for r in _csv(out.output)}
    assert set(rows["Email"]) >= {"markov_conversions", "time_decay_value",
                                  "markov_conversions_comparison", "order", "half_life"}  # fmt: skip
    assert "first_touch_conversions" not in rows["Email"]
    assert rows["Email"]["order"] == "2" and rows["Email"]["half_life"] == "3.0"
    assert sum(float(r["markov_conversions"]) for r in rows.values()) == pytest.approx(
        5
    )
    bad = runner.invoke(app, ["measure", "attribution", *env, "--order", "5"])
    assert bad.exit_code == 1 and "order" in bad.output
    bad = runner.invoke(app, ["measure", "attribution", *env, "--model", "magic"])
    assert bad.exit_code == 1 and "model" in bad.output


def test_saved_funnels_and_experiments_from_the_command_line(env, db, world) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        made = create_funnel(s, workspace_id=world.acme.id, clock=world.clock,
                             item=FunnelIn("Buyers", [("pageview", ""),
                                                      ("conversion", "")]))  # fmt: skip
        exp = create_experiment(s, workspace_id=world.acme.id, clock=world.clock,
                                item=ExperimentIn("hero", "Hero", [("A", 1), ("B", 1)],
                                counts={"A": (1000, 50), "B": (1000, 80)}))  # fmt: skip
    listed = runner.invoke(app, ["measure", "funnels", "list", *env])
    assert (
        listed.exit_code == 0 and made.id in listed.output and "Buyers" in listed.output
    )
    shown = runner.invoke(
        app, ["measure", "funnels", "show", made.id, *env, *RANGE, "--csv"]
    )
    assert shown.exit_code == 0, shown.output
    steps = _csv(shown.output)
    assert [r["step"] for r in steps] == ["pageview", "conversion"]
    assert int(steps[0]["people"]) >= int(steps[1]["people"]) > 0
    missing = runner.invoke(app, ["measure", "funnels", "show", "nope", *env])
    assert missing.exit_code == 1 and "No such saved funnel" in missing.output
    assert exp.id in runner.invoke(app, ["measure", "experiments", "list", *env]).output
    verdict = runner.invoke(app, ["measure", "experiments", "show", exp.id, *env])
    assert verdict.exit_code == 0, verdict.output
    assert "B vs control" in verdict.output and "lift +60.0%" in verdict.output


def test_conversions_import_needs_a_manager_and_reports_bad_rows(
    env, world, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "orders.csv"
    good.write_text("order_id,occurred_at,value,currency\nA-1,2026-11-01,5,EUR\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("order_id,occurred_at,value,currency\nA-2,yesterday,5,EUR\n")
    ws = ["-w", world.acme.slug]
    refused = runner.invoke(app, ["measure", "import-conversions", str(good), *env])
    assert refused.exit_code == 1 and "cannot import conversions" in refused.output
    manager = [*ws, "--as", PERSONAS[Role.MARKETER]]
    done = runner.invoke(app, ["measure", "import-conversions", str(good), *manager])
    assert done.exit_code == 0, done.output
    assert "Imported 1 conversions" in done.output
    again = runner.invoke(app, ["measure", "import-conversions", str(good), *manager])
    assert "1 already known" in again.output
    wrong = runner.invoke(app, ["measure", "import-conversions", str(bad), *manager])
    assert (
        wrong.exit_code == 1
        and "row 1" in wrong.output
        and "occurred_at" in wrong.output
    )
