"""`tandem spend import` against a real database: same action as the web, same guarantees."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tandem import plan
from tandem.accounts import Role
from tandem.cli import app
from tandem.settings import get_settings
from tandem.storage import Database
from tests.support.world import PERSONAS, World

runner = CliRunner()
DATA = Path(__file__).parents[1] / "data" / "spend"


@pytest.fixture
def env(db: Database, tmp_path, monkeypatch):
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TANDEM_DATABASE_URL", db.url)
    monkeypatch.setenv("TANDEM_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level
    get_settings.cache_clear()


def invoke(world: World, *extra: str):
    return runner.invoke(
        app,
        [
            "spend",
            "import",
            str(DATA / "meta_ads.csv"),
            "--preset",
            "meta_ads",
            "-w",
            world.acme.slug,
            *extra,
        ],
    )


def test_spend_import_from_the_command_line_is_idempotent(
    env, db: Database, world: World
):
    first = invoke(world, "--as", PERSONAS[Role.MARKETER])
    assert first.exit_code == 0, first.output
    assert "3 lines added, 0 replaced" in first.output
    again = invoke(world, "--as", PERSONAS[Role.MARKETER])
    assert "0 lines added, 3 replaced" in again.output
    with db.session() as s:
        assert len(plan.store.all_lines(s, world.acme.id)) == 3


def test_an_approver_cannot_import_spend(env, db: Database, world: World):
    refused = invoke(world, "--as", PERSONAS[Role.APPROVER])
    assert refused.exit_code == 1
    assert "cannot manage plans" in refused.output


def test_plan_campaigns_prints_kpis_from_the_chosen_results_source(
    env, db: Database, world: World, tmp_path
):
    from datetime import UTC, date, datetime

    from tandem.accounts import store as accounts
    from tandem.storage.warehouse import EventType, Warehouse, WarehouseEvent

    with db.session() as s:
        member = accounts.member_in(s, world.users[Role.MARKETER], world.acme)
        plan.create_campaign(
            s,
            actor=member,
            data=plan.CampaignInput(
                "Spring Launch", "", date(2026, 10, 20), date(2026, 11, 10), 1000,
                "USD", ["paid_social"],
            ),
            clock=world.clock,
        )  # fmt: skip
    at = datetime(2026, 11, 1, 10, tzinfo=UTC)
    (tmp_path / "data").mkdir(exist_ok=True)
    with Warehouse(tmp_path / "data" / "warehouse.duckdb") as warehouse:
        warehouse.append([
            WarehouseEvent("t1", world.acme.id, EventType.PAGEVIEW, at, at,
                           visitor_id="v1", channel="Paid Social", source="facebook",
                           medium="paid", campaign="spring-launch"),
            WarehouseEvent("c1", world.acme.id, EventType.CONVERSION, at, at,
                           visitor_id="v1", value=50.0, currency="USD"),
        ])  # fmt: skip
    args = ["plan", "campaigns", "-w", world.acme.slug]
    linear = runner.invoke(app, [*args, "--results", "linear"])
    assert linear.exit_code == 0, linear.output
    row = next(line for line in linear.output.splitlines() if "Spring Launch" in line)
    assert "Linear (Measure)" in row and "50.00" in row and "1.0" in row
    cells = [c.strip() for c in row.split("│")]
    assert cells[6:8] == ["-", "0.00"]  # nothing spent: ROAS "-", never infinity; CPA 0
    platform = runner.invoke(app, [*args, "--results", "platform"])
    row = next(line for line in platform.output.splitlines() if "Spring Launch" in line)
    assert "Reported by the ad platform" in row and "50.00" not in row
    bad = runner.invoke(app, [*args, "--results", "best"])
    assert bad.exit_code == 1 and "results must be one of" in bad.output
