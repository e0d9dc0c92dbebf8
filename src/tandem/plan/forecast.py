"""Where a goal will land by its deadline, with a 90% interval and a status in words.

Totals (conversions, revenue, clicks...) are forecast at the pace observed so far:
- counts that behave like independent events (daily variance at most twice the mean) use a
  Poisson model with a Jeffreys prior: rate ~ Gamma(n + 1/2, days), so the rest of the
  period follows a negative binomial (the Gamma-Poisson predictive);
- everything else (money, bursty counts) uses the daily mean and spread: the remaining sum
  is normal with variance r·s² + r²·s²/e (day-to-day noise plus the uncertainty of the
  mean), with Student-t quantiles for small samples.
Rates (engagement rate, CTR, ROAS, CPA) are forecast to stay where they are: the ratio of
sums so far, with the standard error of a ratio estimator over days.

The chance of reaching the target sets the status: on track from 80%, at risk from 40%,
off track below. docs/plan.md explains the models for users.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tandem.plan.model import COUNT_METRICS, GoalMetric, GoalStatus


def _stats() -> Any:
    """scipy.stats, imported on first use: it costs ~0.6 s, which every `tandem` command
    (and every worker restart) would otherwise pay at start-up."""
    from scipy import stats

    return stats


LEVEL = 0.90
ON_TRACK_FROM = 0.80
AT_RISK_FROM = 0.40


@dataclass(frozen=True)
class DayValue:
    """One day of a goal's metric: the value (totals) or numerator/denominator (rates)."""

    day: date
    numerator: float
    denominator: float = 0.0


@dataclass(frozen=True)
class Forecast:
    progress: float | None  # the total so far, or the rate so far (None: no data yet)
    expected: float | None  # at the deadline
    low: float | None  # 90% interval of the value at the deadline
    high: float | None
    chance: float | None  # probability of meeting the target
    status: GoalStatus
    model: str  # "poisson", "daily-mean", "ratio" or "" (nothing to forecast)
    explanation: str


def _fmt(metric: GoalMetric, value: float) -> str:
    if metric.is_total:
        return f"{value:,.0f}" if metric in COUNT_METRICS else f"{value:,.2f}"
    if metric in (GoalMetric.ROAS,):
        return f"{value:.2f}"
    if metric is GoalMetric.CPA:
        return f"{value:,.2f}"
    return f"{value * 100:.2f}%"


def _status(chance: float) -> GoalStatus:
    if chance >= ON_TRACK_FROM:
        return GoalStatus.ON_TRACK
    if chance >= AT_RISK_FROM:
        return GoalStatus.AT_RISK
    return GoalStatus.OFF_TRACK


def _by_day(series: Sequence[DayValue], start: date, last: date) -> list[DayValue]:
    """One entry per day in [start, last]; days without data count as zero."""
    seen: dict[date, tuple[float, float]] = {}
    for item in series:
        if start <= item.day <= last:
            n, d = seen.get(item.day, (0.0, 0.0))
            seen[item.day] = (n + item.numerator, d + item.denominator)
    days = (last - start).days + 1
    out = []
    for i in range(days):
        day = date.fromordinal(start.toordinal() + i)
        n, d = seen.get(day, (0.0, 0.0))
        out.append(DayValue(day, n, d))
    return out


def forecast(
    metric: GoalMetric,
    target: float,
    *,
    start: date,
    deadline: date,
    today: date,
    series: Sequence[DayValue],
) -> Forecast:
    """The goal's forecast as of `today` (days up to and including today are observed)."""
    if today < start:
        return Forecast(
            None,
            None,
            None,
            None,
            None,
            GoalStatus.NOT_STARTED,
            "",
            f"The goal starts on {start.isoformat()}; nothing to measure yet.",
        )
    last = min(today, deadline)
    days = _by_day(series, start, last)
    if metric.is_total:
        return _total(metric, target, days, deadline, today)
    return _rate(metric, target, days, deadline, today)


