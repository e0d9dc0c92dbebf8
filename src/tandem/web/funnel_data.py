"""Page data of funnels (ad hoc and saved), shared by the HTML pages, the REST API and the CLI."""

from __future__ import annotations

from datetime import timedelta

from tandem.core import InvalidInput
from tandem.measure import SqlRunner
from tandem.measure.funnels import DEFAULT_WINDOW, Step, StepResult, funnel
from tandem.measure.saved_funnels import FunnelIn, SavedFunnel, funnel_json
from tandem.web import plots
from tandem.web.measure_data import Range, with_change

FORM_ROWS = 6  # step rows the form shows; the API takes up to MAX_STEPS


def _steps(
    results: list[StepResult], before: list[StepResult] | None
) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for i, r in enumerate(results):
        prior = before[i] if before else None
        out.append(
            {
                "step": r.step.label,
                "people": r.people,
                "of_first": r.of_first,
                "of_previous": r.of_previous,
                "dropped": r.dropped,
                "median_seconds": r.median_seconds,
                **with_change("people", r.people, prior.people if prior else None),
                **with_change(
                    "of_first", r.of_first, prior.of_first if prior else None
                ),
            }
        )
    return out


def funnel_data(
    runner: SqlRunner,
    workspace_id: str,
    span: Range,
    steps: list[Step],
    window: timedelta = DEFAULT_WINDOW,
) -> dict[str, object]:
    current = funnel(runner, workspace_id=workspace_id, steps=steps,
                     since=span.period.since, until=span.period.until, window=window)  # fmt: skip
    labels = [s.label for s in steps]
    traces = [plots.Trace("People", labels, [r.people for r in current], kind="bar")]
    before: list[StepResult] | None = None
    if span.comparison:
        before = funnel(runner, workspace_id=workspace_id, steps=steps,
                        since=span.comparison.since, until=span.comparison.until,
                        window=window)  # fmt: skip
        traces.append(plots.Trace("People, comparison period", labels,
                                  [r.people for r in before], kind="bar"))  # fmt: skip
    return {
        **span.as_json(),
        "step_texts": labels,
        "window_days": window.days,
        "steps": _steps(current, before),
        "graph": plots.figure(
            "funnel",
            "People reaching each step",
            traces,
            y_title="People",
            barmode="group",
        ).as_json(),  # fmt: skip
    }


def saved_funnel_data(
    runner: SqlRunner, workspace_id: str, span: Range, saved: SavedFunnel
) -> dict[str, object]:
    data = funnel_data(runner, workspace_id, span, list(saved.steps), saved.window)
    return {**data, "funnel": funnel_json(saved)}


def funnel_csv(data: dict[str, object]) -> tuple[list[str], list[list[object]]]:
    header = ["step", "people", "of_first", "of_previous", "dropped", "median_seconds",
              "people_comparison", "people_change", "people_change_pct",
              "of_first_comparison", "of_first_change", "of_first_change_pct"]  # fmt: skip
    rows = [[s.get(k) for k in header] for s in data["steps"]]  # type: ignore[attr-defined]
    return header, rows


def funnel_form(form: dict[str, list[str]]) -> FunnelIn:
    """The saved-funnel form: name, window_days and paired `match`/`value` rows.

    Rows without a match are skipped; the indexes in errors count the rows kept, as the
    API's do.
    """
    matches, values = form.get("match", []), form.get("value", [])
    pairs = [(m, values[i] if i < len(values) else "") for i, m in enumerate(matches)]
    steps = [(m, v) for m, v in pairs if m.strip()]
    window = (form.get("window_days") or ["30"])[0].strip() or "30"
    try:
        days = int(window)
    except ValueError:
        raise InvalidInput(
            f"window_days: give a whole number of days, not {window[:20]!r}.",
            field="window_days",
        ) from None
    return FunnelIn(name=(form.get("name") or [""])[0], steps=steps, window_days=days)
