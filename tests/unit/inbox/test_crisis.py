"""Crisis maths by hand: weights, baseline windows, median/MAD threshold, terms and words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tandem.inbox.crisis import (
    DAILY,
    WEEKLY,
    assess,
    explain,
    mad,
    sample_windows,
    top_terms,
    weight,
)

NOW = datetime(2026, 11, 2, 18, 30, tzinfo=UTC)


def test_crisis_intent_counts_double_and_spam_not_at_all():
    assert weight("crisis", "negative") == 2
    assert weight("crisis", "neutral") == 2
    assert weight("complaint", "negative") == 1
    assert weight("question", "neutral") == 0
    assert weight("spam", "negative") == 0


def test_four_weeks_of_history_use_the_same_hour_of_the_week():
    basis, windows = sample_windows(NOW, NOW - timedelta(days=40))
    assert basis == WEEKLY
    assert windows[0] == (NOW - timedelta(days=7, hours=1), NOW - timedelta(days=7))
    assert windows[-1] == (NOW - timedelta(days=28, hours=1), NOW - timedelta(days=28))
    assert len(windows) == 4


def test_short_history_uses_the_covered_previous_days():
    basis, windows = sample_windows(NOW, NOW - timedelta(days=3, hours=2))
    assert basis == DAILY
    assert [e for _, e in windows] == [NOW - timedelta(days=d) for d in (1, 2, 3)]
    assert sample_windows(NOW, None) == (DAILY, [])


def test_threshold_is_median_plus_k_robust_spread():
    # samples 4 6 5 7: median 5.5, |dev| 1.5 .5 .5 1.5 -> MAD 1.0, scaled 1.4826;
    # sqrt(5.5) = 2.345 is larger, so spread = 2.345 and threshold = 5.5 + 3 * 2.345.
    a = assess(13, [4, 6, 5, 7], k=3, minimum=10)
    assert a.median == 5.5 and a.mad == 1.0
    assert a.spread == pytest.approx(5.5**0.5)
    assert a.threshold == pytest.approx(12.5356, abs=1e-3)
    assert a.alert
    assert not assess(12, [4, 6, 5, 7], k=3, minimum=10).alert


def test_a_wide_baseline_uses_the_scaled_mad():
    # samples 0 10 20 30 40: median 20, |dev| 20 10 0 10 20 -> MAD 10 -> 14.826 > sqrt(20)
    a = assess(70, [0, 10, 20, 30, 40], k=3, minimum=10)
    assert a.mad == 10 and a.spread == pytest.approx(14.826)
    assert a.threshold == pytest.approx(64.478)
    assert a.alert


def test_three_angry_comments_at_night_page_nobody():
    # Far above a silent baseline (threshold 0 + 3 * 1), yet under the minimum of 10.
    a = assess(4, [0, 0, 0, 0], k=3, minimum=10)
    assert a.threshold == 3 and a.above_baseline and not a.alert
    assert assess(10, [0, 0, 0, 0], k=3, minimum=10).alert


def test_steady_volume_does_not_alert_because_counts_wobble():
    # The MAD of identical samples is 0; the Poisson floor sqrt(30) keeps 35 normal.
    assert not assess(35, [30, 30, 30, 30]).alert
    assert assess(60, [30, 30, 30, 30]).alert


def test_mad_of_nothing_is_zero():
    assert mad([]) == 0.0 and mad([3]) == 0.0


def test_top_terms_are_what_sets_the_burst_apart():
    burst = [
        "My charger caught fire",
        "charger fire, someone could be hurt",
        "the charger is dangerous",
        "late delivery again",
    ]
    background = ["late delivery", "delivery is late", "late again"]
    assert top_terms(burst, background, n=2) == ["charger", "fire"]
    assert top_terms([], background) == []


def test_the_explanation_says_why_in_words():
    a = assess(24, [2, 3, 4, 3], k=3, minimum=10)
    words = explain(a, ["fire", "charger"], ["It caught fire"], crisis_items=6)
    assert "last hour: 24" in words and "usual 3" in words
    assert "same hour of the week over the previous 4 weeks" in words
    assert "Top terms: fire, charger." in words
    assert "“It caught fire”" in words
