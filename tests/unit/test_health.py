"""Doctor checks one by one, on files only (the database checks are in integration)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.settings import Settings, write_secret_key
from tandem.storage import health
from tandem.storage.health import CheckResult


@pytest.fixture(autouse=True)
def _no_outside_configuration(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "SECRET_KEY",
        "SECRET_KEY_FILE",
        "DATABASE_URL",
        "SMTP_HOST",
        "DATA_DIR",
    ):
        monkeypatch.delenv(f"TANDEM_{name}", raising=False)
    monkeypatch.setenv("TANDEM_CONFIG", str(tmp_path / "no-tandem.toml"))


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "secret_key_file": tmp_path / "secret.key",
    }
    return Settings(**(values | overrides))  # type: ignore[arg-type]


def test_only_a_failed_error_level_check_counts_as_a_failure() -> None:
    assert CheckResult("a", False, "broken", "fix it").failed
    assert not CheckResult("a", False, "meh", "tune it", "warning").failed
    assert not CheckResult("a", True, "fine").failed


def test_settings_that_do_not_load_are_reported_with_the_fix() -> None:
    def broken() -> Settings:
        return Settings(port="not a port")  # type: ignore[arg-type]

    result, settings = health.check_settings(broken)

    assert settings is None
    assert result.failed
    assert "port" in result.message
    assert "docs/configuration.md" in result.fix


def test_a_missing_data_dir_is_reported(tmp_path: Path) -> None:
    result = health.check_data_dir(make_settings(tmp_path))

    assert result.failed
    assert "does not exist" in result.message
    assert "tandem init" in result.fix


def test_a_file_where_the_data_dir_should_be_is_reported(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a directory")

    result = health.check_data_dir(make_settings(tmp_path))

    assert result.failed
    assert "not a directory" in result.message
    assert "TANDEM_DATA_DIR" in result.fix


def test_a_writable_data_dir_passes_and_is_left_clean(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()

    result = health.check_data_dir(make_settings(tmp_path))

    assert result.ok
    assert list((tmp_path / "data").iterdir()) == []


def test_a_missing_key_file_is_reported_with_the_fix(tmp_path: Path) -> None:
    result = health.check_secret_key(make_settings(tmp_path))

    assert result.failed
    assert "No secret key" in result.message
    assert "tandem init" in result.fix


def test_a_placeholder_key_is_refused(tmp_path: Path) -> None:
    result = health.check_secret_key(make_settings(tmp_path, secret_key="changeme"))

    assert result.failed
    assert "placeholder" in result.message


def test_a_key_file_others_can_read_is_a_warning(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    write_secret_key(settings.key_file)
    assert health.check_secret_key(settings).ok

    settings.key_file.chmod(0o644)
    result = health.check_secret_key(settings)

    assert not result.ok and not result.failed
    assert result.fix == f"chmod 600 {settings.key_file}"


def test_smtp_missing_is_a_warning_only(tmp_path: Path) -> None:
    missing = health.check_smtp(make_settings(tmp_path))
    configured = health.check_smtp(make_settings(tmp_path, smtp_host="mail.acme.test"))

    assert not missing.ok and missing.severity == "warning"
    assert "TANDEM_SMTP_HOST" in missing.fix
    assert configured.ok and "mail.acme.test:587" in configured.message


def test_low_disk_space_is_a_warning(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path
    )  # the data dir does not exist yet: its parent is measured

    plenty = health.check_disk_space(settings, minimum=1)
    short = health.check_disk_space(settings, minimum=1 << 60)

    assert plenty.ok
    assert not short.ok and short.severity == "warning"
    assert "GB free" in short.message


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://tandem:s3cret@db.internal:5432/tandem",
            "postgresql://tandem:***@db.internal:5432/tandem",
        ),
        ("sqlite:////srv/tandem/tandem.db", "sqlite:////srv/tandem/tandem.db"),
        ("not a url", "<unparseable URL>"),
    ],
)
def test_database_urls_are_shown_without_their_password(url: str, shown: str) -> None:
    assert health.safe_url(url) == shown


def test_a_sqlite_file_in_a_missing_directory_is_reported_not_created(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'nowhere' / 'tandem.db'}"

    result, database = health.open_checked_database(
        make_settings(tmp_path, database_url=url)
    )

    assert database is None
    assert result.failed
    assert "No database file" in result.message
    assert "TANDEM_DATABASE_URL" in result.fix
    assert not (tmp_path / "nowhere").exists()


def test_migrations_are_not_judged_without_a_database() -> None:
    result = health.check_migrations(None)

    assert not result.ok and result.severity == "warning"
    assert "not reachable" in result.message


def test_a_warehouse_not_created_yet_is_fine(tmp_path: Path) -> None:
    result = health.check_warehouse(make_settings(tmp_path))

    assert result.ok
    assert "first event" in result.message


def test_a_damaged_warehouse_is_reported(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    settings.data_dir.mkdir()
    settings.warehouse_path.write_bytes(b"this is not a DuckDB file" * 100)

    result = health.check_warehouse(settings)

    assert result.failed
    assert "tandem restore" in result.fix
