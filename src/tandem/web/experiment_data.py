"""Page data of the experiment list and page, shared by HTML and the REST API."""

from __future__ import annotations

from tandem.core import InvalidInput
from tandem.measure import SqlRunner
from tandem.measure.experiment_results import ExperimentResult, experiment_result, plan
from tandem.measure.experiments import Experiment, ExperimentIn
from tandem.web import plots
from tandem.web.measure_data import Range


def parse_variants(text: str) -> list[tuple[str, float]]:
    """`A:50, B:50` (weights optional: `A, B` splits evenly); errors name `variants`."""
    out: list[tuple[str, float]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, _, weight = part.partition(":")
        try:
            out.append((name.strip(), float(weight) if weight.strip() else 1.0))
        except ValueError:
            raise InvalidInput(
                f"The weight of {name.strip()!r} must be a number, as in A:50, B:50.",
                field="variants",
            ) from None
    return out


def experiment_form(form: dict[str, str]) -> ExperimentIn:
    return ExperimentIn(
        key=form.get("key", "").strip(),
        name=form.get("name", ""),
        variants=parse_variants(form.get("variants", "")),
        metric=form.get("metric", "conversion"),
        metric_event=form.get("metric_event", ""),
    )


def experiment_json(e: Experiment) -> dict[str, object]:
    return {
        "id": e.id,
        "key": e.key,
        "name": e.name,
        "property": e.property_name,
        "variants": [{"name": v.name, "weight": v.weight} for v in e.variants],
        "metric": e.metric,
        "metric_event": e.metric_event,
        "counts": (
            {k: {"visitors": v[0], "conversions": v[1]} for k, v in e.counts.items()}
            if e.counts is not None
            else None
        ),
        "planned_per_variant": e.planned_per_variant,
        "daily_visitors": e.daily_visitors,
        "created_at": e.created_at,
    }


def _result_json(result: ExperimentResult) -> dict[str, object]:
    srm = result.srm
    return {
        "source": result.source,
        "variants": [
            {
                "name": c.name,
                "visitors": c.visitors,
                "conversions": c.conversions,
                "rate": c.rate,
                "revenue": c.revenue,
                "revenue_per_visitor": c.revenue_per_visitor,
            }
            for c in result.counts
        ],
        "unknown_variants": list(result.unknown_variants),
        "srm": (
            {
                "p_value": srm.p_value,
                "mismatch": srm.mismatch,
                "expected": list(srm.expected),
            }
            if srm
            else None
        ),
        "comparisons": [
            {
                "variant": c.variant,
                "outcome": c.verdict.outcome,
                "headline": c.verdict.headline,
                "caveats": list(c.verdict.caveats),
                "lift": c.test.relative_lift if c.test else None,
                "lift_interval": (
                    [c.test.relative_interval.low, c.test.relative_interval.high]
                    if c.test and c.test.relative_interval
                    else None
                ),
                "absolute_lift": c.test.absolute_lift if c.test else None,
                "p_value": c.test.p_value if c.test else None,
                "prob_beats_control": c.bayes.prob_b_beats_a if c.bayes else None,
                "sequential_p_value": c.sequential.p_value if c.sequential else None,
                "sequential_significant": (
                    c.sequential.significant if c.sequential else None
                ),
            }
            for c in result.comparisons
        ],
    }


def experiment_data(
    runner: SqlRunner | None,
    workspace_id: str,
    span: Range,
    experiment: Experiment,
    *,
    baseline: float | None = None,
    mde: float = 0.1,
) -> dict[str, object]:
    result = experiment_result(experiment, runner=runner, workspace_id=workspace_id,
                               since=span.period.since, until=span.period.until)  # fmt: skip
    control = result.counts[0]
    rate = baseline if baseline is not None else (control.rate or None)
    planned = None
    if rate is not None and 0 < rate < 1:
        found = plan(baseline=rate, mde=mde, variants=len(result.counts),
                     daily_visitors=experiment.daily_visitors)  # fmt: skip
        planned = {"baseline": rate, "mde": mde, "per_variant": found.per_variant,
                   "days": found.days}  # fmt: skip
    elif baseline is not None:
        plan(baseline=baseline, mde=mde, variants=2, daily_visitors=None)  # raises
    metric = "revenue_per_visitor" if experiment.metric == "revenue" else "rate"
    plot = plots.figure(
        "experiment-variants",
        "Revenue per visitor by variant"
        if metric != "rate"
        else "Conversion rate by variant",
        [
            plots.Trace(
                experiment.metric.title(),
                [c.name for c in result.counts],
                [getattr(c, metric) for c in result.counts],
                kind="bar",
            )
        ],  # fmt: skip
    )
    return {
        "period": span.period,
        "comparison": span.comparison,
        "compare": span.compare,
        "experiment": experiment_json(experiment),
        "result": _result_json(result),
        "plan": planned,
        "graph": plot.as_json(),
    }
