"""Budget pacing: spent against a straight-line plan, and where the spend will end.

The plan spends the budget evenly over the campaign's days. The projection adds the recent
run rate (the mean daily spend of the last 7 days with data) times the days left after the
last day with data, so a report imported a day late does not read as under-pacing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tandem.plan.model import Pacing

RUN_RATE_DAYS = 7


@dataclass(frozen=True)
class PacingReport:
    budget: float
    spent: float
    planned_to_date: float
    projected: float
    run_rate: float  # per day
    ratio: float | None  # projected ÷ budget; None without a budget
    state: Pacing
    explanation: str


def pace(
    *,
    budget: float,
    start: date,
    end: date,
    today: date,
    daily: Sequence[tuple[date, float]],
    threshold: float,
    currency: str,
) -> PacingReport:
    """Pacing as of `today`; `daily` is spend per day in the budget's currency."""
    in_range = [(d, v) for d, v in daily if start <= d <= end]
    spent = sum(v for _, v in in_range)
    total_days = (end - start).days + 1
    money = f"{currency} {{:,.2f}}"
    if today < start:
        return PacingReport(
            budget,
            spent,
            0.0,
            spent,
            0.0,
            None,
            Pacing.NOT_STARTED,
            f"Starts on {start.isoformat()}.",
        )
    elapsed = (min(today, end) - start).days + 1
    planned = budget * elapsed / total_days
    observed = [d for d, v in in_range if d <= today and v]
    last = max(observed) if observed else start - timedelta(days=1)
    window_start = max(start, last - timedelta(days=RUN_RATE_DAYS - 1))
    window = [v for d, v in in_range if window_start <= d <= last]
    window_days = (last - window_start).days + 1
    run_rate = sum(window) / window_days if window_days > 0 else 0.0
    remaining = max(0, (end - last).days)
    projected = spent + run_rate * remaining if today <= end else spent
    if budget <= 0:
        return PacingReport(
            budget,
            spent,
            planned,
            projected,
            run_rate,
            None,
            Pacing.NO_BUDGET,
            f"No budget set; {money.format(spent)} spent so far.",
        )
    ratio = projected / budget
    if today > end:
        state = Pacing.ENDED
        words = (
            f"Ended on {end.isoformat()}: spent {money.format(spent)} of "
            f"{money.format(budget)} ({spent / budget:.0%})."
        )
        return PacingReport(
            budget, spent, planned, projected, run_rate, ratio, state, words
        )
    if ratio > 1 + threshold:
        state = Pacing.OVER
    elif ratio < 1 - threshold:
        state = Pacing.UNDER
    else:
        state = Pacing.ON_PACE
    words = (
        f"Spent {money.format(spent)} against {money.format(planned)} planned by today. "
        f"At {money.format(run_rate)} a day the campaign ends near {money.format(projected)}, "
        f"{ratio:.0%} of its {money.format(budget)} budget: {state.label.lower()} "
        f"(alert beyond ±{threshold:.0%})."
    )
    return PacingReport(
        budget, spent, planned, projected, run_rate, ratio, state, words
    )
