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
