"""The issue's "Done when": precision and recall of at least 0.9 on simulator data.

Each seed plants six bursts (half on an established word alone, half with new event words;
the first also spiked a week earlier) and four emerging terms, among decoys: big-but-steady
terms, terms with their own weekly or daily rhythm, a weekly chat that doubles volume, and
past bursts. `now` moves around the week so that the window holds Monday mornings, the
Tuesday chat, weekends and nights. The thresholds were tuned on seeds 100-107 and 200-215, not
on these.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tandem.listen import Trend, TrendKind, detect_trends
from tandem.sim.mentions import (
    Detection,
    MentionStream,
    score_detection,
    simulate_mentions,
)

MONDAY = datetime(2026, 11, 2, tzinfo=UTC)
CASES = [
    (
        1,
        MONDAY + timedelta(hours=11),
    ),  # Monday morning: #mondaymotivation in the window
    (2, MONDAY + timedelta(days=1, hours=22)),  # Tuesday night: the #trailtalk chat
    (3, MONDAY + timedelta(days=6, hours=18)),  # Sunday: #weekendvibes all window long
    (4, MONDAY + timedelta(days=3, hours=4)),  # Thursday before dawn
    (5, MONDAY + timedelta(days=4, hours=14)),  # Friday afternoon: lunch break included
    (6, MONDAY + timedelta(days=2, hours=9)),
]


@pytest.fixture(scope="module")
def runs() -> list[tuple[MentionStream, list[Trend], Detection]]:
    results = []
    for seed, now in CASES:
        stream = simulate_mentions(seed, now=now, bursts=6, emerging=4)
        trends = detect_trends(stream, now=now, limit=None)
        results.append((stream, trends, score_detection(stream.truth, trends)))
    return results


def test_precision_and_recall_are_at_least_0_9(
    runs: list[tuple[MentionStream, list[Trend], Detection]],
) -> None:
    found = sum(d.found for _, _, d in runs)
    planted = sum(len(s.truth.active) for s, _, _ in runs)
    reported = sum(len(t) for _, t, _ in runs)
    false = sum(d.false for _, _, d in runs)
    assert planted == 60
    assert (reported - false) / reported >= 0.9
    assert found / planted >= 0.9
    # And no single seed is carried by the others.
    for _, _, detection in runs:
        assert detection.precision >= 0.9, detection
        assert detection.recall >= 0.8, detection


def test_decoys_never_lead_a_trend(
    runs: list[tuple[MentionStream, list[Trend], Detection]],
) -> None:
    for stream, trends, _ in runs:
        assert not {t.label for t in trends} & stream.truth.decoys


def test_the_seasonal_decoys_would_fool_a_day_over_day_rule(
    runs: list[tuple[MentionStream, list[Trend], Detection]],
) -> None:
    """Guards the test itself: in these windows the rhythmic terms really do jump."""
    stream, trends, _ = runs[0]  # Monday 11:00
    now = stream.now
    texts = [
        m.text.casefold() for m in stream if now - timedelta(hours=48) <= m.created_at
    ]
    times = [m.created_at for m in stream if now - timedelta(hours=48) <= m.created_at]
    window = sum(
        "#mondaymotivation" in t
        for t, at in zip(texts, times, strict=True)
        if at >= now - timedelta(hours=24)
    )
    before = sum(
        "#mondaymotivation" in t
        for t, at in zip(texts, times, strict=True)
        if at < now - timedelta(hours=24)
    )
    assert window >= 50 and before == 0
    assert all("#mondaymotivation" not in t.keys for t in trends)


def test_trends_are_labelled_with_the_right_kind(
    runs: list[tuple[MentionStream, list[Trend], Detection]],
) -> None:
    checked = 0
    for stream, trends, _ in runs:
        for planted in stream.truth.active:
            matching = [t for t in trends if t.keys & planted.terms]
            if matching and planted.terms == {
                planted.key
            }:  # a spike of an established word
                assert matching[0].kind is TrendKind.BURST
                checked += 1
            elif matching and planted.kind is TrendKind.EMERGING:
                assert matching[0].kind is TrendKind.EMERGING
                checked += 1
    assert checked >= 40


def test_every_trend_explains_itself(
    runs: list[tuple[MentionStream, list[Trend], Detection]],
) -> None:
    for _, trends, _ in runs:
        for trend in trends:
            lead = trend.terms[0]
            assert trend.label == lead.key
            assert f"{lead.count} mentions in the last 24 h" in trend.why
            assert "the 24 h before" in trend.why
            assert lead.baseline and len(lead.hourly) == 24
            assert sum(lead.hourly) == lead.count
            assert 1 <= len(trend.examples) <= 3
            assert all(
                any(key in example.text.casefold() for key in _plain(trend))
                for example in trend.examples
            )


def _plain(trend: Trend) -> set[str]:
    return {k.removeprefix("#") for k in trend.keys if " " not in k}