def _total(
    metric: GoalMetric,
    target: float,
    days: list[DayValue],
    deadline: date,
    today: date,
) -> Forecast:
    values = [d.numerator for d in days]
    so_far = sum(values)
    elapsed = len(values)
    remaining = max(0, (deadline - today).days)
    reached = so_far >= target
    if reached or remaining == 0:
        if reached:
            status, chance = GoalStatus.ACHIEVED, 1.0
            words = f"Target reached: {_fmt(metric, so_far)} of {_fmt(metric, target)}."
        elif today > deadline:
            status, chance = GoalStatus.MISSED, 0.0
            words = f"The deadline passed at {_fmt(metric, so_far)} of {_fmt(metric, target)}."
        else:
            status, chance = GoalStatus.OFF_TRACK, 0.0
            words = f"Today is the last day: {_fmt(metric, so_far)} of {_fmt(metric, target)}."
        return Forecast(so_far, so_far, so_far, so_far, chance, status, "", words)
    mean = so_far / elapsed
    variance = statistics.variance(values) if elapsed >= 2 else mean
    need = target - so_far
    if metric in COUNT_METRICS and variance <= 2 * max(mean, 1e-9):
        model = "poisson"
        shape = so_far + 0.5
        p = elapsed / (elapsed + remaining)
        rest = _stats().nbinom(shape, p)
        low = so_far + float(rest.ppf((1 - LEVEL) / 2))
        high = so_far + float(rest.ppf(1 - (1 - LEVEL) / 2))
        expected = so_far + shape * remaining / elapsed
        chance = float(rest.sf(math.ceil(need) - 1))
    else:
        model = "daily-mean"
        spread = math.sqrt(remaining * variance + remaining**2 * variance / elapsed)
        expected = so_far + remaining * mean
        quantile = (
            float(_stats().t.ppf(1 - (1 - LEVEL) / 2, df=elapsed - 1))
            if elapsed >= 2
            else float(_stats().norm.ppf(1 - (1 - LEVEL) / 2))
        )
        low = max(so_far, expected - quantile * spread)
        high = expected + quantile * spread
        if spread == 0:
            chance = 1.0 if expected >= target else 0.0
        else:
            chance = float(_stats().norm.sf(target, loc=expected, scale=spread))
    status = _status(chance)
    words = (
        f"{_fmt(metric, so_far)} so far ({_fmt(metric, mean)} a day over {elapsed} days). "
        f"At this pace about {_fmt(metric, expected)} by {deadline.isoformat()} "
        f"(90% interval {_fmt(metric, low)} to {_fmt(metric, high)}) against a target of "
        f"{_fmt(metric, target)}: {status.label.lower()}, with about a {chance:.0%} chance of reaching it."
    )
    return Forecast(so_far, expected, low, high, chance, status, model, words)


def _rate(
    metric: GoalMetric,
    target: float,
    days: list[DayValue],
    deadline: date,
    today: date,
) -> Forecast:
    numerator = sum(d.numerator for d in days)
    denominator = sum(d.denominator for d in days)
    if not denominator:
        return Forecast(
            None,
            None,
            None,
            None,
            None,
            GoalStatus.NOT_STARTED if today < deadline else GoalStatus.MISSED,
            "",
            f"No data for the {metric.label.lower()} yet: its denominator is zero so far.",
        )
    q = numerator / denominator
    used = [d for d in days if d.denominator or d.numerator]
    n = len(used)
    se = 0.0
    if n >= 2:
        mean_d = denominator / n
        residual = sum((d.numerator - q * d.denominator) ** 2 for d in used)
        se = math.sqrt(residual / (n * (n - 1))) / mean_d
    z = float(_stats().norm.ppf(1 - (1 - LEVEL) / 2))
    low, high = max(0.0, q - z * se), q + z * se
    if se > 0:
        above = float(_stats().norm.sf(target, loc=q, scale=se))
    else:
        above = 1.0 if q >= target else 0.0
    chance = above if metric.higher_is_better else 1.0 - above
    if today >= deadline:
        met = q >= target if metric.higher_is_better else q <= target
        status = GoalStatus.ACHIEVED if met else GoalStatus.MISSED
    else:
        status = _status(chance)
    side = "at least" if metric.higher_is_better else "at most"
    words = (
        f"{metric.label} so far {_fmt(metric, q)} over {n} days with data "
        f"(90% interval {_fmt(metric, low)} to {_fmt(metric, high)}); the target is {side} "
        f"{_fmt(metric, target)}: {status.label.lower()}"
        + (f", about a {chance:.0%} chance of holding it." if today < deadline else ".")
    )
    return Forecast(q, q, low, high, chance, status, "ratio", words)
