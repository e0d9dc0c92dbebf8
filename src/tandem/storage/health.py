"""`tandem doctor`: checks of an install, each returning a result with the fix to apply.

Every check catches its own failures, so one broken part never hides the state of the rest.
Nothing here creates or changes data: a missing SQLite file is reported, not created.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from tandem.settings import ConfigError, Settings, read_secret_key
from tandem.storage.db import Database, create_database
from tandem.storage.migrate import current_revision, head_revision
from tandem.storage.warehouse import Warehouse, WarehouseBusy, WarehouseError

Severity = Literal["error", "warning"]
MIN_FREE_BYTES = 1 << 30
CONNECT_TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    message: str
    fix: str = ""
    # What a failure means: only errors make `tandem doctor` exit 1.
    severity: Severity = "error"

    @property
    def failed(self) -> bool:
        return not self.ok and self.severity == "error"


def _pass(name: str, message: str) -> CheckResult:
    return CheckResult(name, True, message)


def _warn(name: str, message: str, fix: str) -> CheckResult:
    return CheckResult(name, False, message, fix, "warning")


def _loaded(settings: Settings) -> CheckResult:
    return _pass("settings", f"Loaded; data directory {settings.data_dir.resolve()}.")


def check_settings(load: Callable[[], Settings]) -> tuple[CheckResult, Settings | None]:
    try:
        settings = load()
    # pydantic's ValidationError and a failed TANDEM_*_FILE read are both ValueErrors.
    except (ValueError, ConfigError) as exc:
        fix = (
            "Correct the TANDEM_* variable or tandem.toml entry named above (see "
            "docs/configuration.md). A TANDEM_*_FILE must name a readable file; "
            "`tandem init` creates the secret key file."
        )
        return CheckResult("settings", False, f"Settings do not load: {exc}", fix), None
    return _loaded(settings), settings


def check_data_dir(settings: Settings) -> CheckResult:
    path = settings.data_dir
    fix = f"Run `tandem init`, or set TANDEM_DATA_DIR to a writable directory (now {path})."
    if not path.exists():
        return CheckResult("data directory", False, f"{path} does not exist.", fix)
    if not path.is_dir():
        return CheckResult("data directory", False, f"{path} is not a directory.", fix)
    try:
        with tempfile.TemporaryFile(dir=path, prefix=".doctor-"):
            pass
    except OSError as exc:
        return CheckResult(
            "data directory", False, f"{path} is not writable: {exc}", fix
        )
    return _pass("data directory", f"{path.resolve()} exists and is writable.")


def check_secret_key(settings: Settings) -> CheckResult:
    try:
        read_secret_key(settings)
    except ConfigError as exc:
        fix = (
            "Run `tandem init` to create a key file, or set TANDEM_SECRET_KEY_FILE to a file "
            "holding at least 32 random characters."
        )
        return CheckResult("secret key", False, str(exc), fix)
    if settings.secret_key is not None:
        return _pass("secret key", "Set by TANDEM_SECRET_KEY.")
    mode = stat.S_IMODE(settings.key_file.stat().st_mode)
    if mode & 0o077:
        return _warn(
            "secret key",
            f"{settings.key_file} is open to other users (mode {mode:o}).",
            f"chmod 600 {settings.key_file}",
        )
    return _pass("secret key", f"{settings.key_file} is readable by its owner only.")


def safe_url(url: str) -> str:
    """The URL with its password masked, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def _with_timeout(url: str) -> str:
    # A firewalled PostgreSQL host would otherwise hang the doctor for minutes.
    parsed = make_url(url)
    if (
        parsed.get_backend_name() == "postgresql"
        and "connect_timeout" not in parsed.query
    ):
        parsed = parsed.update_query_dict(
            {"connect_timeout": str(CONNECT_TIMEOUT_SECONDS)}
        )
    return parsed.render_as_string(hide_password=False)


def _missing_sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (
        None,
        "",
        ":memory:",
    ):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path


