"""Restoring a backup archive into this install, on SQLite or PostgreSQL.

Everything is verified before anything is changed (`backup_archive.unpack`); the target is
migrated to the backup's revision, every row loads in one transaction (SQLite's word-search
index is rebuilt from them), then the schema is upgraded to this Tandem's head and the
warehouse and media are put in place.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from tempfile import TemporaryDirectory

from alembic import command
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import Connection, Table, func, select

from tandem.settings import Settings
from tandem.storage.backup_archive import unpack
from tandem.storage.backup_format import (
    BackupError,
    BackupManifest,
    TableDump,
    decoder,
    user_tables,
)
from tandem.storage.db import Database
from tandem.storage.migrate import alembic_config, current_revision, upgrade
from tandem.storage.search_index import rebuild_search_indexes
from tandem.storage.warehouse import replace_from_export, stored_events

INSERT_BATCH = 1_000


def _known_revision(database: Database, revision: str) -> bool:
    script = ScriptDirectory.from_config(alembic_config(database))
    try:
        return script.get_revision(revision) is not None
    except (CommandError, RevisionError):
        return False


def _migrate_to(database: Database, revision: str) -> None:
    current = current_revision(database)
    if current == revision:
        return
    script = ScriptDirectory.from_config(alembic_config(database))
    older = {r.revision for r in script.walk_revisions(base="base", head=revision)}
    if current is None or current in older:
        upgrade(database, revision)
    else:
        # The target is ahead of the backup (e.g. `tandem init` ran with a newer Tandem): step
        # its empty schema back, load, and let the final upgrade bring the rows forward.
        command.downgrade(alembic_config(database), revision)


def _target_contents(settings: Settings, database: Database) -> list[str]:
    """What the target already holds, as phrases for the refusal message."""
    found: list[str] = []
    with database.engine.connect() as connection:
        rows = sum(
            connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in user_tables(connection)
        )
    if rows:
        found.append(f"{rows} database rows")
    if events := stored_events(settings.warehouse_path):
        found.append(f"{events} warehouse events")
    media = settings.media_dir
    if media.is_dir() and (files := sum(1 for p in media.rglob("*") if p.is_file())):
        found.append(f"{files} media files")
    return found


def _delete_rows(connection: Connection) -> None:
    for table in reversed(user_tables(connection)):
        connection.execute(table.delete())


def _load_table(
    connection: Connection, table: Table, dump: TableDump, path: Path
) -> None:
    unknown = set(dump.columns) - set(table.columns.keys())
    if unknown:
        raise BackupError(
            f"Table {table.name} has no columns {sorted(unknown)} at this revision."
        )
    decoders = {
        name: decoder(kind, table.columns[name].type)
        for name, kind in dump.columns.items()
    }
    loaded, batch = 0, []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            batch.append({k: decoders[k](v) for k, v in json.loads(line).items()})
            if len(batch) == INSERT_BATCH:
                connection.execute(table.insert(), batch)
                loaded, batch = loaded + len(batch), []
    if batch:
        connection.execute(table.insert(), batch)
        loaded += len(batch)
    if loaded != dump.rows:
        raise BackupError(
            f"Table {table.name}: the manifest says {dump.rows} rows, found {loaded}."
        )


def _load_database(
    database: Database, directory: Path, manifest: BackupManifest
) -> None:
    """Migrate to the backup's revision, then replace every row in one transaction."""
    with database.engine.begin() as connection:
        # Deleting rows goes through SQLite's word-index triggers, which fail on an index out
        # of step with its rows (--force over a damaged install): make it exact first.
        rebuild_search_indexes(connection)
    if current_revision(database) != manifest.alembic_revision:
        # Only the rows go: a schema step back or forward is then safe whatever was there.
        with database.engine.begin() as connection:
            _delete_rows(connection)
        _migrate_to(database, manifest.alembic_revision)
    dumps = {dump.name: dump for dump in manifest.tables}
    with database.engine.begin() as connection:
        tables = {table.name: table for table in user_tables(connection)}
        if missing := sorted(set(dumps) - set(tables)):
            raise BackupError(
                f"Tables {missing} of the backup do not exist in the target."
            )
        _delete_rows(connection)
        # In sorted_tables order: parents before children, as foreign keys need.
        for name, table in tables.items():
            if name in dumps:
                _load_table(connection, table, dumps[name], directory / f"{name}.jsonl")
        # SQLite's triggers indexed the rows as they loaded; the rebuild is a cheap guarantee
        # (0.35 s for 100,000 conversations) that the index matches what loaded.
        rebuild_search_indexes(connection)


def _restore_media(settings: Settings, extracted: Path, aside: Path) -> None:
    extracted.mkdir(parents=True, exist_ok=True)
    if settings.media_dir.exists():
        shutil.move(settings.media_dir, aside)
    shutil.move(extracted, settings.media_dir)


def restore(
    settings: Settings, database: Database, archive: Path, *, force: bool = False
) -> BackupManifest:
    """Restore an archive into this install. Stop `tandem serve` and workers first.

    Refuses a target that holds any data unless `force`, which replaces it. Everything is
    verified before anything is changed; the rows load in one transaction.
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Unpacked inside the data dir, so media can move into place with a rename.
    with TemporaryDirectory(dir=settings.data_dir, prefix=".tandem-restore-") as tmp:
        root = Path(tmp) / "archive"
        manifest = unpack(archive, root)
        if not _known_revision(database, manifest.alembic_revision):
            raise BackupError(
                f"The backup is at database revision {manifest.alembic_revision}, which this "
                f"Tandem does not know (made by Tandem {manifest.tandem_version}). Upgrade Tandem."
            )
        found = _target_contents(settings, database)
        if found and not force:
            raise BackupError(
                f"The target is not empty ({', '.join(found)}). Restore into a fresh install, "
                "or use --force to replace what is there."
            )
        _load_database(database, root / "database", manifest)
        upgrade(database)
        restored = root / "warehouse" if manifest.warehouse_events is not None else None
        replace_from_export(settings.warehouse_path, restored)
        _restore_media(settings, root / "media", Path(tmp) / "replaced-media")
    return manifest
