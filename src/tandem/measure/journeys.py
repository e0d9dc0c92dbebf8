"""Journeys and the ChannelAttribution path table, in SQL that DuckDB and PostgreSQL share.

A journey is the ordered touches of one person before one conversion: touches within the
lookback window (default 30 days) before it and after that person's previous conversion.
Touches after a person's last conversion make one non-converting ("null") journey, cut to
the lookback before its last touch. A touch is a pageview or click event with a channel:
landings (UTM, ad click id, referrer or direct), never navigation inside the site.

A person is the contact a visitor was stitched to (the latest identify of that visitor
id), else the event's contact, else the visitor id; so identifying a visitor brings all
of its earlier events into the contact's journeys. Tracked-link click events carry no
visitor (the redirect sets nothing on the device): their landing pageview is the touch,
and carries the link id.

Portability: the statements use only window functions, LEFT JOIN, COALESCE, interval
arithmetic on timestamptz and ordered string_agg, which DuckDB and PostgreSQL both run;
tests run them on both. Parameters are written `:name`; the DuckDB runner rewrites them to
`$name`. docs/collection.md describes the route to other engines through Ibis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from tandem.measure.model import Journey, PathRow, Touch
from tandem.measure.people import STITCHED_CTE
from tandem.storage.warehouse import Warehouse

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_LOOKBACK = timedelta(days=30)
SEPARATOR = " > "
_PARAM = re.compile(r"(?<![:\w]):(\w+)")

# The warehouse's events table (storage/warehouse.py) in PostgreSQL types: where the same
# journey SQL runs when events live in PostgreSQL (tests, or a warehouse moved there).
POSTGRES_EVENTS_DDL = """
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY,
    workspace_id VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    visitor_id VARCHAR,
    contact_id VARCHAR,
    session_id VARCHAR,
    channel VARCHAR,
    source VARCHAR,
    medium VARCHAR,
    campaign VARCHAR,
    content VARCHAR,
    term VARCHAR,
    url VARCHAR,
    referrer VARCHAR,
    value DOUBLE PRECISION,
    currency VARCHAR,
    properties JSONB
)
"""

_JOURNEY_TOUCHES = f"""
WITH {STITCHED_CTE},
ev AS (
    SELECT e.event_id, e.type, e.occurred_at, e.channel, e.source, e.medium,
           e.campaign, COALESCE(e.value, 0) AS value, e.currency,
           COALESCE(s.contact_id, e.contact_id, e.visitor_id) AS person
    FROM events e
    LEFT JOIN stitched s ON s.visitor_id = e.visitor_id
    WHERE e.workspace_id = :ws
      AND e.occurred_at >= :earliest AND e.occurred_at < :until
      AND (e.type = 'conversion'
           OR (e.channel IS NOT NULL AND e.type IN ('pageview', 'click')))
),
conv_all AS (
    SELECT person, event_id AS conv_id, occurred_at AS conv_at, value, currency,
           LAG(occurred_at) OVER (
               PARTITION BY person ORDER BY occurred_at, event_id
           ) AS prev_at
    FROM ev
    WHERE type = 'conversion' AND person IS NOT NULL
),
touch AS (
    SELECT person, event_id, occurred_at, channel, source, medium, campaign
    FROM ev
    WHERE type <> 'conversion' AND person IS NOT NULL
),
conv_touch AS (
    SELECT c.conv_id AS journey, c.person, 1 AS converted, c.value,
           c.conv_at AS ends_at, t.occurred_at, t.event_id, t.channel, t.source,
           t.medium, t.campaign, c.currency
    FROM conv_all c
    JOIN touch t ON t.person = c.person
     AND t.occurred_at <= c.conv_at
     AND t.occurred_at >= c.conv_at - :lookback
     AND (c.prev_at IS NULL OR t.occurred_at > c.prev_at)
    WHERE c.conv_at >= :since
),
last_conv AS (
    SELECT person, MAX(conv_at) AS last_at FROM conv_all GROUP BY person
),
open_touch AS (
    SELECT t.*
    FROM touch t
    LEFT JOIN last_conv l ON l.person = t.person
    WHERE t.occurred_at >= :since AND (l.last_at IS NULL OR t.occurred_at > l.last_at)
),
open_end AS (
    SELECT person, MAX(occurred_at) AS ends_at FROM open_touch GROUP BY person
),
null_touch AS (
    SELECT o.person AS journey, o.person, 0 AS converted, 0.0 AS value,
           m.ends_at, o.occurred_at, o.event_id, o.channel, o.source, o.medium,
           o.campaign, CAST(NULL AS VARCHAR) AS currency
    FROM open_touch o
    JOIN open_end m ON m.person = o.person
    WHERE o.occurred_at >= m.ends_at - :lookback
),
journey_touch AS (
    SELECT * FROM conv_touch
    UNION ALL
    SELECT * FROM null_touch
)
"""

JOURNEYS_SQL = (
    _JOURNEY_TOUCHES
    + """
