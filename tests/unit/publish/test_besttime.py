"""Best time to post from synthetic histories whose truth is known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tandem.publish.besttime import Sample, analyse, merged_slots

MONDAY = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday; Paris is UTC+2 in June


def post(week: int, weekday: int, utc_hour: int, rate: float) -> Sample:
    at = MONDAY + timedelta(weeks=week, days=weekday, hours=utc_hour)
    return Sample(at, 10_000, round(rate * 10_000))


def history() -> list[Sample]:
    """Ten weeks: Tue 07:00 UTC (09:00 Paris) truly earns ~4%, the other hours ~2.5%."""
    samples = []
    for week in range(10):
        wobble = (week % 3 - 1) * 0.002  # deterministic noise
        samples.append(post(week, 1, 7, 0.041 + wobble))
        samples.append(post(week, 3, 10, 0.026 - wobble))
        samples.append(post(week, 4, 14, 0.024 + wobble))
    return samples


def test_the_truly_best_cell_is_suggested_with_its_evidence():
    best = analyse(history(), "Europe/Paris")
    assert best.enough_data and best.posts == 30
    top = best.suggestions[0]
    assert (top.weekday, top.hour, top.posts) == (1, 9, 10)  # Tuesday 09:00 Paris
    assert top.label == "Tue 09:00-10:00"
    assert best.slots[0] == ("tue", "09:00")
    assert "Based on 30 posts" in best.summary
    assert "Tue 09:00-10:00 averages 4.1% over 10 posts vs 3.0% overall" in best.summary


def test_one_lucky_post_does_not_win():
    samples = [*history(), post(2, 5, 20, 0.30)]  # one viral Saturday evening post
    best = analyse(samples, "Europe/Paris")
    lucky = next(c for c in best.cells if c.weekday == 5)
    assert lucky.rate > 0.29 and lucky.posts == 1
    assert lucky.score < lucky.rate / 3  # shrunk most of the way to the account mean
    assert all(c.weekday != 5 for c in best.suggestions)
    assert best.suggestions[0].weekday == 1


def test_too_little_data_says_so_instead_of_guessing():
    best = analyse(history()[:12], "Europe/Paris")
    assert not best.enough_data
    assert best.suggestions == ()
    assert best.summary.startswith("Not enough data yet: 12 published post(s)")
    assert analyse([], "Europe/Paris").overall_rate is None


def test_posts_without_impressions_are_ignored_and_the_zone_decides_the_cell():
    samples = [*history(), Sample(MONDAY, 0, 50)]
    assert analyse(samples, "Europe/Paris").posts == 30
    in_new_york = analyse(history(), "America/New_York").suggestions[0]
    assert (in_new_york.weekday, in_new_york.hour) == (1, 3)  # 07:00 UTC is 03:00 EDT


def test_no_suggestion_when_no_hour_stands_out():
    flat = [post(w, d, 9, 0.03) for w in range(10) for d in range(3)]
    best = analyse(flat, "UTC")
    assert best.enough_data and best.suggestions == ()
    assert "no hour stands out" in best.summary


def test_suggested_slots_are_added_to_the_current_ones_without_duplicates():
    assert merged_slots([("mon", "09:00")], [("tue", "09:00"), ("mon", "09:00")]) == [
        ("mon", "09:00"),
        ("tue", "09:00"),
    ]
