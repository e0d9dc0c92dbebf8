"""Backup and restore: exact round trips between SQLite and PostgreSQL, and every refusal."""

from __future__ import annotations

import io
import json
import re
import shutil
import tarfile
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import inspect, select, text
from typer.testing import CliRunner

import tandem.cli.ops
import tandem.models
import tandem.storage.backup as backup_module
from tandem.accounts.store import AuditRow, LoginFailureRow, OrganisationRow
from tandem.cli import app
from tandem.core import new_id
from tandem.inbox.ingest import ingest_account
from tandem.inbox.queries import ItemQuery, find_items
from tandem.publish.store import AccountMetricRow
from tandem.settings import Settings, get_settings
from tandem.storage import (
    Database,
    create_database,
    current_revision,
    head_revision,
)
from tandem.storage.backup import backup
from tandem.storage.backup_format import BackupError
from tandem.storage.queue import enqueue
from tandem.storage.restore import restore
from tandem.storage.search_index import derived_tables
from tandem.storage.warehouse import EventType, Warehouse, WarehouseEvent
from tests.support.fake_conversations import FakeConversations
from tests.support.world import T0, World, build_world

MEDIA = {
    "logo.png": bytes(range(256)) * 40,
    "briefs/2026/launch notes ✓.txt": "Ünïcode in a file name and body\n".encode(),
}


def install(root: Path, database: Database) -> Settings:
    return Settings(data_dir=root, database_url=database.url)


def events(n: int, workspace: str) -> list[WarehouseEvent]:
    return [
        WarehouseEvent(
            event_id=f"{workspace}-{i}",
            workspace_id=workspace,
            type=EventType.CONVERSION if i % 5 == 0 else EventType.PAGEVIEW,
            occurred_at=T0 + timedelta(minutes=i),
            received_at=T0 + timedelta(minutes=i, seconds=1),
            visitor_id=f"v{i % 4}",
            value=19.5 if i % 5 == 0 else None,
            currency="EUR" if i % 5 == 0 else None,
            properties={"i": i} if i % 2 else {},
        )
        for i in range(n)
    ]


def add_extras(settings: Settings, database: Database, world: World) -> None:
    """Rows of every column kind the world lacks, warehouse events and media files."""
    with database.session() as s:
        s.add(
            AccountMetricRow(
                id=new_id(),
                workspace_id=world.acme.id,
                account_id=world.acme_account_id,
                day=date(2026, 11, 1),
                followers=1200,
            )
        )
        audit = AuditRow(
            id=new_id(),
            organisation_id=world.acme.organisation_id,
            workspace_id=None,
            actor_id=None,
            actor_label="system",
            action="test",
            entity_type="thing",
            entity_id="1",
            before=None,
            after={"nested": {"list": [1, 2.5, True, None]}, "when": "2026-11-02"},
            summary='ünïcode ✓ "quoted"\nnew line',
            at=T0 + timedelta(microseconds=123456),
        )
        s.add(audit)
        enqueue(
            s,
            "send_report",
            {"to": ["a@acme.test"], "n": 3},
            now=T0,
            workspace_id=world.acme.id,
        )
    with Warehouse(settings.warehouse_path) as warehouse:
        warehouse.append(events(25, world.acme.id) + events(10, world.beta.id))
    for name, data in MEDIA.items():
        path = settings.media_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def all_rows(database: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows through the models' own column types, in primary key order."""
    with database.engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                )
            ]
            for table in tandem.models.metadata.sorted_tables
        }


def media_bytes(settings: Settings) -> dict[str, bytes]:
    root = settings.media_dir
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file()
    }


def fresh_sqlite(path: Path, template: Path | None) -> Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    if template is not None:
        shutil.copy(template, path)
    return create_database(f"sqlite:///{path}")


def assert_same_install(
    source: Settings, source_db: Database, target: Settings, target_db: Database
) -> None:
    assert all_rows(target_db) == all_rows(source_db)
    with (
        Warehouse(source.warehouse_path, read_only=True) as a,
        Warehouse(target.warehouse_path, read_only=True) as b,
    ):
        query = "SELECT * FROM events ORDER BY event_id"
        assert b.count() == a.count() == 35
        assert b.query(query) == a.query(query)
    assert media_bytes(target) == media_bytes(source) == MEDIA


