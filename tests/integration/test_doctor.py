"""`tandem doctor` end to end: a healthy install passes, each broken part is named with its fix."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import tandem.cli.ops
from tandem.cli import app
from tandem.settings import get_settings, write_secret_key
from tandem.storage import Database
from tandem.storage.warehouse import Warehouse

runner = CliRunner()


@pytest.fixture
def env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[pytest.MonkeyPatch]:
    """A clean TANDEM_* environment and a console wide enough that no cell wraps."""
    for name in (
        "SECRET_KEY",
        "SMTP_HOST",
        "DATABASE_URL",
        "SECRET_KEY_FILE",
        "DATA_DIR",
    ):
        monkeypatch.delenv(f"TANDEM_{name}", raising=False)
    monkeypatch.setenv("TANDEM_CONFIG", str(tmp_path / "no-tandem.toml"))
    monkeypatch.setattr(tandem.cli.ops, "console", Console(width=400))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.fixture
def healthy(env: pytest.MonkeyPatch, db: Database, tmp_path: Path) -> Path:
    """A migrated database (SQLite in the data dir, or PostgreSQL), a key file, a warehouse."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if db.engine.dialect.name == "sqlite":
        shutil.copy(
            tmp_path / "tandem.db", data_dir / "tandem.db"
        )  # the db fixture's copy
        env.setenv("TANDEM_DATABASE_URL", f"sqlite:///{data_dir / 'tandem.db'}")
    else:
        env.setenv("TANDEM_DATABASE_URL", db.url)
    write_secret_key(data_dir / "secret.key")
    with Warehouse(data_dir / "warehouse.duckdb"):
        pass
    env.setenv("TANDEM_DATA_DIR", str(data_dir))
    env.setenv("TANDEM_SECRET_KEY_FILE", str(data_dir / "secret.key"))
    return data_dir


def doctor() -> tuple[int, str]:
    get_settings.cache_clear()
    result = runner.invoke(app, ["doctor"])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception
    )
    return result.exit_code, result.output


def line_of(output: str, check: str) -> str:
    return next(
        line for line in output.splitlines() if line.strip("│ ").startswith(check)
    )


def test_a_healthy_install_passes(healthy: Path) -> None:
    code, output = doctor()

    assert code == 0, output
    for check in (
        "settings",
        "data directory",
        "secret key",
        "database",
        "migrations",
        "warehouse",
    ):
        assert " ok " in line_of(output, check), output
    assert "warn" in line_of(output, "email")  # no SMTP: a warning, not a failure
    assert "0 error(s)" in output


def test_a_file_in_place_of_the_data_dir_fails_with_the_fix(
    env: pytest.MonkeyPatch, healthy: Path, tmp_path: Path
) -> None:
    # Tests run as root, which writes through any permission bits: a file is a sure blocker.
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a directory")
    env.setenv("TANDEM_DATA_DIR", str(blocker))

    code, output = doctor()

    assert code == 1
    assert "FAIL" in line_of(output, "data directory")
    assert "is not a directory" in output
    assert "Run `tandem init`, or set TANDEM_DATA_DIR" in output


def test_an_unreachable_database_fails_without_showing_its_password(
    env: pytest.MonkeyPatch, healthy: Path
) -> None:
    env.setenv("TANDEM_DATABASE_URL", "postgresql://nobody:hunter2@127.0.0.1:1/none")

    code, output = doctor()

    assert code == 1
    assert "FAIL" in line_of(output, "database")
    assert "postgresql://nobody:***@127.0.0.1:1/none is not reachable" in output
    assert "hunter2" not in output
    assert "Check TANDEM_DATABASE_URL" in output
    assert "warn" in line_of(output, "migrations")


def test_a_sqlite_path_in_a_missing_directory_fails(
    env: pytest.MonkeyPatch, healthy: Path, tmp_path: Path
) -> None:
    env.setenv("TANDEM_DATABASE_URL", f"sqlite:///{tmp_path / 'missing' / 'tandem.db'}")

    code, output = doctor()

    assert code == 1
    assert "No database file at" in output
    assert not (tmp_path / "missing").exists()


def test_a_missing_key_file_fails_with_the_fix(
    env: pytest.MonkeyPatch, healthy: Path
) -> None:
    env.delenv("TANDEM_SECRET_KEY_FILE")
    (healthy / "secret.key").unlink()

    code, output = doctor()

    assert code == 1
    assert "FAIL" in line_of(output, "secret key")
    assert f"No secret key at {healthy / 'secret.key'}" in output
    assert "Run `tandem init` to create a key file" in output


def test_a_key_file_variable_naming_a_missing_file_fails_with_the_fix(
    env: pytest.MonkeyPatch, healthy: Path, tmp_path: Path
) -> None:
    # The settings themselves do not load then: TANDEM_SECRET_KEY_FILE is read as they load.
    env.setenv("TANDEM_SECRET_KEY_FILE", str(tmp_path / "gone.key"))

    code, output = doctor()

    assert code == 1
    assert "FAIL" in line_of(output, "settings")
    assert "TANDEM_SECRET_KEY_FILE names" in output
    assert "`tandem init` creates the secret key file" in output


def test_pending_migrations_fail_with_the_command_to_run(
    env: pytest.MonkeyPatch, healthy: Path
) -> None:
    empty = healthy / "empty.db"
    empty.touch()
    env.setenv("TANDEM_DATABASE_URL", f"sqlite:///{empty}")

    code, output = doctor()

    assert code == 1
    assert "FAIL" in line_of(output, "migrations")
    assert "run `tandem db upgrade`" in output


def test_settings_that_do_not_load_fail_alone(
    env: pytest.MonkeyPatch, healthy: Path
) -> None:
    env.setenv("TANDEM_PORT", "eighty")

    code, output = doctor()

    assert code == 1
    assert "Settings do not load" in output
    assert "port" in output


def test_messages_are_printed_verbatim_not_as_markup(
    env: pytest.MonkeyPatch, healthy: Path, tmp_path: Path
) -> None:
    env.setenv("TANDEM_DATA_DIR", str(tmp_path / "[bold]data"))

    code, output = doctor()

    assert code == 1
    assert f"{tmp_path / '[bold]data'} does not exist." in output


def test_a_damaged_warehouse_fails(healthy: Path) -> None:
    (healthy / "warehouse.duckdb").write_bytes(b"not a DuckDB file" * 100)

    code, output = doctor()

    assert code == 1
    assert "FAIL" in line_of(output, "warehouse")
    assert "`tandem restore`" in output
