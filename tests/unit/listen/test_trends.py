import math
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from tandem.core.errors import InvalidInput
from tandem.listen import (
    Mention,
    TermKind,
    Topic,
    Trend,
    TrendCounter,
    TrendKind,
    detect,
    detect_trends,
)
from tandem.listen.counting import HourSeries, hour_of

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)  # a Tuesday, noon
HOUR = timedelta(hours=1)


def stream(
    text: str, per_hour: Callable[[datetime], int], weeks: int = 5
) -> list[Mention]:
    """`per_hour(hour)` mentions of `text` in every hour of the `weeks` before NOW."""
    mentions = []
    hour = NOW - timedelta(weeks=weeks)
    while hour < NOW:
        count = per_hour(hour)
        for i in range(count):
            at = hour + timedelta(seconds=i * 3600 // count)
            mentions.append(Mention(text=text, created_at=at, platform="mastodon"))
        hour += HOUR
    return mentions


def steady(rate: int) -> Callable[[datetime], int]:
    return lambda _hour: rate


def spiking(rate: int, extra: int, since: timedelta) -> Callable[[datetime], int]:
    return lambda hour: rate + (extra if hour >= NOW - since else 0)


def labels(trends: list[Trend]) -> set[str]:
    return {key for trend in trends for key in trend.keys}


@pytest.fixture(scope="module")
def world() -> list[Mention]:
    """A big steady term, a stove burst in the last 6 hours and background noise."""
    return [
        *stream("tent in the woods", steady(50)),
        *stream("stove", spiking(1, 10, timedelta(hours=6))),
        *stream("quiet forest walk", steady(3)),
    ]


def test_a_burst_is_flagged_with_its_evidence(world: list[Mention]) -> None:
    trends = detect_trends(world, now=NOW)
    assert [t.label for t in trends] == ["stove"]
    (trend,) = trends
    (signal,) = trend.terms
    assert trend.kind is TrendKind.BURST
    assert signal.kind is TermKind.WORD
    assert signal.count == 24 + 60
    assert signal.baseline == (24, 24, 24, 24)
    assert signal.expected == 24.0
    assert signal.ratio == pytest.approx(3.5)
    assert signal.previous == 24
    assert signal.hourly == (1,) * 18 + (11,) * 6
    assert signal.score > 5
    assert trend.mentions == 84
    assert len(trend.examples) == 1  # examples are distinct texts
    assert trend.examples[0].text == "stove"
    assert trend.why.startswith(
        "stove: 84 mentions in the last 24 h against 24 expected"
    )
    assert "(3.5x)" in trend.why


def test_a_term_that_is_always_big_is_not_a_trend(world: list[Mention]) -> None:
    trends = detect_trends(world, now=NOW)
    assert not labels(trends) & {"tent", "woods", "tent woods", "forest", "walk"}


def test_a_weekly_busy_hour_is_not_a_burst() -> None:
    def tuesday_late_morning(hour: datetime) -> int:
        return 30 if hour.weekday() == 1 and 9 <= hour.hour < 12 else 0

    mentions = [
        *stream("#tuesdaytrivia quiz", tuesday_late_morning),
        *stream("tent", steady(5)),
    ]
    # 90 mentions in the window and none in the 24 hours before: a day-over-day rule fires.
    assert detect_trends(mentions, now=NOW) == []


def test_a_daily_rhythm_in_a_short_window_is_not_a_burst() -> None:
    def lunchtime(hour: datetime) -> int:
        return 20 if 11 <= hour.hour < 14 else 1

    mentions = stream("lunch break", lunchtime)
    assert detect_trends(mentions, now=NOW, window=timedelta(hours=6)) == []


def test_last_weeks_spike_does_not_hide_this_weeks() -> None:
    def twice(hour: datetime) -> int:
        for start in (NOW - timedelta(hours=6), NOW - timedelta(days=7, hours=6)):
            if start <= hour < start + timedelta(hours=6):
                return 11
        return 1

    (trend,) = detect_trends(stream("stove", twice), now=NOW)
    assert trend.terms[0].baseline == (84, 24, 24, 24)
    assert trend.terms[0].expected == 24.0  # the median ignores last week's spike


def test_a_new_term_growing_for_days_is_emerging() -> None:
    def growing(hour: datetime) -> int:
        age = (NOW - hour) / HOUR
        return math.floor(6 * math.exp(-age / 15)) if age < 72 else 0

    mentions = [*stream("zorbix is here", growing), *stream("tent", steady(5))]
    (trend,) = detect_trends(mentions, now=NOW)
    assert trend.kind is TrendKind.EMERGING
    assert trend.label == "zorbix"
    assert trend.terms[0].expected == 0.0
    assert trend.terms[0].previous >= 2
    assert trend.terms[0].growth > 2
    assert "almost none before" in trend.why


def test_new_words_that_break_out_at_once_are_a_burst_not_emerging() -> None:
    mentions = [
        *stream("tent", steady(5)),
        *stream("zorbix recall", lambda h: 15 if h >= NOW - timedelta(hours=3) else 0),
    ]
    (trend,) = detect_trends(mentions, now=NOW)
    assert trend.kind is TrendKind.BURST
    assert trend.keys == {"zorbix", "recall", "zorbix recall"}  # one theme


def test_tracked_topics_are_scored_like_terms(world: list[Mention]) -> None:
    topic = Topic.parse("Stoves", "stove OR #stove")
    (trend,) = detect_trends(world, now=NOW, topics=[topic])
    assert trend.keys == {"stove", "topic:Stoves"}
    (signal,) = [t for t in trend.terms if t.kind is TermKind.TOPIC]
    assert signal.count == 84


def test_unrelated_bursts_form_separate_themes(world: list[Mention]) -> None:
    more = stream("kayak paddle", spiking(1, 8, timedelta(hours=5)))
    trends = detect_trends([*world, *more], now=NOW)
    assert [t.keys for t in trends] == [{"stove"}, {"kayak", "paddle", "kayak paddle"}]
    assert trends[0].score > trends[1].score  # 84 against 24 beats 64 against 24


def test_without_history_nothing_can_be_called_a_trend() -> None:
    mentions = stream("stove", steady(10), weeks=0) + [
        Mention("stove", NOW - timedelta(hours=2)) for _ in range(50)
    ]
    assert detect_trends(mentions, now=NOW) == []


def test_with_days_but_no_whole_week_the_baseline_is_the_same_hours_of_earlier_days() -> (
    None
):
    mentions = [
        Mention("stove", NOW - timedelta(days=4) + timedelta(minutes=m))
        for m in range(0, 5760, 60)
    ] + [Mention("stove", NOW - timedelta(minutes=m + 1)) for m in range(0, 600, 10)]
    (trend,) = detect_trends(mentions, now=NOW)
    assert len(trend.terms[0].baseline) == 3  # 1, 2 and 3 days earlier


def test_mentions_at_or_after_now_are_ignored(world: list[Mention]) -> None:
    future = [Mention("kayak", NOW + timedelta(minutes=m)) for m in range(100)]
    assert [t.label for t in detect_trends([*world, *future], now=NOW)] == ["stove"]


@pytest.mark.parametrize(
    "window", [timedelta(minutes=90), timedelta(0), timedelta(days=8)]
)
def test_the_window_must_be_whole_hours_up_to_a_week(window: timedelta) -> None:
    with pytest.raises(
        InvalidInput, match="use whole hours from 1 hour to 7 days"
    ) as caught:
        detect_trends([], now=NOW, window=window)
    assert caught.value.field == "window"


def test_naive_datetimes_are_refused_with_the_fix() -> None:
    naive = datetime(2026, 11, 3, 12)  # noqa: DTZ001 - the point of the test
    with pytest.raises(InvalidInput, match="has no time zone; pass an aware datetime"):
        detect_trends([Mention("x", naive)], now=NOW)
    with pytest.raises(InvalidInput, match="no time zone"):
        detect_trends([], now=naive)


def test_the_incremental_counter_finds_what_the_batch_call_finds(
    world: list[Mention],
) -> None:
    counter = TrendCounter()
    for mention in sorted(world, key=lambda m: m.created_at):
        counter.add(mention)
    incremental = detect(counter, now=NOW)
    assert incremental == detect_trends(world, now=NOW)
    assert counter.seen == len(world)


def test_a_late_mention_is_counted_in_its_own_hour() -> None:
    counter = TrendCounter()
    counter.add(Mention("stove", NOW - 3 * HOUR))
    counter.add(Mention("stove", NOW - 1 * HOUR))
    counter.add(Mention("stove", NOW - 3 * HOUR + timedelta(minutes=5)))
    counter.flush()
    start = hour_of(NOW - 3 * HOUR)
    assert counter.counts("stove", start, start + 3) == [2, 0, 1]


def test_rare_terms_are_pruned_so_memory_stays_bounded() -> None:
    counter = TrendCounter(prune_every_hours=6, prune_grace_hours=24, prune_below=3)
    start = NOW - timedelta(days=6)
    for i in range(6 * 24 * 20):  # 20 one-off words an hour for six days
        counter.add(Mention(f"tent unique{i}", start + timedelta(minutes=3 * i)))
    counter.flush()
    # The one-off words of the last day (plus the prune interval) survive; "tent" stays.
    assert "tent" in counter.series
    assert len(counter.series) <= (24 + 6) * 20 * 2 + 1  # a word and a bigram each
    assert f"unique{6 * 24 * 20 - 1}" in counter.series
    assert "unique0" not in counter.series


def test_hour_series_agrees_with_a_plain_count_while_sparse_and_dense() -> None:
    rng = random.Random(5)
    span = 200
    series, reference = HourSeries(), dict[int, int]()
    hour = 1000
    for _ in range(3000):
        hour += (
            rng.choice((0, 0, 1, 1, 2, 30))
            if rng.random() < 0.97
            else -rng.randrange(50)
        )
        series.add(hour, 1, span)
        reference[hour] = reference.get(hour, 0) + 1
        if rng.random() < 0.05:
            last = series.last
            start = last - rng.randrange(span)
            expected = [
                reference.get(h, 0) if h > last - span else 0
                for h in range(start, last + 1)
            ]
            assert series.hourly(start, last + 1, span) == expected
    assert series.ring is not None  # it became dense on the way