def test_a_backup_restores_exactly_into_a_fresh_sqlite_database(
    db: Database, world: World, tmp_path: Path, sqlite_template: Path
) -> None:
    source = install(tmp_path / "source", db)
    add_extras(source, db, world)

    manifest = backup(source, db, tmp_path / "backup.tar.gz")
    target_db = fresh_sqlite(tmp_path / "target" / "tandem.db", sqlite_template)
    restored = restore(
        install(tmp_path / "target", target_db), target_db, tmp_path / "backup.tar.gz"
    )

    assert restored == manifest
    assert manifest.source_dialect == db.engine.dialect.name
    with db.engine.connect() as connection:
        derived = derived_tables(connection)  # SQLite's word index, rebuilt on restore
    every_table = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert set(manifest.row_counts) == every_table - derived
    assert derived == (
        {f"inbox_items_fts{s}" for s in ("", "_data", "_idx", "_docsize", "_config")}
        if db.engine.dialect.name == "sqlite"
        else set()
    )
    assert manifest.row_counts["memberships"] == 7
    assert manifest.warehouse_events == 35
    assert manifest.media_files == 2
    assert_same_install(source, db, install(tmp_path / "target", target_db), target_db)
    target_db.dispose()


def _inbox_words(database: Database, world: World) -> None:
    fake = FakeConversations()
    fake.add("Où est mon remboursement ?", platform_id="w1", author="client_42")
    fake.add("Shipping to Lyon, please", platform_id="w2")
    ingest_account(database, world.acme_account_id, fake, world.clock)


def _found(database: Database, workspace_id: str, q: str) -> list[str]:
    with database.session() as s:
        items = find_items(s, workspace_id, ItemQuery(q=q))
    return [i.platform_id for i in items]


def test_a_sqlite_backup_restores_into_the_test_database(
    db: Database, tmp_path: Path, sqlite_template: Path
) -> None:
    """The move from the embedded default to PostgreSQL (and SQLite to SQLite)."""
    source_db = fresh_sqlite(tmp_path / "source" / "tandem.db", sqlite_template)
    source = install(tmp_path / "source", source_db)
    world = build_world(source_db)
    add_extras(source, source_db, world)
    _inbox_words(source_db, world)
    backup(source, source_db, tmp_path / "backup.tar.gz")

    target = install(tmp_path / "target", db)
    restore(target, db, tmp_path / "backup.tar.gz")

    assert_same_install(source, source_db, target, db)
    # Search works on the target: PostgreSQL's index, or SQLite's rebuilt FTS table.
    assert _found(db, world.acme.id, "remboursement") == ["w1"]
    assert _found(db, world.acme.id, "ou client") == ["w1"]
    assert _found(db, world.acme.id, "lyon ship") == ["w2"]
    source_db.dispose()


def test_a_restore_back_into_sqlite_rebuilds_its_word_index(
    db: Database, world: World, tmp_path: Path, sqlite_template: Path
) -> None:
    """From the test database (PostgreSQL too) back to SQLite, over an install that held
    other conversations and a damaged word index: the index is exact again afterwards."""
    _inbox_words(db, world)
    backup(install(tmp_path / "source", db), db, tmp_path / "backup.tar.gz")
    target_db = fresh_sqlite(tmp_path / "target" / "tandem.db", sqlite_template)
    stale = build_world(target_db)
    fake = FakeConversations()
    fake.add("A stale remboursement question", platform_id="stale")
    ingest_account(target_db, stale.acme_account_id, fake, stale.clock)
    with target_db.engine.begin() as c:  # an index out of step with its rows
        c.execute(
            text("INSERT INTO inbox_items_fts(inbox_items_fts) VALUES ('delete-all')")
        )

    restore(
        install(tmp_path / "target", target_db),
        target_db,
        tmp_path / "backup.tar.gz",
        force=True,
    )

    assert _found(target_db, world.acme.id, "remboursement") == ["w1"]
    with target_db.engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO inbox_items_fts(inbox_items_fts, rank)"
                " VALUES ('integrity-check', 1)"
            )
        )
    target_db.dispose()


