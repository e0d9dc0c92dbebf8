"""Cohorts by first-touch week and channel: how many come back, and the revenue, per week.

A person's cohort is the UTC week (Monday) of their first touch (a pageview or click with
a channel) and that touch's channel. Week k counts the cohort's people with any event in
the k-th week after the cohort's Monday, and the conversion value they brought in it.
Weeks are cut in SQL that DuckDB and PostgreSQL share (tests run both).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tandem.core.errors import InvalidInput
from tandem.measure.journeys import SqlRunner
from tandem.measure.people import PEOPLE_CTE

MAX_WEEKS = 26

COHORTS_SQL = (
    PEOPLE_CTE
    + """,
first_touch AS (
    SELECT person, channel, occurred_at AS first_at FROM (
        SELECT person, channel, occurred_at,
               ROW_NUMBER() OVER (PARTITION BY person ORDER BY occurred_at, event_id) AS rn
        FROM ev
        WHERE type IN ('pageview', 'click') AND channel IS NOT NULL
    ) ranked
    WHERE rn = 1
),
cohort AS (
    SELECT person, channel,
           CAST(date_trunc('week', first_at AT TIME ZONE 'UTC') AS DATE) AS week
    FROM first_touch
    WHERE first_at >= :since
),
activity AS (
    SELECT c.week, c.channel, c.person,
           CAST(FLOOR((CAST(e.occurred_at AT TIME ZONE 'UTC' AS DATE) - c.week) / 7.0)
                AS INTEGER) AS k,
           CASE WHEN e.type = 'conversion' THEN COALESCE(e.value, 0) ELSE 0 END AS v
    FROM cohort c
    JOIN ev e ON e.person = c.person
)
SELECT week, channel, k, COUNT(DISTINCT person) AS people, SUM(v) AS revenue
FROM activity
WHERE k >= 0 AND k < :weeks
GROUP BY week, channel, k
ORDER BY week, channel, k
"""
)


@dataclass(frozen=True)
class Cohort:
    week: date  # the Monday (UTC) of the first touch
    channel: str
    people: int
    active: tuple[int, ...]  # people with any event in week k (k = 0 is everyone)
    revenue: tuple[float, ...]  # conversion value in week k

    @property
    def retention(self) -> tuple[float, ...]:
        return tuple(a / self.people if self.people else 0.0 for a in self.active)


def cohorts(
    runner: SqlRunner,
    *,
    workspace_id: str,
    since: datetime,
    until: datetime,
    weeks: int = 8,
) -> list[Cohort]:
    """Cohorts whose first touch is in [since, until), followed for `weeks` weeks."""
    if since.tzinfo is None or until.tzinfo is None:
        raise ValueError("cohorts need aware datetimes")
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(f"weeks must be 1 to {MAX_WEEKS}.", field="weeks")
    params: dict[str, Any] = {
        "ws": workspace_id,
        "since": since,
        "until": until,
        "weeks": weeks,
    }
    grouped: dict[tuple[date, str], tuple[list[int], list[float]]] = {}
    for week, channel, k, people, revenue in runner.rows(COHORTS_SQL, params):
        day = week.date() if isinstance(week, datetime) else week
        active, money = grouped.setdefault(
            (day, str(channel)), ([0] * weeks, [0.0] * weeks)
        )
        active[int(k)] = int(people)
        money[int(k)] = float(revenue or 0.0)
    return [
        Cohort(week, channel, active[0], tuple(active), tuple(money))
        for (week, channel), (active, money) in grouped.items()
    ]
