"""Page data of the journeys view (top paths), shared by the HTML page, the REST API and
the CSV export.

Each top path carries its conversions, value and non-converting journeys in the period and
in the comparison period, with the change (measure_data.with_change), so the view compares
like the other measure pages. The list is the period's top paths, then the comparison
period's top paths that the period no longer has; `status` says which period holds a path.
"""

from __future__ import annotations

from typing import Any

from tandem.measure import SqlRunner
from tandem.measure.journeys import path_table
from tandem.measure.model import PathRow
from tandem.web import plots
from tandem.web.measure_data import Range, with_change

MEASURES = ("conversions", "value", "not_converted")
_SUFFIXES = ("", "_comparison", "_change", "_change_pct")


def _numbers(row: PathRow | None) -> dict[str, float]:
    if row is None:
        return {"conversions": 0, "value": 0.0, "not_converted": 0}
    return {
        "conversions": row.total_conversions,
        "value": row.total_conversion_value,
        "not_converted": row.total_null,
    }


def _compared(
    current: dict[str, float], base: dict[str, float] | None
) -> dict[str, Any]:
    out: dict[str, Any] = dict(current)
    for name in MEASURES:
        out.update(
            with_change(name, current[name], None if base is None else base[name])
        )
    return out


def _status(
    path: str, now: dict[str, PathRow], prior: dict[str, PathRow] | None
) -> str:
    if prior is None:
        return "current"
    if path not in prior:
        return "new"
    return "current" if path in now else "gone"


def _rate(numbers: dict[str, float]) -> float:
    seen = numbers["conversions"] + numbers["not_converted"]
    return numbers["conversions"] / seen if seen else 0.0


def _sum(rows: list[PathRow]) -> dict[str, float]:
    return {
        "conversions": sum(r.total_conversions for r in rows),
        "value": sum(r.total_conversion_value for r in rows),
        "not_converted": sum(r.total_null for r in rows),
    }


def _plot(top: list[PathRow], prior: dict[str, PathRow] | None) -> plots.Plot:
    names = [r.path for r in top[:15]]
    traces = [plots.Trace("Conversions", names,
                          [r.total_conversions for r in top[:15]], kind="bar")]  # fmt: skip
    if prior is not None:
        traces.append(plots.Trace(
            "Comparison period", names,
            [prior[n].total_conversions if n in prior else 0 for n in names], kind="bar",
        ))  # fmt: skip
    return plots.figure("top-paths", "Conversions of the top paths", traces,
                        y_title="Conversions", barmode="group")  # fmt: skip


def paths_data(
    runner: SqlRunner, workspace_id: str, span: Range, limit: int = 50
) -> dict[str, object]:
    rows = path_table(runner, workspace_id=workspace_id, since=span.period.since,
                      until=span.period.until)  # fmt: skip
    before = (
        path_table(
            runner,
            workspace_id=workspace_id,
            since=span.comparison.since,
            until=span.comparison.until,
        )  # fmt: skip
        if span.comparison
        else None
    )
    now = {r.path: r for r in rows}
    prior = {r.path: r for r in before} if before is not None else None
    names = [r.path for r in rows[:limit]]
    names += [r.path for r in (before or [])[:limit] if r.path not in now]
    paths = []
    for name in names:
        current = _numbers(now.get(name))
        base = None if prior is None else _numbers(prior.get(name))
        paths.append({
            "path": name, **_compared(current, base),
            "conversion_rate": _rate(current), "status": _status(name, now, prior),
        })  # fmt: skip
    totals = _compared(_sum(rows), None if before is None else _sum(before))
    totals.update(with_change("distinct_paths", len(rows),
                              None if before is None else len(before)))  # fmt: skip
    return {
        **span.as_json(),
        "paths": paths,
        "distinct_paths": len(rows),
        "totals": {"distinct_paths": len(rows), **totals},
        "graph": _plot(rows[:limit], prior).as_json(),
    }


def paths_csv(data: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """One row per listed path with the comparison columns and its status, then the totals
    of every path (status `total`)."""
    columns = [f"{m}{s}" for m in MEASURES for s in _SUFFIXES]
    header = ["path", *columns, "status"]
    rows = [[p["path"], *(p[c] for c in columns), p["status"]] for p in data["paths"]]
    rows.append(["All paths", *(data["totals"][c] for c in columns), "total"])
    return header, rows
