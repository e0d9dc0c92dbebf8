"""Operational database (SQLAlchemy 2 + Alembic), job queue, event warehouse (DuckDB)."""

from tandem.storage.db import (
    Base,
    Database,
    JSONDict,
    UnitOfWork,
    UTCDateTime,
    create_database,
    is_postgres,
)
from tandem.storage.migrate import current_revision, head_revision, upgrade

__all__ = [
    "Base",
    "Database",
    "JSONDict",
    "UnitOfWork",
    "UTCDateTime",
    "create_database",
    "current_revision",
    "head_revision",
    "is_postgres",
    "upgrade",
]

# The event warehouse, for analytics readers and the collector's batch writer.
from tandem.storage.warehouse import (  # noqa: E402
    BatchWriter,
    EventType,
    Warehouse,
    WarehouseBusy,
    WarehouseError,
    WarehouseEvent,
)

__all__ += [
    "BatchWriter",
    "EventType",
    "Warehouse",
    "WarehouseBusy",
    "WarehouseError",
    "WarehouseEvent",
]
