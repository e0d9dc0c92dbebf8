"""`tandem listen ...` on SQLite and PostgreSQL: add and list topics, import a CSV (all rows or
none, errors naming the row and column), list trends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from tandem.accounts import Role
from tandem.cli import app
from tandem.listen import store as listen_store
from tandem.storage import Database
from tests.support.listen import seed_history
from tests.support.world import PERSONAS, World

runner = CliRunner()


@pytest.fixture
def env(db: Database, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TANDEM_DATABASE_URL", db.url)
    monkeypatch.setenv("TANDEM_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("COLUMNS", "250")
    from tandem.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_topics_import_and_trends_from_the_command_line(
    env, db: Database, world: World, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    ws, who = world.acme.slug, PERSONAS[Role.SOCIAL_MANAGER]
    seed_history(db, world.acme.id, datetime.now(UTC))
    added = runner.invoke(
        app,
        [
            "listen",
            "add-topic",
            "Rival",
            "rival OR #rivalrecall",
            "-w",
            ws,
            "--as",
            who,
            "--kind",
            "competitor",
        ],
    )
    assert added.exit_code == 0, added.output
    bad = runner.invoke(
        app, ["listen", "add-topic", "X", "(rival", "-w", ws, "--as", who]
    )
    assert bad.exit_code == 1 and "Topic query" in bad.output
    no = runner.invoke(
        app, ["listen", "add-topic", "Y", "y", "-w", ws, "--as", PERSONAS[Role.ANALYST]]
    )
    assert no.exit_code == 1 and "cannot manage listening" in no.output
    listed = runner.invoke(app, ["listen", "topics", "-w", ws])
    assert "Rival" in listed.output and "competitor" in listed.output

    good = tmp_path / "good.csv"
    good.write_text("date,text,author\n2026-11-02T08:00:00Z,rival again,ann\n")
    out = runner.invoke(app, ["listen", "import-csv", str(good), "-w", ws, "--as", who])
    assert out.exit_code == 0 and "1 new mentions (1 matching a topic)" in out.output
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("date,text\nnope,hello\n2026-11-02,\n")
    out = runner.invoke(
        app, ["listen", "import-csv", str(bad_csv), "-w", ws, "--as", who]
    )
    assert out.exit_code == 1
    assert "Row 2, column “date”" in out.output and "Row 3, column “text”" in out.output

    trends = runner.invoke(app, ["listen", "trends", "-w", ws])
    assert trends.exit_code == 0 and "#rivalrecall" in trends.output
    with db.session() as s:
        assert [t.name for t in listen_store.topics_in(s, world.acme.id)] == ["Rival"]