def test_restore_migrates_an_empty_database_first(
    db: Database, world: World, tmp_path: Path
) -> None:
    source = install(tmp_path / "source", db)
    add_extras(source, db, world)
    backup(source, db, tmp_path / "backup.tar.gz")
    target_db = fresh_sqlite(tmp_path / "target" / "tandem.db", template=None)

    restore(
        install(tmp_path / "target", target_db), target_db, tmp_path / "backup.tar.gz"
    )

    assert current_revision(target_db) == head_revision(target_db)
    assert all_rows(target_db) == all_rows(db)
    target_db.dispose()


def test_force_replaces_everything_the_target_held(
    db: Database, world: World, tmp_path: Path
) -> None:
    settings = install(tmp_path / "install", db)
    add_extras(settings, db, world)
    before = all_rows(db)
    backup(settings, db, tmp_path / "backup.tar.gz")
    with db.session() as s:
        s.add(LoginFailureRow(id=new_id(), key="later@acme.test", at=T0))
    with Warehouse(settings.warehouse_path) as warehouse:
        warehouse.append(events(5, "later"))
    (settings.media_dir / "later.txt").write_text("added after the backup")

    restore(settings, db, tmp_path / "backup.tar.gz", force=True)

    assert all_rows(db) == before
    with Warehouse(settings.warehouse_path, read_only=True) as warehouse:
        assert warehouse.count() == 35
    assert media_bytes(settings) == MEDIA


def test_a_non_empty_target_is_refused_without_force(
    db: Database, world: World, tmp_path: Path
) -> None:
    settings = install(tmp_path / "install", db)
    backup(settings, db, tmp_path / "backup.tar.gz")
    before = all_rows(db)

    with pytest.raises(BackupError, match=r"not empty \(\d+ database rows\).*--force"):
        restore(settings, db, tmp_path / "backup.tar.gz")
    assert all_rows(db) == before


def test_the_dump_is_one_snapshot_and_does_not_block_writers(
    db: Database, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = install(tmp_path / "install", db)
    counts_before = {name: len(rows) for name, rows in all_rows(db).items()}
    dump_table = backup_module._dump_table
    written: list[str] = []

    def dump_then_write(*args: Any) -> Any:
        result = dump_table(*args)
        if not written:  # between the first table and the rest, another writer commits
            with db.session() as s:
                s.add(OrganisationRow(id=new_id(), name="Late", created_at=T0))
                s.add(LoginFailureRow(id=new_id(), key="late@acme.test", at=T0))
            written.append("yes")
        return result

    monkeypatch.setattr(backup_module, "_dump_table", dump_then_write)
    manifest = backup(settings, db, tmp_path / "backup.tar.gz")

    assert written
    assert manifest.row_counts == counts_before
    assert len(all_rows(db)["organisations"]) == counts_before["organisations"] + 1


def test_a_warehouse_open_in_this_process_is_backed_up_through_it(
    db: Database, world: World, tmp_path: Path
) -> None:
    settings = install(tmp_path / "install", db)
    with Warehouse(settings.warehouse_path) as warehouse:
        warehouse.append(events(12, world.acme.id))
        manifest = backup(settings, db, tmp_path / "backup.tar.gz", warehouse=warehouse)

    assert manifest.warehouse_events == 12


def test_a_failed_backup_leaves_nothing_behind(tmp_path: Path) -> None:
    unmigrated = fresh_sqlite(tmp_path / "install" / "tandem.db", template=None)
    backups = tmp_path / "backups"

    with pytest.raises(BackupError, match="no Tandem schema yet.*tandem db upgrade"):
        backup(
            install(tmp_path / "install", unmigrated), unmigrated, backups / "b.tar.gz"
        )
    assert list(backups.iterdir()) == []
    unmigrated.dispose()


def _rewrite(archive: Path, out: Path, change: dict[str, bytes]) -> None:
    with tarfile.open(archive, "r:gz") as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            data = change.get(member.name)
            if data is None:
                dst.addfile(member, src.extractfile(member))
            else:
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))


@pytest.fixture
def archive(db: Database, world: World, tmp_path: Path) -> Path:
    settings = install(tmp_path / "source", db)
    add_extras(settings, db, world)
    path = tmp_path / "backup.tar.gz"
    backup(settings, db, path)
    return path


def _manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as tar:
        handle = tar.extractfile("manifest.json")
        assert handle is not None
        return dict(json.load(handle))


def _empty_target(tmp_path: Path, template: Path) -> tuple[Settings, Database]:
    database = fresh_sqlite(tmp_path / "target" / "tandem.db", template)
    return install(tmp_path / "target", database), database


