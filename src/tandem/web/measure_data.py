"""Page data of the measure analysis pages, shared by the HTML pages and the REST API.

Each builder takes the parsed inputs and a runner over the warehouse and returns plain
data plus the plotly figure, so the JSON twin shows exactly the numbers the chart shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from tandem.core import InvalidInput
from tandem.core.periods import Period, local_today, parse_comparison, parse_period
from tandem.measure import DuckDBRunner, SqlRunner
from tandem.measure.cohorts import Cohort, cohorts
from tandem.measure.comparison import MODELS, Comparison, compare_models
from tandem.measure.funnels import StepResult, funnel, parse_steps
from tandem.measure.journeys import path_table
from tandem.measure.model import PathRow
from tandem.storage.warehouse import Warehouse
from tandem.web import plots
from tandem.web.state import AppState

_FIELDS = {"from": "since", "to": "until"}


@dataclass(frozen=True)
class Range:
    period: Period
    comparison: Period | None
    compare: str


def parse_range(
    since: str | None,
    until: str | None,
    compare: str | None,
    *,
    zone: str,
    now: datetime,
) -> Range:
    """The period and comparison period; errors name the query parameter (since, until)."""
    try:
        period = parse_period(since, until, zone=zone, today=local_today(now, zone))
    except InvalidInput as exc:
        raise InvalidInput(
            exc.message, field=_FIELDS.get(exc.field or "", exc.field)
        ) from exc
    how = parse_comparison(compare)
    return Range(period, period.compared(how), how)


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


def _steps(results: list[StepResult]) -> list[dict[str, object]]:
    return [
        {
            "step": r.step.label,
            "people": r.people,
            "of_first": r.of_first,
            "of_previous": r.of_previous,
            "dropped": r.dropped,
            "median_seconds": r.median_seconds,
        }
        for r in results
    ]


def funnel_data(
    runner: SqlRunner, workspace_id: str, span: Range, steps: list[str]
) -> dict[str, object]:
    parsed = parse_steps(steps)
    current = funnel(runner, workspace_id=workspace_id, steps=parsed,
                     since=span.period.since, until=span.period.until)  # fmt: skip
    traces = [plots.Trace("People", [r.step.label for r in current],
                          [r.people for r in current], kind="bar")]  # fmt: skip
    before: list[StepResult] = []
    if span.comparison:
        before = funnel(runner, workspace_id=workspace_id, steps=parsed,
                        since=span.comparison.since, until=span.comparison.until)  # fmt: skip
        traces.append(plots.Trace("People, comparison period",
                                  [r.step.label for r in before],
                                  [r.people for r in before], kind="bar"))  # fmt: skip
    return {
        "period": span.period,
        "comparison": span.comparison,
        "compare": span.compare,
        "step_texts": [s for s in steps if s.strip()],
        "steps": _steps(current),
        "comparison_steps": _steps(before) if span.comparison else None,
        "graph": plots.figure(
            "funnel",
            "People reaching each step",
            traces,
            y_title="People",
            barmode="group",
        ).as_json(),  # fmt: skip
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
