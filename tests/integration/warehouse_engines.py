"""Warehouse events on each analytics engine: DuckDB (the warehouse) and PostgreSQL."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from tandem.measure import DuckDBRunner, SqlAlchemyRunner, SqlRunner
from tandem.measure.journeys import POSTGRES_EVENTS_DDL
from tandem.storage.warehouse import Warehouse, WarehouseEvent
from tests.conftest import PG_URL, skip_or_fail

_INSERT = (
    "INSERT INTO events (event_id, workspace_id, type, occurred_at, received_at, "
    "visitor_id, contact_id, channel, source, medium, campaign, url, value, currency, "
    "properties) VALUES (:event_id, :workspace_id, :type, :occurred_at, :received_at, "
    ":visitor_id, :contact_id, :channel, :source, :medium, :campaign, :url, :value, "
    ":currency, CAST(:properties AS JSONB))"
)


def _row(e: WarehouseEvent) -> dict[str, object]:
    return {
        "event_id": e.event_id,
        "workspace_id": e.workspace_id,
        "type": e.type.value,
        "occurred_at": e.occurred_at,
        "received_at": e.received_at,
        "visitor_id": e.visitor_id,
        "contact_id": e.contact_id,
        "channel": e.channel,
        "source": e.source,
        "medium": e.medium,
        "campaign": e.campaign,
        "url": e.url,
        "value": e.value,
        "currency": e.currency,
        "properties": json.dumps(e.properties),
    }


@contextmanager
def engine_runner(
    engine: str, tmp_path: Path, events: list[WarehouseEvent]
) -> Iterator[SqlRunner]:
    """A runner over `events` on `engine` ("duckdb" or "postgres", skipped without one)."""
    if engine == "duckdb":
        with Warehouse(tmp_path / "warehouse.duckdb") as warehouse:
            warehouse.append(events)
            yield DuckDBRunner(warehouse)
        return
    if not PG_URL:
        skip_or_fail("PostgreSQL analytics tests need TANDEM_TEST_DATABASE_URL")
        return
    schema = f"tandem_events_{os.getpid()}"
    url = make_url(PG_URL).set(drivername="postgresql+psycopg")
    admin = create_engine(url)
    with admin.begin() as c:
        c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        c.execute(text(f"CREATE SCHEMA {schema}"))
    pg = create_engine(url.update_query_dict({"options": f"-csearch_path={schema}"}))
    try:
        with pg.begin() as c:
            c.execute(text(POSTGRES_EVENTS_DDL))
            c.execute(text(_INSERT), [_row(e) for e in events])
        with pg.connect() as connection:
            yield SqlAlchemyRunner(connection)
    finally:
        pg.dispose()
        with admin.begin() as c:
            c.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