def _hide(message: str, url: str) -> str:
    password = make_url(url).password
    return message.replace(str(password), "***") if password else message


def open_checked_database(settings: Settings) -> tuple[CheckResult, Database | None]:
    """Connects and runs SELECT 1. The Database is returned for the checks that need it."""
    url = settings.database
    shown = safe_url(url)
    fix = "Check TANDEM_DATABASE_URL (host, port, user, password, database), or run `tandem init`."
    try:
        if missing := _missing_sqlite_file(url):
            return CheckResult(
                "database", False, f"No database file at {missing}.", fix
            ), None
        database = create_database(_with_timeout(url))
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any driver or URL error is a finding, never a crash
        message = _hide(f"{shown} is not reachable: {exc}".splitlines()[0], url)
        return CheckResult("database", False, message, fix), None
    return _pass("database", f"{shown} answers."), database


def check_migrations(database: Database | None) -> CheckResult:
    if database is None:
        return _warn(
            "migrations",
            "Not checked: the database is not reachable.",
            "Fix the database check first.",
        )
    try:
        current, head = current_revision(database), head_revision(database)
    except Exception as exc:  # a half-created schema is a finding too
        return CheckResult("migrations", False, f"Cannot read the revision: {exc}", "")
    if current == head:
        return _pass("migrations", f"At the latest revision ({head}).")
    found = current or "no revision (an empty database)"
    return CheckResult(
        "migrations",
        False,
        f"The database is at {found}; this Tandem needs {head}.",
        "Back up, then run `tandem db upgrade`.",
    )


def check_warehouse(settings: Settings) -> CheckResult:
    path = settings.warehouse_path
    if not path.exists():
        return _pass(
            "warehouse", f"Not created yet; {path} is made on the first event."
        )
    try:
        with Warehouse(path, read_only=True) as warehouse:
            events = warehouse.count()
    except WarehouseBusy:
        return _pass("warehouse", f"{path} is open in a running Tandem process.")
    except WarehouseError as exc:
        fix = f"Restore the warehouse from a backup (`tandem restore`), or move {path} aside."
        return CheckResult("warehouse", False, exc.message, fix)
    return _pass("warehouse", f"{path} opens; {events} events.")


def check_smtp(settings: Settings) -> CheckResult:
    if not settings.smtp_host:
        return _warn(
            "email",
            "No SMTP server: invitations, resets and reports are not sent.",
            "Set TANDEM_SMTP_HOST (and TANDEM_SMTP_USERNAME, TANDEM_SMTP_PASSWORD_FILE).",
        )
    return _pass(
        "email",
        f"SMTP {settings.smtp_host}:{settings.smtp_port} ({settings.smtp_security}).",
    )


def check_disk_space(
    settings: Settings, *, minimum: int = MIN_FREE_BYTES
) -> CheckResult:
    path = settings.data_dir.resolve()
    while not path.exists():  # measure the filesystem the data dir will be created on
        path = path.parent
    free = shutil.disk_usage(path).free
    message = f"{free / (1 << 30):.1f} GB free on the filesystem of {path}."
    if free < minimum:
        fix = "Free some space or move TANDEM_DATA_DIR: SQLite, DuckDB and backups need room to grow."
        return _warn("disk space", message, fix)
    return _pass("disk space", message)


def run_checks(settings: Settings) -> list[CheckResult]:
    """Every check after settings loaded, in the order an operator would fix them."""
    database_result, database = open_checked_database(settings)
    try:
        return [
            _loaded(settings),
            check_data_dir(settings),
            check_secret_key(settings),
            database_result,
            check_migrations(database),
            check_warehouse(settings),
            check_smtp(settings),
            check_disk_space(settings),
        ]
    finally:
        if database is not None:
            database.dispose()


def diagnose(load: Callable[[], Settings]) -> list[CheckResult]:
    """`run_checks`, or the settings failure alone when the settings do not load."""
    result, settings = check_settings(load)
    return [result] if settings is None else run_checks(settings)
