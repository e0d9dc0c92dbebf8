"""Plain-words verdicts with their caveats, so a result is read the way its statistics allow.

The order matters: a sample ratio mismatch overrides everything (every number is suspect),
then too little data, then the test itself. Caveats travel with every verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.analytics.experiments.frequentist import LiftTest
from tandem.analytics.experiments.srm import SrmResult

MIN_PER_VARIANT = 100  # visitors
MIN_CONVERSIONS = 20  # both variants together, for conversion metrics


@dataclass(frozen=True)
class Verdict:
    outcome: (
        str  # "better", "worse", "no_difference", "not_enough_data", "untrustworthy"
    )
    headline: str
    caveats: tuple[str, ...]


def _pct(x: float) -> str:
    return f"{x * 100:+.1f}%"


def _lift_words(test: LiftTest) -> str:
    if test.relative_lift is not None and test.relative_interval is not None:
        ci = test.relative_interval
        return f"{_pct(test.relative_lift)} (from {_pct(ci.low)} to {_pct(ci.high)})"
    ci = test.absolute_interval
    return f"{test.absolute_lift:+.4g} (from {ci.low:+.4g} to {ci.high:+.4g})"


def verdict(
    test: LiftTest,
    *,
    srm: SrmResult | None = None,
    planned_per_variant: int | None = None,
    peeking: bool = False,
) -> Verdict:
    """What the result says about B against A, and what not to conclude from it."""
    confidence = f"{(1 - test.alpha) * 100:.0f}%"
    caveats: list[str] = []
    if planned_per_variant and min(test.n_a, test.n_b) < planned_per_variant:
        caveats.append(
            f"stopped before the planned {planned_per_variant:,} visitors per variant: "
            "a fixed-horizon test is only valid at its planned size"
        )
    if peeking:
        caveats.append(
            "results were checked repeatedly: use the sequential (always-valid) result, "
            "this p-value overstates the evidence"
        )
    if srm is not None and srm.mismatch:
        return Verdict(
            "untrustworthy",
            "Sample ratio mismatch: don't trust this",
            (
                f"the variants got {test.n_a:,} and {test.n_b:,} visitors where the split "
                f"expected {srm.expected[0]:,.0f} and {srm.expected[1]:,.0f} "
                f"(p = {srm.p_value:.2g}); find the cause (redirects, bot filters, assignment) "
                "before reading any metric",
                *caveats,
            ),
        )
    thin = min(test.n_a, test.n_b) < MIN_PER_VARIANT
    if test.kind == "proportions":
        thin |= round(test.mean_a * test.n_a + test.mean_b * test.n_b) < MIN_CONVERSIONS
    if thin:
        return Verdict(
            "not_enough_data",
            "Not enough data yet",
            (
                f"need at least {MIN_PER_VARIANT} visitors per variant"
                + (
                    f" and {MIN_CONVERSIONS} conversions"
                    if test.kind == "proportions"
                    else ""
                ),
                *caveats,
            ),
        )
    lift = _lift_words(test)
    if test.significant:
        better = test.absolute_lift > 0
        return Verdict(
            "better" if better else "worse",
            f"B is {'better' if better else 'worse'} than A: {lift}, {confidence} confidence",
            (
                f"p = {test.p_value:.2g}: a difference this large would be rare if A and B "
                "were the same, but the true lift can be anywhere in the interval",
                *caveats,
            ),
        )
    return Verdict(
        "no_difference",
        "No clear difference yet",
        (
            f"the data are consistent with a lift of {lift}; more visitors narrow that range",
            "no difference found is not proof of no difference",
            *caveats,
        ),
    )