def test_a_corrupted_archive_is_refused_with_the_file_named(
    archive: Path, tmp_path: Path, sqlite_template: Path
) -> None:
    bad = tmp_path / "bad.tar.gz"
    _rewrite(archive, bad, {"database/users.jsonl": b'{"id": "intruder"}\n'})
    settings, database = _empty_target(tmp_path, sqlite_template)

    with pytest.raises(BackupError, match="Checksum mismatch for database/users.jsonl"):
        restore(settings, database, bad)
    assert all(not rows for rows in all_rows(database).values())
    database.dispose()


def test_a_truncated_archive_is_refused(
    archive: Path, tmp_path: Path, sqlite_template: Path
) -> None:
    bad = tmp_path / "truncated.tar.gz"
    bad.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    settings, database = _empty_target(tmp_path, sqlite_template)

    with pytest.raises(BackupError, match="not a readable Tandem backup"):
        restore(settings, database, bad)
    database.dispose()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("format_version", 2, "newer Tandem"),
        ("alembic_revision", "9999_from_the_future", "does not know"),
    ],
)
def test_backups_from_a_newer_tandem_are_refused(
    archive: Path,
    tmp_path: Path,
    sqlite_template: Path,
    field: str,
    value: object,
    message: str,
) -> None:
    manifest = _manifest(archive) | {field: value}
    newer = tmp_path / "newer.tar.gz"
    _rewrite(archive, newer, {"manifest.json": json.dumps(manifest).encode()})
    settings, database = _empty_target(tmp_path, sqlite_template)

    with pytest.raises(BackupError, match=message):
        restore(settings, database, newer)
    database.dispose()


def test_the_manifest_describes_the_archive(archive: Path, world: World) -> None:
    manifest = _manifest(archive)

    with tarfile.open(archive, "r:gz") as tar:
        members = {m.name for m in tar.getmembers() if m.isfile()} - {"manifest.json"}
    assert set(manifest["files"]) == members
    assert all(len(digest) == 64 for digest in manifest["files"].values())
    assert manifest["row_counts"]["workspaces"] == 2
    assert manifest["tables"][0]["columns"]  # the kinds that decode each column
    assert datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    assert datetime.fromisoformat(manifest["created_at"]) <= datetime.now(UTC)


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[pytest.MonkeyPatch]:
    for name in ("SECRET_KEY", "DATABASE_URL", "SECRET_KEY_FILE", "DATA_DIR"):
        monkeypatch.delenv(f"TANDEM_{name}", raising=False)
    monkeypatch.setenv("TANDEM_CONFIG", str(tmp_path / "no-tandem.toml"))
    monkeypatch.setattr(tandem.cli.ops, "console", Console(width=300))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def _use(env: pytest.MonkeyPatch, data_dir: Path, url: str) -> None:
    env.setenv("TANDEM_DATA_DIR", str(data_dir))
    env.setenv("TANDEM_DATABASE_URL", url)
    get_settings.cache_clear()


def test_the_cli_backs_up_and_restores_after_confirmation(
    cli_env: pytest.MonkeyPatch, db: Database, world: World, tmp_path: Path
) -> None:
    runner = CliRunner()
    _use(cli_env, tmp_path / "source", db.url)
    add_extras(install(tmp_path / "source", db), db, world)

    made = runner.invoke(app, ["backup"])
    assert made.exit_code == 0, made.output
    (archive,) = (tmp_path / "source" / "backups").glob("tandem-*Z.tar.gz")
    assert f"Wrote {archive}" in made.output
    assert re.search(r"memberships +│ 7 ", made.output)

    target = tmp_path / "target"
    _use(cli_env, target, f"sqlite:///{target / 'tandem.db'}")
    declined = runner.invoke(app, ["restore", str(archive)], input="n\n")
    assert declined.exit_code == 1
    assert not (target / "tandem.db").exists()

    restored = runner.invoke(app, ["restore", str(archive), "--yes"])
    assert restored.exit_code == 0, restored.output
    target_db = create_database(f"sqlite:///{target / 'tandem.db'}")
    assert all_rows(target_db) == all_rows(db)
    target_db.dispose()

    again = runner.invoke(app, ["restore", str(archive), "--yes"])
    assert again.exit_code == 1
    assert "The target is not empty" in again.output
