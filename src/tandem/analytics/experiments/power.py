"""Sample size and duration for a conversion-rate experiment.

Per variant, for a two-sided test at level alpha with the given power (normal approximation,
the formula behind most online calculators, e.g. Fleiss, Levin & Paik, ch. 4, without
continuity correction):

    n = (z_{1-alpha/2} sqrt(2 pbar (1 - pbar)) + z_{power} sqrt(p1 (1 - p1) + p2 (1 - p2)))^2
        / (p2 - p1)^2,  pbar = (p1 + p2) / 2
"""

from __future__ import annotations

import math

from scipy import stats

from tandem.core import InvalidInput


def sample_size_proportions(
    baseline: float,
    mde: float,
    alpha: float = 0.05,
    power: float = 0.8,
    *,
    relative: bool = False,
) -> int:
    """Visitors needed per variant to detect `mde`: an absolute change of the rate
    (0.01 = one percentage point), or a relative one (0.1 = +10 %) with `relative=True`.
    """
    if not 0 < baseline < 1:
        raise InvalidInput(
            f"baseline must be a rate between 0 and 1, got {baseline}", field="baseline"
        )
    if not 0 < alpha < 0.5 or not 0.5 <= power < 1:
        raise InvalidInput(
            "alpha must be in (0, 0.5) and power in [0.5, 1)", field="power"
        )
    p1 = baseline
    p2 = baseline * (1 + mde) if relative else baseline + mde
    if mde == 0 or not 0 < p2 < 1:
        raise InvalidInput(
            f"mde must be non-zero and keep the rate between 0 and 1 (baseline {baseline} "
            f"becomes {p2})",
            field="mde",
        )
    z_a = stats.norm.ppf(1 - alpha / 2)
    z_b = stats.norm.ppf(power)
    pbar = (p1 + p2) / 2
    root = z_a * math.sqrt(2 * pbar * (1 - pbar)) + z_b * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    return math.ceil(root**2 / (p2 - p1) ** 2)


def duration_days(
    per_variant: int,
    variants: int,
    daily_visitors: float,
    *,
    traffic_share: float = 1.0,
) -> int:
    """Whole days until every variant has `per_variant` visitors; at least 7 so every weekday
    is seen once (behaviour differs by weekday)."""
    if (
        per_variant <= 0
        or variants < 2
        or daily_visitors <= 0
        or not 0 < traffic_share <= 1
    ):
        raise InvalidInput(
            "need per_variant > 0, variants >= 2, daily_visitors > 0 and traffic_share in (0, 1]",
            field="daily_visitors",
        )
    return max(7, math.ceil(per_variant * variants / (daily_visitors * traffic_share)))
