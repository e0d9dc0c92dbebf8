"""Fixed-horizon tests: two-proportion z-test and Welch's t-test, with lift intervals.

Both report the absolute lift (B - A) with a Wald interval and the relative lift (B / A - 1)
with a delta-method interval. p-values are two-sided. The z statistic uses the pooled rate,
as statsmodels' `proportions_ztest` does; the interval on the difference uses unpooled
variances, as its `confint_proportions_2indep(method="wald")` does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from tandem.core import InvalidInput


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def contains(self, x: float) -> bool:
        return self.low <= x <= self.high


@dataclass(frozen=True)
class LiftTest:
    """The comparison of B against A. `relative_*` are None when A's mean is zero."""

    mean_a: float
    mean_b: float
    n_a: int
    n_b: int
    absolute_lift: float
    absolute_interval: Interval
    relative_lift: float | None
    relative_interval: Interval | None
    statistic: float
    p_value: float
    alpha: float
    kind: str  # "proportions" or "means"

    @property
    def significant(self) -> bool:
        return self.p_value < self.alpha


def _check_alpha(alpha: float) -> None:
    if not 0.0 < alpha < 0.5:
        raise InvalidInput(
            f"alpha must be between 0 and 0.5, got {alpha}", field="alpha"
        )


def _count(name: str, value: int) -> int:
    if isinstance(value, bool) or int(value) != value or value < 0:
        raise InvalidInput(
            f"{name} must be a whole number >= 0, got {value!r}", field=name
        )
    return int(value)


def _relative(
    mean_a: float, mean_b: float, var_a: float, var_b: float, z: float
) -> tuple[float | None, Interval | None]:
    """B / A - 1 with the delta-method standard error of the ratio."""
    if mean_a == 0:
        return None, None
    ratio = mean_b / mean_a
    se = math.sqrt(var_b / mean_a**2 + mean_b**2 * var_a / mean_a**4)
    return ratio - 1.0, Interval(ratio - 1.0 - z * se, ratio - 1.0 + z * se)


def two_proportions(
    conv_a: int, n_a: int, conv_b: int, n_b: int, *, alpha: float = 0.05
) -> LiftTest:
    """Two-proportion z-test of B's conversion rate against A's.

    With no conversions (or only conversions) in both groups there is no evidence either way:
    the statistic is 0 and the p-value 1.
    """
    _check_alpha(alpha)
    conv_a, n_a = _count("conv_a", conv_a), _count("n_a", n_a)
    conv_b, n_b = _count("conv_b", conv_b), _count("n_b", n_b)
    for conv, n, group in ((conv_a, n_a, "a"), (conv_b, n_b, "b")):
        if n == 0 or conv > n:
            raise InvalidInput(
                f"group {group.upper()} needs n_{group} > 0 and conv_{group} <= n_{group}; "
                f"got {conv} of {n}",
                field=f"n_{group}",
            )
    p_a, p_b = conv_a / n_a, conv_b / n_b
    pooled = (conv_a + conv_b) / (n_a + n_b)
    se_pooled = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n_a + 1.0 / n_b))
    statistic = (p_b - p_a) / se_pooled if se_pooled > 0 else 0.0
    p_value = float(2.0 * stats.norm.sf(abs(statistic)))
    var_a, var_b = p_a * (1.0 - p_a) / n_a, p_b * (1.0 - p_b) / n_b
    z = float(stats.norm.ppf(1.0 - alpha / 2.0))
    half = z * math.sqrt(var_a + var_b)
    relative, relative_interval = _relative(p_a, p_b, var_a, var_b, z)
    return LiftTest(
        mean_a=p_a,
        mean_b=p_b,
        n_a=n_a,
        n_b=n_b,
        absolute_lift=p_b - p_a,
        absolute_interval=Interval(p_b - p_a - half, p_b - p_a + half),
        relative_lift=relative,
        relative_interval=relative_interval,
        statistic=statistic,
        p_value=p_value,
        alpha=alpha,
        kind="proportions",
    )


def welch(
    mean_a: float,
    sd_a: float,
    n_a: int,
    mean_b: float,
    sd_b: float,
    n_b: int,
    *,
    alpha: float = 0.05,
) -> LiftTest:
    """Welch's t-test of B's mean (e.g. revenue per visitor) against A's, from summaries.

    `sd_*` are sample standard deviations (ddof = 1). Degrees of freedom by Welch-Satterthwaite;
    the same t quantile sets the relative interval.
    """
    _check_alpha(alpha)
    for name, n in (("n_a", n_a), ("n_b", n_b)):
        if _count(name, n) < 2:
            raise InvalidInput(
                f"{name} must be at least 2 for a t-test, got {n}", field=name
            )
    for name, sd in (("sd_a", sd_a), ("sd_b", sd_b)):
        if not sd >= 0 or not math.isfinite(sd):
            raise InvalidInput(
                f"{name} must be a finite number >= 0, got {sd}", field=name
            )
    var_a, var_b = sd_a**2 / n_a, sd_b**2 / n_b
    se = math.sqrt(var_a + var_b)
    diff = mean_b - mean_a
    if se == 0:
        statistic, df, p_value = 0.0, float(n_a + n_b - 2), 1.0 if diff == 0 else 0.0
    else:
        df = se**4 / (var_a**2 / (n_a - 1) + var_b**2 / (n_b - 1))
        statistic = diff / se
        p_value = float(2.0 * stats.t.sf(abs(statistic), df))
    t = float(stats.t.ppf(1.0 - alpha / 2.0, df))
    relative, relative_interval = _relative(mean_a, mean_b, var_a, var_b, t)
    return LiftTest(
        mean_a=mean_a,
        mean_b=mean_b,
        n_a=n_a,
        n_b=n_b,
        absolute_lift=diff,
        absolute_interval=Interval(diff - t * se, diff + t * se),
        relative_lift=relative,
        relative_interval=relative_interval,
        statistic=statistic,
        p_value=p_value,
        alpha=alpha,
        kind="means",
    )
