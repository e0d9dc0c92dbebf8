"""The CLI against a real database: init, users and roles, migrations, worker."""

from __future__ import annotations

import logging
import os
import stat

import pytest
from typer.testing import CliRunner

from tandem.accounts import Role, auth, store
from tandem.cli import app
from tandem.core import SystemClock
from tandem.settings import get_settings
from tandem.storage import Database, current_revision, head_revision

runner = CliRunner()


@pytest.fixture
def env(db: Database, tmp_path, monkeypatch):
    monkeypatch.setenv("TANDEM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TANDEM_DATABASE_URL", db.url)
    monkeypatch.setenv("TANDEM_CONFIG", str(tmp_path / "none.toml"))
    get_settings.cache_clear()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield tmp_path / "data"
    # Commands configure logging on streams CliRunner closes afterwards; put pytest's back.
    root.handlers[:], root.level = handlers, level
    get_settings.cache_clear()


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_init_creates_the_key_the_schema_and_the_first_owner(env, db):
    result = run(
        "init",
        "--organisation",
        "Acme",
        "--email",
        "olive@acme.test",
        "--password",
        "a long password",
        "--timezone",
        "Europe/Paris",
    )
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(os.stat(env / "secret.key").st_mode) == 0o600
    assert current_revision(db) == head_revision(db)
    with db.session() as s:
        workspace = store.workspace_by_slug(s, "acme")
        assert workspace is not None and workspace.timezone == "Europe/Paris"
        (membership,) = store.memberships_in(s, workspace.id)
    assert (membership.user.email, membership.role) == ("olive@acme.test", Role.OWNER)
    again = run("init")
    assert again.exit_code == 0 and "Kept the existing secret key" in again.output


def test_users_are_added_listed_and_given_roles(env, db):
    run(
        "init",
        "--organisation",
        "Acme",
        "--email",
        "olive@acme.test",
        "--password",
        "a long password",
    )
    added = run(
        "user",
        "add",
        "sam@acme.test",
        "--workspace",
        "acme",
        "--role",
        "social_manager",
        "--password",
        "another long one",
    )
    assert added.exit_code == 0, added.output
    assert "Social media manager in Acme" in added.output
    changed = run(
        "user", "set-role", "sam@acme.test", "approver", "--workspace", "acme"
    )
    assert changed.exit_code == 0, changed.output
    listing = run("user", "list")
    assert "sam@acme.test" in listing.output and "acme (approver)" in listing.output
    with db.session() as s:
        entries, _ = store.audit_entries(
            s, store.workspace_by_slug(s, "acme").id, action="member.role"
        )
    assert entries[0].after == {"user": "sam@acme.test", "role": "approver"}


def test_cli_errors_are_clear_and_exit_non_zero(env):
    run(
        "init",
        "--organisation",
        "Acme",
        "--email",
        "olive@acme.test",
        "--password",
        "a long password",
    )
    unknown_role = run(
        "user", "set-role", "olive@acme.test", "boss", "--workspace", "acme"
    )
    assert unknown_role.exit_code == 1 and "Unknown role 'boss'" in unknown_role.output
    unknown_ws = run(
        "user",
        "add",
        "x@acme.test",
        "--workspace",
        "nope",
        "--role",
        "analyst",
        "--password",
        "x" * 12,
    )
    assert (
        unknown_ws.exit_code == 1
        and "No workspace with the slug 'nope'" in unknown_ws.output
    )
    last_owner = run(
        "user", "set-role", "olive@acme.test", "analyst", "--workspace", "acme"
    )
    assert last_owner.exit_code == 1 and "at least one owner" in last_owner.output
    short = run(
        "user",
        "add",
        "y@acme.test",
        "--workspace",
        "acme",
        "--role",
        "analyst",
        "--password",
        "short",
    )
    assert short.exit_code == 1 and "at least 10 characters" in short.output


def test_db_upgrade_is_idempotent(env, db):
    result = run("db", "upgrade")
    assert result.exit_code == 0 and "Already at the latest revision" in result.output


def test_worker_once_sends_queued_email_and_reports_the_count(
    env, db, smtp_server, monkeypatch
):
    monkeypatch.setenv("TANDEM_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("TANDEM_SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("TANDEM_SMTP_SECURITY", "none")
    get_settings.cache_clear()
    run(
        "init",
        "--organisation",
        "Acme",
        "--email",
        "olive@acme.test",
        "--password",
        "a long password",
    )
    with db.session() as s:
        auth.request_password_reset(
            s, email="olive@acme.test", base_url="http://x", clock=SystemClock()
        )
    result = run("worker", "--once")
    assert result.exit_code == 0 and "Ran 1 job(s)." in result.output
    assert smtp_server.inbox.wait_for(1)[0]["Subject"] == "Reset your Tandem password"
