"""Fixtures shared by every test layer.

Database tests run on SQLite always and on PostgreSQL when TANDEM_TEST_DATABASE_URL is set.
With TANDEM_REQUIRE_ALL=1 a missing PostgreSQL or Chromium fails instead of skipping.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import make_url, text

import tandem.models
from tandem.accounts import passwords
from tandem.storage import Database, create_database, upgrade
from tests.support.smtp import smtp_server  # noqa: F401  (fixture for every test)
from tests.support.world import World, build_world

REQUIRE_ALL = os.environ.get("TANDEM_REQUIRE_ALL") == "1"
PG_URL = os.environ.get("TANDEM_TEST_DATABASE_URL")


def skip_or_fail(reason: str) -> None:
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (TANDEM_REQUIRE_ALL=1 forbids skipping)")
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    # Still argon2id, with the cheapest parameters: thousands of hashes in a test run.
    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = original


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "tandem.db"
    database = create_database(f"sqlite:///{path}")
    upgrade(database)
    database.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> Iterator[Database | None]:
    """A schema of this test run's own, so parallel runs on one PostgreSQL never collide."""
    if not PG_URL:
        yield None
        return
    schema = f"tandem_test_{os.getpid()}"
    admin = create_database(PG_URL)
    with admin.engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    database = create_database(url.render_as_string(hide_password=False))
    upgrade(database)
    yield database
    database.dispose()
    with admin.engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def _empty_all(database: Database) -> None:
    """Delete every row, children first, and restart the sequences.

    DELETE, not TRUNCATE: a test leaves a handful of rows, and TRUNCATE of 70 tables gives
    each one a new file on disk, about a second per test against a few tens of ms here.
    """
    tables = tandem.models.metadata.sorted_tables
    statements = [f"DELETE FROM {t.name}" for t in reversed(tables)]
    with database.engine.begin() as connection:
        sequences = connection.execute(
            text(
                "SELECT sequence_name FROM information_schema.sequences"
                " WHERE sequence_schema = current_schema()"
            )
        ).scalars()
        statements += [f"ALTER SEQUENCE {name} RESTART" for name in sequences]
        connection.execute(text("; ".join(statements)))


@pytest.fixture(params=["sqlite", "postgres"])
def db(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[Database]:
    """A migrated, empty database: a copy of the SQLite template, or PostgreSQL truncated."""
    if request.param == "sqlite":
        path = tmp_path / "tandem.db"
        shutil.copy(sqlite_template, path)
        database = create_database(f"sqlite:///{path}")
        yield database
        database.dispose()
        return
    pg: Database | None = request.getfixturevalue("postgres_migrated")
    if pg is None:
        skip_or_fail(
            "PostgreSQL tests need TANDEM_TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1/test)"
        )
        return
    _empty_all(pg)
    yield pg


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)
