"""The backup format: the manifest, and how each column's values are written as JSON.

An archive is one .tar.gz:

    manifest.json            format, Tandem version, alembic revision, rows per table, sha256s
    database/<table>.jsonl   one JSON object per row, decoded by the manifest's column kinds
    warehouse/               DuckDB EXPORT DATABASE (Parquet), when a warehouse exists
    media/                   the media directory, file for file

Tables and columns come from reflecting the database itself (`user_tables`), so a dump matches
the revision the database is at; SQLite's word-search tables are left out (derived data). A column's kind (`column_kind`) names its codec, so a value
written from SQLite reads back into PostgreSQL and back.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, MetaData, Table, inspect
from sqlalchemy import types as sqltypes

from tandem.core import TandemError
from tandem.storage.search_index import derived_tables

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


class BackupError(TandemError):
    """A backup or restore that cannot proceed; the message says why and what to do."""


@dataclass(frozen=True)
class TableDump:
    name: str
    rows: int
    columns: dict[str, str]  # column name -> kind (see column_kind)


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
            data["created_at"] = utc_from_iso(data["created_at"])
            data["tables"] = tuple(TableDump(**table) for table in data["tables"])
            return cls(**data)
        except (ValueError, TypeError, KeyError) as exc:
            raise BackupError(f"The backup's {MANIFEST} is malformed: {exc}") from exc


def column_kind(type_: sqltypes.TypeEngine[Any]) -> str:
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


def utc_from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    # SQLite hands back naive datetimes, which are UTC by contract (see db.UTCDateTime).
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


ENCODERS: dict[str, Callable[[Any], Any]] = {
    "datetime": lambda v: as_utc(v).isoformat(),
    "date": lambda v: v.isoformat(),
    "time": lambda v: v.isoformat(),
    "decimal": str,
    "bytes": lambda v: base64.b64encode(v).decode("ascii"),
    "uuid": str,
}
DECODERS: dict[str, Callable[[Any], Any]] = {
    "datetime": lambda v: utc_from_iso(v),
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "decimal": Decimal,
    "bytes": base64.b64decode,
    "uuid": UUID,
}


def encoder(kind: str) -> Callable[[Any], Any]:
    encode = ENCODERS.get(kind)
    return (lambda v: None if v is None else encode(v)) if encode else (lambda v: v)


def decoder(kind: str, type_: sqltypes.TypeEngine[Any]) -> Callable[[Any], Any]:
    decode = DECODERS.get(kind, lambda v: v)
    if kind == "datetime" and not getattr(type_, "timezone", False):
        # A column without time zone (SQLite's DATETIME) takes naive UTC, as the app writes it.
        return lambda v: None if v is None else decode(v).replace(tzinfo=None)
    return lambda v: None if v is None else decode(v)


def user_tables(connection: Connection) -> list[Table]:
    """The tables a backup covers, parents before children. Alembic's own is not data, nor
    are word-search indexes (`search_index`): a restore rebuilds those from the rows."""
    skip = derived_tables(connection) | {"alembic_version"}
    names = [n for n in inspect(connection).get_table_names() if n not in skip]
    metadata = MetaData()
    metadata.reflect(bind=connection, only=names)
    return list(metadata.sorted_tables)
