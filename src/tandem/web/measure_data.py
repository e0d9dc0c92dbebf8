"""Page data of the measure analysis pages, shared by the HTML pages and the REST API.

Each builder takes the parsed inputs and a runner over the warehouse and returns plain
data plus the plotly figure, so the JSON twin shows exactly the numbers the chart shows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Query

from tandem.core import InvalidInput
from tandem.core.periods import Period, local_today, parse_period
from tandem.measure import DuckDBRunner, SqlRunner
from tandem.measure.comparison import (
    MODEL_KEYS,
    MODELS,
    Comparison,
    ModelParams,
    compare_models,
)
from tandem.storage.warehouse_open import open_for_reading
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


def model_params(
    order: Annotated[int, Query(description="Markov (and Shapley) order, 1 to 4")] = 1,
    half_life: Annotated[float, Query(description="Time-decay half-life, days")] = 7.0,
    first_share: Annotated[
        float, Query(description="Position-based, first touch")
    ] = 0.4,
    last_share: Annotated[float, Query(description="Position-based, last touch")] = 0.4,
    lookback: Annotated[int, Query(description="Lookback window, days")] = 30,
) -> ModelParams:
    """The attribution model parameters from the query; bad values name their field."""
    return ModelParams(order, half_life, first_share, last_share, lookback).checked()


ParamsDep = Annotated[ModelParams, Depends(model_params)]


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
    with warehouse_reader(state.settings.warehouse_path) as runner:
        yield runner


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
    runner: SqlRunner,
    workspace_id: str,
    span: Range,
    params: ModelParams | None = None,
    models: Sequence[str] = MODEL_KEYS,
) -> dict[str, object]:
    params = (params or ModelParams()).checked()
    current = compare_models(
        runner,
        workspace_id=workspace_id,
        since=span.period.since,
        until=span.period.until,
        params=params,
        models=models,
    )
    before = (
        compare_models(
            runner,
            workspace_id=workspace_id,
            since=span.comparison.since,
            until=span.comparison.until,
            params=params,
            models=models,
        )
        if span.comparison
        else None
    )
    keys = [k for k, _ in MODELS if k in models]
    return {
        **span.as_json(),
        "params": params.as_json(),
        "models": [{"key": k, "label": label} for k, label in MODELS if k in models],
        "totals": _totals(current, before),
        "channels": _channels(current, before, keys),
        "graph": attribution_plot(current).as_json(),
    }


def _totals(current: Comparison, before: Comparison | None) -> dict[str, object]:
    out: dict[str, object] = {
        "conversions": current.conversions,
        "value": current.value,
        "journeys": current.journeys,
    }
    for name in ("conversions", "value", "journeys"):
        base = getattr(before, name) if before else None
        out.update(with_change(name, getattr(current, name), base))
    return out


def _channels(
    current: Comparison, before: Comparison | None, keys: list[str]
) -> list[dict[str, object]]:
    """Per channel and model: credit, the comparison period's credit and the change.

    A channel credited only in the comparison period is listed with zero credit now."""
    now = {c.channel: c for c in current.channels}
    prior = {c.channel: c for c in before.channels} if before else {}
    names = list(now) + [c for c in prior if c not in now]
    out: list[dict[str, object]] = []
    for name in names:
        conv = now[name].conversions if name in now else dict.fromkeys(keys, 0.0)
        value = now[name].value if name in now else dict.fromkeys(keys, 0.0)
        base = prior[name].conversions if name in prior else {}
        changes = {
            k: with_change("c", conv.get(k, 0.0), base.get(k, 0.0) if before else None)
            for k in keys
        }
        out.append({
            "channel": name, "conversions": conv, "value": value,
            "conversions_comparison": {k: c["c_comparison"] for k, c in changes.items()},
            "conversions_change": {k: c["c_change"] for k, c in changes.items()},
            "conversions_change_pct": {k: c["c_change_pct"] for k, c in changes.items()},
        })  # fmt: skip
    return out


def attribution_rows(data: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """The attribution CSV, shared by the page's export and the CLI: per model the credit,
    the comparison period's credit and the change, then the parameters used."""
    keys = [m["key"] for m in data["models"]]
    params = data["params"]
    header = ["channel"]
    for k in keys:
        header += [f"{k}_conversions", f"{k}_value", f"{k}_conversions_comparison",
                   f"{k}_conversions_change", f"{k}_conversions_change_pct"]  # fmt: skip
    header += list(params)
    rows = []
    for c in data["channels"]:
        row: list[Any] = [c["channel"]]
        for k in keys:
            row += [c["conversions"].get(k, 0.0), c["value"].get(k, 0.0),
                    c["conversions_comparison"].get(k),
                    c["conversions_change"].get(k), c["conversions_change_pct"].get(k)]  # fmt: skip
        rows.append(row + list(params.values()))
    return header, rows


@contextmanager
def warehouse_reader(path: Path) -> Iterator[SqlRunner]:
    """A read-only runner over the warehouse at `path` for one request or command; it waits
    briefly while a worker appends a batch (storage/warehouse.py)."""
    with open_for_reading(path) as warehouse:
        yield DuckDBRunner(warehouse)