SELECT journey, person, converted, value, ends_at, currency, occurred_at, channel, source,
       medium, campaign
FROM journey_touch
ORDER BY journey, occurred_at, event_id
"""
)

PATHS_SQL = (
    _JOURNEY_TOUCHES
    + """,
journey_path AS (
    SELECT journey, MAX(converted) AS converted, MAX(value) AS value,
           string_agg(channel, ' > ' ORDER BY occurred_at, event_id) AS path
    FROM journey_touch
    GROUP BY journey
)
SELECT path,
       SUM(converted) AS total_conversions,
       SUM(CASE WHEN converted = 1 THEN value ELSE 0 END) AS total_conversion_value,
       SUM(1 - converted) AS total_null
FROM journey_path
GROUP BY path
ORDER BY total_conversions DESC, total_null DESC, path
"""
)


class SqlRunner(Protocol):
    """Runs one read statement with `:name` parameters on some engine."""

    def rows(self, sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]: ...


class DuckDBRunner:
    """The warehouse (default engine); each call reads on its own cursor."""

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse

    def rows(self, sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        cursor = self.warehouse.connection.cursor()
        try:
            return cursor.execute(_PARAM.sub(r"$\1", sql), params).fetchall()
        finally:
            cursor.close()


class SqlAlchemyRunner:
    """PostgreSQL (or any SQLAlchemy connection) holding an `events` table of the same shape."""

    def __init__(self, connection: Connection | Session) -> None:
        self.connection = connection

    def rows(self, sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        return [tuple(r) for r in self.connection.execute(text(sql), params).all()]


def _params(
    workspace_id: str, since: datetime, until: datetime, lookback: timedelta
) -> dict[str, Any]:
    if since.tzinfo is None or until.tzinfo is None:
        raise ValueError("journeys need aware datetimes")
    return {
        "ws": workspace_id,
        "since": since,
        "until": until,
        "earliest": since - lookback,
        "lookback": lookback,
    }


def journeys(
    runner: SqlRunner,
    *,
    workspace_id: str,
    since: datetime,
    until: datetime,
    lookback: timedelta = DEFAULT_LOOKBACK,
) -> list[Journey]:
    """Journeys ending in [since, until): converting ones and one open one per person."""
    out: list[Journey] = []
    current: list[Any] | None = None
    touches: list[Touch] = []
    for row in runner.rows(JOURNEYS_SQL, _params(workspace_id, since, until, lookback)):
        journey, person, converted, value, ends_at, currency = row[:6]
        if current is None or current[0] != journey:
            if current is not None:
                out.append(_journey(current, touches))
            current = [journey, person, converted, value, ends_at, currency]
            touches = []
        at, channel, source, medium, campaign = row[6:]
        touches.append(Touch(at, channel, source, medium, campaign))
    if current is not None:
        out.append(_journey(current, touches))
    return out


def _journey(head: list[Any], touches: list[Touch]) -> Journey:
    _, person, converted, value, ends_at, currency = head
    return Journey(
        person=str(person),
        touches=tuple(touches),
        converted=bool(converted),
        value=float(value or 0.0),
        ends_at=ends_at,
        currency=str(currency) if currency else None,
    )


def path_table(
    runner: SqlRunner,
    *,
    workspace_id: str,
    since: datetime,
    until: datetime,
    lookback: timedelta = DEFAULT_LOOKBACK,
) -> list[PathRow]:
    """One row per distinct path, as ChannelAttribution's markov_model() expects.

    Conversions with no touch in their lookback have no path and are left out; values are
    summed as sent, so filter or convert currencies before mixing them.
    """
    return [
        PathRow(str(path), int(conv), float(value or 0.0), int(nulls))
        for path, conv, value, nulls in runner.rows(
            PATHS_SQL, _params(workspace_id, since, until, lookback)
        )
    ]


def path_frame(rows: Sequence[PathRow]) -> pd.DataFrame:
    """The path table as a pandas DataFrame with ChannelAttribution's column names."""
    import pandas as pd  # noqa: PLC0415  (pandas costs 0.3 s to import; only callers pay)

    return pd.DataFrame(
        {
            "path": [r.path for r in rows],
            "total_conversions": [r.total_conversions for r in rows],
            "total_conversion_value": [r.total_conversion_value for r in rows],
            "total_null": [r.total_null for r in rows],
        }
    )
