"""Consistent backups of a whole install, restorable into SQLite or PostgreSQL.

The database dump is logical, not a file copy, so a backup taken on SQLite restores into
PostgreSQL and back: that is how an install moves to PostgreSQL. Every table is read in one
transaction, so the dump is one instant of the database. The archive's layout and codecs are
in `backup_format`, writing and verifying it in `backup_archive`, restoring in `restore`.
"""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Table, create_engine, event, select
from sqlalchemy.pool import NullPool

import tandem
from tandem.core import Clock, SystemClock
from tandem.settings import Settings
from tandem.storage.backup_archive import add_bytes, add_tree
from tandem.storage.backup_format import (
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    BackupManifest,
    TableDump,
    column_kind,
    encoder,
    user_tables,
)
from tandem.storage.db import Database
from tandem.storage.warehouse import Warehouse, export_warehouse


@contextmanager
def _snapshot(database: Database) -> Iterator[Connection]:
    """A connection inside one read transaction, so every table is read at the same instant."""
    engine = database.engine
    on_disk = engine.url.database not in (None, "", ":memory:")
    if engine.dialect.name == "sqlite" and on_disk:
        # Not the app's engine: it starts every transaction with BEGIN IMMEDIATE, which would
        # hold the write lock for the whole dump and make writers time out. A deferred BEGIN
        # in WAL mode reads a snapshot while writers carry on.
        engine = create_engine(engine.url, poolclass=NullPool)
        event.listen(engine, "connect", _sqlite_manual_transactions)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                connection.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
            with connection.begin():
                yield connection
    finally:
        if engine is not database.engine:
            engine.dispose()


def _sqlite_manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite would otherwise issue its own BEGIN before writes, and none before reads.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA busy_timeout=30000")


def _dump_table(connection: Connection, table: Table, path: Path) -> TableDump:
    kinds = {column.name: column_kind(column.type) for column in table.columns}
    encoders = {name: encoder(kind) for name, kind in kinds.items()}
    order = list(table.primary_key.columns) or list(table.columns)
    rows = 0
    result = connection.execute(
        select(table).order_by(*order).execution_options(yield_per=1000)
    )
    with path.open("w", encoding="utf-8") as out:
        for row in result.mappings():
            try:
                line = json.dumps(
                    {k: encoders[k](v) for k, v in row.items()}, ensure_ascii=False
                )
            except TypeError as exc:
                raise BackupError(
                    f"Table {table.name} holds a value Tandem cannot back up: {exc}"
                ) from exc
            out.write(line + "\n")
            rows += 1
    return TableDump(name=table.name, rows=rows, columns=kinds)


def _dump_database(
    database: Database, directory: Path
) -> tuple[str, str, list[TableDump]]:
    """Returns (alembic revision, dialect, tables) read in one transaction."""
    directory.mkdir(parents=True)
    with _snapshot(database) as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
        if revision is None:
            raise BackupError(
                "The database has no Tandem schema yet: run `tandem db upgrade`."
            )
        dumps = [
            _dump_table(connection, table, directory / f"{table.name}.jsonl")
            for table in user_tables(connection)
        ]
    return revision, database.engine.dialect.name, dumps


def backup(
    settings: Settings,
    database: Database,
    dest: Path,
    *,
    clock: Clock | None = None,
    warehouse: Warehouse | None = None,
) -> BackupManifest:
    """Write one archive of the database, warehouse and media to `dest` (replaced atomically).

    Pass `warehouse` when this process already holds it open (DuckDB lets one process open the
    file); otherwise it is opened read-only, which fails while `tandem serve` runs elsewhere.
    """
    now = (clock or SystemClock()).now()
    dest.parent.mkdir(parents=True, exist_ok=True)
    with TemporaryDirectory(dir=dest.parent, prefix=".tandem-backup-") as tmp:
        work = Path(tmp)
        revision, dialect, tables = _dump_database(database, work / "database")
        events = export_warehouse(
            settings.warehouse_path, work / "warehouse", warehouse
        )
        # Built in the temporary directory beside dest: a failure leaves nothing behind,
        # and the final rename stays on one filesystem, so it is atomic.
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            files = add_tree(tar, work / "database", "database")
            files |= add_tree(tar, work / "warehouse", "warehouse")
            media = add_tree(tar, settings.media_dir, "media")
            manifest = BackupManifest(
                format_version=FORMAT_VERSION,
                tandem_version=tandem.__version__,
                created_at=now,
                alembic_revision=revision,
                source_dialect=dialect,
                tables=tuple(tables),
                files=files | media,
                warehouse_events=events,
                media_files=len(media),
            )
            add_bytes(tar, MANIFEST, manifest.to_json().encode(), now)
        partial.replace(dest)
    return manifest
