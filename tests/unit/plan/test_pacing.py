"""Budget pacing against a straight-line plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tandem.plan import Pacing, pace

START, END = date(2026, 11, 1), date(2026, 11, 30)  # 30 days, budget 3,000 = 100/day


def days(amount: float, n: int) -> list[tuple[date, float]]:
    return [(START + timedelta(days=i), amount) for i in range(n)]


def run(daily, today, budget=3000.0, threshold=0.1):
    return pace(
        budget=budget,
        start=START,
        end=END,
        today=today,
        daily=daily,
        threshold=threshold,
        currency="EUR",
    )


def test_spending_the_planned_amount_a_day_is_on_pace():
    r = run(days(100, 10), START + timedelta(days=9))
    assert r.spent == 1000 and r.planned_to_date == pytest.approx(1000)
    assert r.projected == pytest.approx(3000)
    assert r.state is Pacing.ON_PACE


def test_spending_half_again_as_fast_is_over_pacing():
    r = run(days(150, 10), START + timedelta(days=9))
    assert r.projected == pytest.approx(1500 + 150 * 20)
    assert r.ratio == pytest.approx(1.5)
    assert r.state is Pacing.OVER
    assert "over-pacing" in r.explanation


def test_spending_slowly_is_under_pacing():
    assert run(days(50, 10), START + timedelta(days=9)).state is Pacing.UNDER


def test_a_report_a_day_late_is_projected_from_the_last_day_with_data():
    # data through day 10, today is day 11: the missing day is not read as zero spend
    r = run(days(100, 10), START + timedelta(days=10))
    assert r.projected == pytest.approx(3000)
    assert r.state is Pacing.ON_PACE


def test_the_run_rate_follows_the_last_seven_days():
    daily = days(50, 10) + [(START + timedelta(days=10 + i), 200.0) for i in range(7)]
    r = run(daily, START + timedelta(days=16))
    assert r.run_rate == pytest.approx(200)


def test_no_budget_and_not_started_and_ended_are_reported_as_such():
    assert (
        run(days(10, 3), START + timedelta(days=2), budget=0).state is Pacing.NO_BUDGET
    )
    assert run([], START - timedelta(days=1)).state is Pacing.NOT_STARTED
    ended = run(days(100, 30), END + timedelta(days=1))
    assert ended.state is Pacing.ENDED and ended.projected == 3000
