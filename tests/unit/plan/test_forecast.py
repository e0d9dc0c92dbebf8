"""Goal forecasts: intervals, chances and statuses for totals and rates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tandem.plan import DayValue, GoalMetric, GoalStatus, forecast

START = date(2026, 1, 1)
DEADLINE = date(2026, 3, 31)  # 90 days


def steady(per_day: float, days: int, denominator: float = 0.0) -> list[DayValue]:
    return [
        DayValue(START + timedelta(days=i), per_day, denominator) for i in range(days)
    ]


def test_a_steady_pace_above_the_target_is_on_track():
    # 6 leads a day for 30 days = 180; 60 days left at ~6/day -> ~540 against 500
    result = forecast(
        GoalMetric.CONVERSIONS,
        500,
        start=START,
        deadline=DEADLINE,
        today=START + timedelta(days=29),
        series=steady(6, 30),
    )
    assert result.model == "poisson"
    assert result.progress == 180
    assert result.expected == pytest.approx(180 + 180.5 * 60 / 30)
    assert result.low < result.expected < result.high
    assert result.chance > 0.8
    assert result.status is GoalStatus.ON_TRACK
    assert "on track" in result.explanation and "2026-03-31" in result.explanation


def test_a_pace_far_below_the_target_is_off_track():
    result = forecast(
        GoalMetric.CONVERSIONS,
        500,
        start=START,
        deadline=DEADLINE,
        today=START + timedelta(days=29),
        series=steady(2, 30),
    )
    assert result.status is GoalStatus.OFF_TRACK
    assert result.high < 500


def test_a_pace_right_at_the_target_is_at_risk():
    # 5.5 a day for 90 days = 495 expected: a coin toss around 500
    result = forecast(
        GoalMetric.CONVERSIONS,
        500,
        start=START,
        deadline=DEADLINE,
        today=START + timedelta(days=44),
        series=steady(5.5, 45),
    )
    assert result.status is GoalStatus.AT_RISK
    assert 0.4 <= result.chance < 0.8


def test_money_uses_the_daily_mean_model_with_a_wider_interval_for_noisy_days():
    calm = [DayValue(START + timedelta(days=i), 100.0) for i in range(30)]
    noisy = [
        DayValue(START + timedelta(days=i), 0.0 if i % 2 else 200.0) for i in range(30)
    ]
    a = forecast(
        GoalMetric.REVENUE,
        9000,
        start=START,
        deadline=DEADLINE,
        today=START + timedelta(days=29),
        series=calm,
    )
    b = forecast(
        GoalMetric.REVENUE,
        9000,
        start=START,
        deadline=DEADLINE,
        today=START + timedelta(days=29),
        series=noisy,
    )
    assert a.model == b.model == "daily-mean"
    assert a.expected == pytest.approx(b.expected) == pytest.approx(9000)
    assert (b.high - b.low) > (a.high - a.low)


def test_a_goal_already_reached_is_achieved_and_a_past_short_one_is_missed():
    reached = forecast(
        GoalMetric.CLICKS,
        100,
        start=START,
        deadline=DEADLINE,
        today=START + timedelta(days=9),
        series=steady(20, 10),
    )
    assert reached.status is GoalStatus.ACHIEVED
    missed = forecast(
        GoalMetric.CLICKS,
        10_000,
        start=START,
        deadline=DEADLINE,
        today=DEADLINE + timedelta(days=1),
        series=steady(20, 90),
    )
    assert missed.status is GoalStatus.MISSED
    assert missed.progress == 1800


def test_a_goal_that_has_not_started_says_so():
    result = forecast(
        GoalMetric.CONVERSIONS,
        10,
        start=START,
        deadline=DEADLINE,
        today=START - timedelta(days=1),
        series=[],
    )
    assert result.status is GoalStatus.NOT_STARTED
    assert result.expected is None


def test_a_rate_goal_compares_the_ratio_and_its_interval_with_the_target():
    # 4.5% engagement on 1,000 impressions a day, wobbling: target 4%
    series = [
        DayValue(START + timedelta(days=i), 45.0 + (5 if i % 2 else -5), 1000.0)
        for i in range(20)
    ]
    result = forecast(
        GoalMetric.ENGAGEMENT_RATE,
        0.04,
        start=START,
        deadline=DEADLINE,
        today=START + timedelta(days=19),
        series=series,
    )
    assert result.model == "ratio"
    assert result.progress == pytest.approx(0.045)
    assert result.low < 0.045 < result.high
    assert result.status is GoalStatus.ON_TRACK
    assert "4.50%" in result.explanation


def test_for_cpa_lower_is_better():
    series = [
        DayValue(START + timedelta(days=i), 100.0, 2.0) for i in range(10)
    ]  # CPA 50
    result = forecast(
        GoalMetric.CPA,
        40,
        start=START,
        deadline=DEADLINE,
        today=START + timedelta(days=9),
        series=series,
    )
    assert result.progress == pytest.approx(50)
    assert result.status is GoalStatus.OFF_TRACK


def test_a_rate_without_its_denominator_has_no_value_not_a_crash():
    result = forecast(
        GoalMetric.CTR,
        0.02,
        start=START,
        deadline=DEADLINE,
        today=START + timedelta(days=5),
        series=[],
    )
    assert result.progress is None
    assert "zero" in result.explanation
