"""Page data of the cohort view, shared by the HTML page, the REST API and the CSV export.

Besides the heatmap of the period's cohorts, each channel's cohorts are summed (people,
people active in week 1, revenue) for the period and the comparison period, with the
change, so the view compares like the other measure pages.
"""

from __future__ import annotations

from typing import Any

from tandem.measure import SqlRunner
from tandem.measure.cohorts import Cohort, cohorts
from tandem.web import plots
from tandem.web.measure_data import Range, with_change


def _cohort(c: Cohort) -> dict[str, object]:
    return {
        "week": c.week,
        "channel": c.channel,
        "people": c.people,
        "active": list(c.active),
        "retention": list(c.retention),
        "revenue": list(c.revenue),
    }


def _sums(found: list[Cohort]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for c in found:
        row = out.setdefault(c.channel, {"people": 0, "active_w1": 0, "revenue": 0.0})
        row["people"] += c.people
        row["active_w1"] += c.active[1] if len(c.active) > 1 else 0
        row["revenue"] += sum(c.revenue)
    for row in out.values():
        row["retention_w1"] = row["active_w1"] / row["people"] if row["people"] else 0.0
    return out


_MEASURES = ("people", "active_w1", "retention_w1", "revenue")


def _compared(
    current: dict[str, float], base: dict[str, float] | None
) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in _MEASURES:
        row[name] = current.get(name, 0.0)
        row.update(
            with_change(name, row[name], None if base is None else base.get(name, 0.0))
        )
    return row


def cohort_data(
    runner: SqlRunner, workspace_id: str, span: Range, weeks: int
) -> dict[str, object]:
    found = cohorts(runner, workspace_id=workspace_id, since=span.period.since,
                    until=span.period.until, weeks=weeks)  # fmt: skip
    before = (
        cohorts(
            runner,
            workspace_id=workspace_id,
            since=span.comparison.since,
            until=span.comparison.until,
            weeks=weeks,
        )  # fmt: skip
        if span.comparison
        else None
    )
    now, prior = _sums(found), _sums(before or [])
    names = list(now) + [c for c in prior if c not in now]
    channels = [
        {"channel": name, **_compared(now.get(name, {}),
                                      prior.get(name, {}) if before is not None else None)}
        for name in sorted(names, key=lambda n: (-now.get(n, {}).get("people", 0), n))
    ]  # fmt: skip
    total = {
        m: sum(r.get(m, 0.0) for r in now.values())
        for m in ("people", "active_w1", "revenue")
    }
    base = {
        m: sum(r.get(m, 0.0) for r in prior.values())
        for m in ("people", "active_w1", "revenue")
    }
    for t in (total, base):
        t["retention_w1"] = t["active_w1"] / t["people"] if t["people"] else 0.0
    plot = plots.heatmap(
        "cohort-retention",
        "Share of each cohort active, by week since first touch",
        x=[f"week {k}" for k in range(weeks)],
        y=[f"{c.week} {c.channel}" for c in found],
        z=[list(c.retention) for c in found],
        z_title="Active",
    )
    return {
        **span.as_json(),
        "weeks": weeks,
        "totals": {
            "channel": "All channels",
            **_compared(total, base if before is not None else None),
        },
        "channels": channels,
        "cohorts": [_cohort(c) for c in found],
        "graph": plot.as_json(),
    }


def cohort_csv(data: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """One row per cohort, then one summary row per channel with the comparison columns."""
    weeks = int(data["weeks"])
    compared = [
        f"{m}{x}"
        for m in _MEASURES
        for x in ("", "_comparison", "_change", "_change_pct")
    ]
    header = ["week", "channel", "people", *(f"active_w{k}" for k in range(weeks)),
              *(f"revenue_w{k}" for k in range(weeks)), *compared[1:]]  # fmt: skip
    blank = [None] * (len(compared) - 1)
    rows: list[list[Any]] = [
        [c["week"], c["channel"], c["people"], *c["active"], *c["revenue"], *blank]
        for c in data["cohorts"]
    ]
    for c in data["channels"]:
        rows.append(["all", c["channel"], c["people"], *[None] * (2 * weeks),
                     *(c[k] for k in compared[1:])])  # fmt: skip
    return header, rows
