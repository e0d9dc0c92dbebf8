"""Page data of the measure analysis pages, shared by the HTML pages and the REST API.

Each builder takes the parsed inputs and a runner over the warehouse and returns plain
data plus the plotly figure, so the JSON twin shows exactly the numbers the chart shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query

from tandem.core import InvalidInput
from tandem.core.periods import Period, local_today, parse_period
from tandem.measure import DuckDBRunner, SqlRunner
from tandem.measure.cohorts import Cohort, cohorts
from tandem.measure.comparison import MODELS, Comparison, compare_models
from tandem.measure.journeys import path_table
from tandem.measure.model import PathRow
from tandem.storage.warehouse import Warehouse
from tandem.web import plots
from tandem.web.state import AppState

_FIELDS = {"from": "since", "to": "until"}
_COMPARE_FIELDS = {"from": "compare_since", "to": "compare_until"}
COMPARE_CHOICES = ("previous", "year", "custom", "none")


@dataclass(frozen=True)
class Range:
    period: Period
    comparison: Period | None
    compare: str

    def as_json(self) -> dict[str, object]:
        return {
            "period": self.period,
            "comparison": self.comparison,
            "compare": self.compare,
        }


def _period(
    since: str | None, until: str | None, fields: dict[str, str], *, zone: str,
    now: datetime,
) -> Period:  # fmt: skip
    try:
        return parse_period(since, until, zone=zone, today=local_today(now, zone))
    except InvalidInput as exc:
        field = fields.get(exc.field or "", exc.field)
        message = exc.message.replace("(from)", f"({fields['from']})").replace(
            "(to)", f"({fields['to']})"
        )
        raise InvalidInput(message, field=field) from exc


def parse_range(
    since: str | None,
    until: str | None,
    compare: str | None,
    *,
    zone: str,
    now: datetime,
    compare_since: str | None = None,
    compare_until: str | None = None,
) -> Range:
    """The period and comparison period; errors name the query parameter.

    `compare` is previous (the same number of days just before), year (the same dates a
    year earlier), custom (compare_since to compare_until) or none.
    """
    period = _period(since, until, _FIELDS, zone=zone, now=now)
    how = compare or "previous"
    if how not in COMPARE_CHOICES:
        raise InvalidInput(
            f"compare must be one of {', '.join(COMPARE_CHOICES)}, not {how[:20]!r}.",
            field="compare",
        )
    if how != "custom":
        return Range(period, period.compared(how), how)
    if not compare_since or not compare_until:
        raise InvalidInput(
            "A custom comparison needs compare_since and compare_until (dates like "
            "2026-01-31).",
            field="compare_since" if not compare_since else "compare_until",
        )
    other = _period(compare_since, compare_until, _COMPARE_FIELDS, zone=zone, now=now)
    return Range(period, other, how)


@dataclass(frozen=True)
class RangeQuery:
    """The date-range query parameters every measure page and API route takes."""

    since: str | None
    until: str | None
    compare: str | None
    compare_since: str | None
    compare_until: str | None

    def parse(self, zone: str, now: datetime) -> Range:
        return parse_range(
            self.since, self.until, self.compare, zone=zone, now=now,
            compare_since=self.compare_since, compare_until=self.compare_until,
        )  # fmt: skip


_Text = Annotated[str | None, Query(max_length=40)]


def range_query(
    since: _Text = None, until: _Text = None, compare: _Text = None,
    compare_since: _Text = None, compare_until: _Text = None,
) -> RangeQuery:  # fmt: skip
    return RangeQuery(since, until, compare, compare_since, compare_until)


RangeDep = Annotated[RangeQuery, Depends(range_query)]


def with_change(
    name: str, current: float, base: float | None
) -> dict[str, float | None]:
    """`name`_comparison, _change (absolute) and _change_pct (a share; None on a zero base)."""
    if base is None:
        return {f"{name}_comparison": None, f"{name}_change": None,
                f"{name}_change_pct": None}  # fmt: skip
    diff = current - base
    return {
        f"{name}_comparison": base,
        f"{name}_change": diff,
        f"{name}_change_pct": diff / base if base else None,
    }


@contextmanager
def warehouse_runner(state: AppState) -> Iterator[SqlRunner]:
    """A reader over the warehouse (created empty when nothing was shipped yet)."""
    with Warehouse(state.settings.warehouse_path) as warehouse:
        yield DuckDBRunner(warehouse)


def attribution_plot(current: Comparison) -> plots.Plot:
    names = [c.channel for c in current.channels]
    return plots.figure(
        "attribution-models",
        "Conversions credited per channel by each model",
        [
            plots.Trace(
                label,
                names,
                [c.conversions.get(m, 0.0) for c in current.channels],
                kind="bar",
            )  # fmt: skip
            for m, label in MODELS
        ],
        y_title="Conversions",
        barmode="group",
    )


def attribution_data(
    runner: SqlRunner, workspace_id: str, span: Range
) -> dict[str, object]:
    current = compare_models(
        runner,
        workspace_id=workspace_id,
        since=span.period.since,
        until=span.period.until,
    )
    before = (
        compare_models(
            runner,
            workspace_id=workspace_id,
            since=span.comparison.since,
            until=span.comparison.until,
        )
        if span.comparison
        else None
    )
    prior = {c.channel: c for c in before.channels} if before else {}
    return {
        "period": span.period,
        "comparison": span.comparison,
        "compare": span.compare,
        "models": [{"key": k, "label": label} for k, label in MODELS],
        "totals": {
            "conversions": current.conversions,
            "value": current.value,
            "journeys": current.journeys,
        },  # fmt: skip
        "comparison_totals": (
            {"conversions": before.conversions, "value": before.value}
            if before
            else None
        ),
        "channels": [
            {
                "channel": c.channel,
                "conversions": c.conversions,
                "value": c.value,
                "comparison_conversions": (
                    prior[c.channel].conversions if c.channel in prior else None
                ),
            }
            for c in current.channels
        ],
        "graph": attribution_plot(current).as_json(),
    }


def paths_data(
    runner: SqlRunner, workspace_id: str, span: Range, limit: int = 50
) -> dict[str, object]:
    rows: list[PathRow] = path_table(
        runner,
        workspace_id=workspace_id,
        since=span.period.since,
        until=span.period.until,
    )
    top = rows[:limit]
    plot = plots.figure(
        "top-paths",
        "Conversions of the top paths",
        [
            plots.Trace(
                "Conversions",
                [r.path for r in top[:15]],
                [r.total_conversions for r in top[:15]],
                kind="bar",
            )
        ],  # fmt: skip
        y_title="Conversions",
    )
    return {
        "period": span.period,
        "comparison": span.comparison,
        "compare": span.compare,
        "paths": [
            {
                "path": r.path,
                "conversions": r.total_conversions,
                "value": r.total_conversion_value,
                "not_converted": r.total_null,
                "conversion_rate": r.total_conversions
                / (r.total_conversions + r.total_null)
                if r.total_conversions + r.total_null
                else 0.0,
            }
            for r in top
        ],
        "distinct_paths": len(rows),
        "graph": plot.as_json(),
    }


def _cohort(c: Cohort) -> dict[str, object]:
    return {
        "week": c.week,
        "channel": c.channel,
        "people": c.people,
        "active": list(c.active),
        "retention": list(c.retention),
        "revenue": list(c.revenue),
    }


def cohort_data(
    runner: SqlRunner, workspace_id: str, span: Range, weeks: int
) -> dict[str, object]:
    found = cohorts(runner, workspace_id=workspace_id, since=span.period.since,
                    until=span.period.until, weeks=weeks)  # fmt: skip
    labels = [f"{c.week} {c.channel}" for c in found]
    plot = plots.heatmap(
        "cohort-retention",
        "Share of each cohort active, by week since first touch",
        x=[f"week {k}" for k in range(weeks)],
        y=labels,
        z=[list(c.retention) for c in found],
        z_title="Active",
    )
    return {
        "period": span.period,
        "comparison": span.comparison,
        "compare": span.compare,
        "weeks": weeks,
        "cohorts": [_cohort(c) for c in found],
        "graph": plot.as_json(),
    }
