"""An experiment's result: counts per variant (warehouse or by hand) and its statistics.

Counting: a person is assigned by their first event carrying `exp:<key>` in the period;
they convert when a conversion (of the metric's name, if set) follows the assignment
before the period ends. Revenue is the value of those conversions per assigned person.
The control is the first variant; each other variant is compared with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tandem.analytics import experiments as stats
from tandem.core.errors import InvalidInput
from tandem.measure.experiments import Experiment
from tandem.measure.journeys import SqlRunner
from tandem.measure.people import PEOPLE_CTE

COUNTS_SQL = (
    PEOPLE_CTE
    + """,
assigned AS (
    SELECT person, variant, assigned_at FROM (
        SELECT person, props ->> :prop AS variant, occurred_at AS assigned_at,
               ROW_NUMBER() OVER (PARTITION BY person ORDER BY occurred_at, event_id) AS rn
        FROM ev
        WHERE occurred_at >= :since AND props ->> :prop IS NOT NULL
    ) ranked
    WHERE rn = 1
),
outcome AS (
    SELECT a.person, a.variant,
           MAX(CASE WHEN e.event_id IS NULL THEN 0 ELSE 1 END) AS converted,
           COALESCE(SUM(e.value), 0) AS revenue
    FROM assigned a
    LEFT JOIN ev e ON e.person = a.person AND e.type = 'conversion'
     AND e.occurred_at >= a.assigned_at AND (:event = '' OR e.name = :event)
    GROUP BY a.person, a.variant
)
SELECT variant, COUNT(*), SUM(converted), SUM(revenue), SUM(revenue * revenue)
FROM outcome
GROUP BY variant
"""
)


@dataclass(frozen=True)
class VariantCounts:
    name: str
    visitors: int
    conversions: int
    revenue: float = 0.0
    revenue_squares: float = 0.0

    @property
    def rate(self) -> float:
        return self.conversions / self.visitors if self.visitors else 0.0

    @property
    def revenue_per_visitor(self) -> float:
        return self.revenue / self.visitors if self.visitors else 0.0

    @property
    def revenue_sd(self) -> float:
        n = self.visitors
        if n < 2:
            return 0.0
        mean = self.revenue / n
        return math.sqrt(max(self.revenue_squares - n * mean * mean, 0.0) / (n - 1))


@dataclass(frozen=True)
class Comparison:
    variant: str
    test: stats.LiftTest | None  # None when there is too little data to test
    verdict: stats.Verdict
    bayes: stats.BayesResult | None  # conversion metric only
    sequential: stats.SequentialResult | None  # conversion metric only


@dataclass(frozen=True)
class ExperimentResult:
    experiment: Experiment
    source: str  # "warehouse" or "hand"
    counts: tuple[VariantCounts, ...]
    srm: stats.SrmResult | None
    comparisons: tuple[Comparison, ...]
    unknown_variants: tuple[
        str, ...
    ]  # assignments to names the experiment does not have


def warehouse_counts(
    runner: SqlRunner, experiment: Experiment, *, workspace_id: str, since: datetime,
    until: datetime,
) -> tuple[list[VariantCounts], list[str]]:  # fmt: skip
    params: dict[str, Any] = {
        "ws": workspace_id,
        "prop": experiment.property_name,
        "since": since,
        "until": until,
        "event": experiment.metric_event,
    }
    found = {
        str(v): VariantCounts(str(v), int(n), int(c), float(r or 0), float(r2 or 0))
        for v, n, c, r, r2 in runner.rows(COUNTS_SQL, params)
    }
    names = [v.name for v in experiment.variants]
    counts = [found.get(n, VariantCounts(n, 0, 0)) for n in names]
    return counts, sorted(set(found) - set(names))


def _compare(
    experiment: Experiment,
    a: VariantCounts,
    b: VariantCounts,
    srm: stats.SrmResult | None,
) -> Comparison:
    test: stats.LiftTest | None = None
    try:
        if experiment.metric == "revenue":
            test = stats.welch(
                a.revenue_per_visitor, a.revenue_sd, a.visitors,
                b.revenue_per_visitor, b.revenue_sd, b.visitors,
            )  # fmt: skip
        else:
            test = stats.two_proportions(
                a.conversions, a.visitors, b.conversions, b.visitors
            )
    except (InvalidInput, ValueError, ZeroDivisionError):
        test = None
    if test is None:
        words = stats.Verdict(
            "not_enough_data",
            "Not enough data yet",
            ("each variant needs visitors (and, for revenue, some spread in value)",),
        )
        return Comparison(b.name, None, words, None, None)
    words = stats.verdict(
        test, srm=srm, planned_per_variant=experiment.planned_per_variant, peeking=True
    )
    bayes = sequential = None
    if experiment.metric == "conversion":
        bayes = stats.prob_b_beats_a(
            a.conversions, a.visitors, b.conversions, b.visitors
        )
        sequential = stats.sequential_proportions(
            [(a.conversions, a.visitors, b.conversions, b.visitors)]
        )
    return Comparison(b.name, test, words, bayes, sequential)


def experiment_result(
    experiment: Experiment,
    *,
    runner: SqlRunner | None,
    workspace_id: str,
    since: datetime,
    until: datetime,
) -> ExperimentResult:
    """Hand counts when the experiment has them, else counts from the warehouse."""
    unknown: list[str] = []
    if experiment.counts is not None:
        source = "hand"
        counts = [
            VariantCounts(v.name, *experiment.counts[v.name])
            for v in experiment.variants
        ]
    elif runner is None:
        source = "warehouse"
        counts = [VariantCounts(v.name, 0, 0) for v in experiment.variants]
    else:
        source = "warehouse"
        counts, unknown = warehouse_counts(
            runner, experiment, workspace_id=workspace_id, since=since, until=until
        )
    srm = None
    if sum(c.visitors for c in counts) > 0:
        srm = stats.srm(
            [c.visitors for c in counts], [v.weight for v in experiment.variants]
        )
    control = counts[0]
    return ExperimentResult(
        experiment=experiment,
        source=source,
        counts=tuple(counts),
        srm=srm,
        comparisons=tuple(_compare(experiment, control, b, srm) for b in counts[1:]),
        unknown_variants=tuple(unknown),
    )


@dataclass(frozen=True)
class Plan:
    per_variant: int
    days: int | None


def plan(
    *, baseline: float, mde: float, variants: int, daily_visitors: float | None
) -> Plan:
    """Visitors per variant to detect a relative change `mde` of `baseline`, and days."""
    if not 0 < baseline < 1:
        raise InvalidInput(
            "baseline is a rate between 0 and 1 (e.g. 0.04).", field="baseline"
        )
    if not 0 < mde < 10:
        raise InvalidInput(
            "mde is the relative change to detect, e.g. 0.1 for +10%.", field="mde"
        )
    try:
        per_variant = stats.sample_size_proportions(baseline, mde, relative=True)
    except InvalidInput as exc:
        raise InvalidInput(str(exc), field="mde") from exc
    days = (
        stats.duration_days(per_variant, variants, daily_visitors)
        if daily_visitors
        else None
    )
    return Plan(per_variant, days)
