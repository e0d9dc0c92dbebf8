"""Consistent backups of a whole install, restorable into SQLite or PostgreSQL.

An archive is one .tar.gz:

    manifest.json            format, Tandem version, alembic revision, rows per table, sha256s
    database/<table>.jsonl   one JSON object per row, decoded by the manifest's column kinds
    warehouse/               DuckDB EXPORT DATABASE (Parquet), when a warehouse exists
    media/                   the media directory, file for file

The database dump is logical, not a file copy, so a backup taken on SQLite restores into
PostgreSQL and back: that is how an install moves to PostgreSQL. Tables and columns come from
reflecting the database itself, so the dump matches the revision the database is at, which
is the revision the restore migrates the target to before loading rows.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import tarfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import IO, Any
from uuid import UUID

from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import Connection, MetaData, Table, create_engine, event, func, select
from sqlalchemy import types as sqltypes
from sqlalchemy.pool import NullPool

import tandem
from tandem.core import Clock, SystemClock, TandemError
from tandem.settings import Settings
from tandem.storage.db import Database
from tandem.storage.migrate import alembic_config, current_revision, upgrade
from tandem.storage.warehouse import (
    Warehouse,
    export_warehouse,
    replace_from_export,
    stored_events,
)

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
INSERT_BATCH = 1_000


class BackupError(TandemError):
    """A backup or restore that cannot proceed; the message says why and what to do."""


@dataclass(frozen=True)
class TableDump:
    name: str
    rows: int
    columns: dict[str, str]  # column name -> kind (see _kind)


@dataclass(frozen=True)
class BackupManifest:
    format_version: int
    tandem_version: str
    created_at: datetime
    alembic_revision: str
    source_dialect: str
    tables: tuple[TableDump, ...]
    # Archive path -> sha256 hex digest, for every member but the manifest.
    files: dict[str, str]
    warehouse_events: int | None  # None: the install had no warehouse yet
    media_files: int

    @property
    def row_counts(self) -> dict[str, int]:
        return {table.name: table.rows for table in self.tables}

    def to_json(self) -> str:
        data = asdict(self)
        data["created_at"] = self.created_at.isoformat()
        data["row_counts"] = self.row_counts  # for people reading the archive
        return json.dumps(data, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> BackupManifest:
        try:
            data = json.loads(text)
            data.pop("row_counts", None)
            data["created_at"] = _utc_from_iso(data["created_at"])
            data["tables"] = tuple(TableDump(**table) for table in data["tables"])
            return cls(**data)
        except (ValueError, TypeError, KeyError) as exc:
            raise BackupError(f"The backup's {MANIFEST} is malformed: {exc}") from exc


def _kind(type_: sqltypes.TypeEngine[Any]) -> str:
    # Order matters: Float is a Numeric, and JSON must win over the string types.
    checks: tuple[tuple[type[Any], str], ...] = (
        (sqltypes.JSON, "json"),
        (sqltypes.DateTime, "datetime"),
        (sqltypes.Date, "date"),
        (sqltypes.Time, "time"),
        (sqltypes.Boolean, "bool"),
        (sqltypes.Integer, "int"),
        (sqltypes.Float, "float"),
        (sqltypes.Numeric, "decimal"),
        (sqltypes.LargeBinary, "bytes"),
        (sqltypes.Uuid, "uuid"),
    )
    return next((kind for cls, kind in checks if isinstance(type_, cls)), "str")


def _utc_from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _as_utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes, which are UTC by contract (see db.UTCDateTime).
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


ENCODERS: dict[str, Callable[[Any], Any]] = {
    "datetime": lambda v: _as_utc(v).isoformat(),
    "date": lambda v: v.isoformat(),
    "time": lambda v: v.isoformat(),
    "decimal": str,
    "bytes": lambda v: base64.b64encode(v).decode("ascii"),
    "uuid": str,
}
DECODERS: dict[str, Callable[[Any], Any]] = {
    "datetime": lambda v: _utc_from_iso(v),
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "decimal": Decimal,
    "bytes": base64.b64decode,
    "uuid": UUID,
}


def _encoder(kind: str) -> Callable[[Any], Any]:
    encode = ENCODERS.get(kind)
    return (lambda v: None if v is None else encode(v)) if encode else (lambda v: v)


def _decoder(kind: str, type_: sqltypes.TypeEngine[Any]) -> Callable[[Any], Any]:
    decode = DECODERS.get(kind, lambda v: v)
    if kind == "datetime" and not getattr(type_, "timezone", False):
        # A column without time zone (SQLite's DATETIME) takes naive UTC, as the app writes it.
        return lambda v: None if v is None else decode(v).replace(tzinfo=None)
    return lambda v: None if v is None else decode(v)


class _HashingReader:
    """Hands a file to tarfile while hashing the very bytes that go into the archive."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> str:
    info = tar.gettarinfo(str(path), arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        # tarfile only calls read(), so the digest covers exactly the bytes archived.
        tar.addfile(info, reader)
    return reader.digest.hexdigest()


def _add_tree(tar: tarfile.TarFile, root: Path, prefix: str) -> dict[str, str]:
    """Regular files under root (symlinks are skipped: they could point outside the install)."""
    if not root.is_dir():
        return {}
    digests: dict[str, str] = {}
    regular = (p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    for path in sorted(regular):
        arcname = f"{prefix}/{path.relative_to(root).as_posix()}"
        digests[arcname] = _add_file(tar, path, arcname)
    return digests


def _add_bytes(tar: tarfile.TarFile, arcname: str, data: bytes, when: datetime) -> None:
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mtime = int(when.timestamp())
    tar.addfile(info, io.BytesIO(data))


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


def _user_tables(connection: Connection) -> list[Table]:
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return [t for t in metadata.sorted_tables if t.name != "alembic_version"]


def _dump_table(connection: Connection, table: Table, path: Path) -> TableDump:
    kinds = {column.name: _kind(column.type) for column in table.columns}
    encoders = {name: _encoder(kind) for name, kind in kinds.items()}
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
            for table in _user_tables(connection)
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
            files = _add_tree(tar, work / "database", "database")
            files |= _add_tree(tar, work / "warehouse", "warehouse")
            media = _add_tree(tar, settings.media_dir, "media")
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
            _add_bytes(tar, MANIFEST, manifest.to_json().encode(), now)
        partial.replace(dest)
    return manifest


def _unpack(archive: Path, root: Path) -> BackupManifest:
    """Extract and verify: format version, every checksum, no file missing or extra."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, "..", links out and device files.
            tar.extractall(root, filter="data")
    except (OSError, EOFError, tarfile.TarError, zlib.error) as exc:
        raise BackupError(f"{archive} is not a readable Tandem backup: {exc}") from exc
    if not (root / MANIFEST).is_file():
        raise BackupError(f"{archive} has no {MANIFEST}: it is not a Tandem backup.")
    manifest = BackupManifest.from_json((root / MANIFEST).read_text(encoding="utf-8"))
    if manifest.format_version > FORMAT_VERSION:
        raise BackupError(
            f"{archive} uses backup format {manifest.format_version}, made by a newer Tandem "
            f"({manifest.tandem_version}); this one reads up to {FORMAT_VERSION}. Upgrade Tandem."
        )
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    present.discard(MANIFEST)
    if present != set(manifest.files):
        odd = sorted(present ^ set(manifest.files))
        raise BackupError(
            f"{archive} does not match its manifest (files {odd[:5]}): refusing it."
        )
    for name, expected in sorted(manifest.files.items()):
        if _sha256(root / name) != expected:
            raise BackupError(
                f"Checksum mismatch for {name} in {archive}: the archive is corrupted or was "
                "modified. Nothing was restored; use another backup."
            )
    return manifest


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
            for table in _user_tables(connection)
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
    for table in reversed(_user_tables(connection)):
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
        name: _decoder(kind, table.columns[name].type)
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
    if current_revision(database) != manifest.alembic_revision:
        # Only the rows go: a schema step back or forward is then safe whatever was there.
        with database.engine.begin() as connection:
            _delete_rows(connection)
        _migrate_to(database, manifest.alembic_revision)
    dumps = {dump.name: dump for dump in manifest.tables}
    with database.engine.begin() as connection:
        tables = {table.name: table for table in _user_tables(connection)}
        if missing := sorted(set(dumps) - set(tables)):
            raise BackupError(
                f"Tables {missing} of the backup do not exist in the target."
            )
        _delete_rows(connection)
        # In sorted_tables order: parents before children, as foreign keys need.
        for name, table in tables.items():
            if name in dumps:
                _load_table(connection, table, dumps[name], directory / f"{name}.jsonl")


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
        manifest = _unpack(archive, root)
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
