"""Response metrics computed by hand, including empty weeks (shown as "-", never a crash)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tandem.core.periods import Period
from tandem.inbox.metrics import (
    UNASSIGNED,
    Record,
    iso_week,
    median,
    p90,
    span_words,
    stats,
    summarise,
    weeks_in,
)

# Monday 2 November 2026 is in ISO week 45.
MON = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def rec(
    minutes_to_answer: float | None = None,
    *,
    at: datetime = MON,
    hours_to_close: float | None = None,
    platform: str = "instagram",
    intent: str = "question",
    polarity: str = "neutral",
    needs: bool = True,
    breached: bool = False,
    member: str = "u1",
) -> Record:
    return Record(
        created_at=at,
        first_response_at=(
            at + timedelta(minutes=minutes_to_answer)
            if minutes_to_answer is not None
            else None
        ),
        closed_at=at + timedelta(hours=hours_to_close) if hours_to_close else None,
        platform=platform,
        intent=intent,
        polarity=polarity,
        needs_answer=needs,
        breached=breached,
        member=member,
    )


def test_median_and_nearest_rank_p90():
    assert median([10, 20, 30, 40]) == 25
    assert p90([10, 20, 30, 40]) == 40  # ceil(3.6) = 4th smallest
    assert p90(list(range(1, 11))) == 9  # ceil(9.0) = 9th smallest
    assert median([]) is None and p90([]) is None


def test_stats_by_hand():
    records = [
        rec(10, hours_to_close=2),
        rec(30, hours_to_close=4),
        rec(60, breached=True),
        rec(None, breached=True, polarity="negative", intent="complaint"),
        rec(None, needs=False, intent="spam"),
    ]
    s = stats(records)
    assert (s.items, s.needing, s.answered) == (5, 4, 3)
    assert s.response_rate == 0.75
    assert s.first_response_median == 30 * 60  # 10, 30, 60 minutes
    assert s.first_response_p90 == 60 * 60  # ceil(2.7) = 3rd
    assert s.resolution_median == 3 * 3600  # 2 h and 4 h
    assert s.breaches == 2
    assert s.by_intent["question"] == 3 and s.by_intent["spam"] == 1
    assert s.by_polarity == {"positive": 0, "neutral": 4, "negative": 1}


def test_empty_weeks_are_listed_with_no_values():
    period = Period(date(2026, 11, 2), date(2026, 11, 22), "UTC")
    assert weeks_in(period) == ["2026-W45", "2026-W46", "2026-W47"]
    report = summarise(
        [rec(15), rec(45, at=MON + timedelta(days=14), member=UNASSIGNED)],
        period,
        member_names={"u1": "Sam"},
    )
    by_week = {g.key: g.stats for g in report.weeks}
    assert by_week["2026-W45"].first_response_median == 15 * 60
    empty = by_week["2026-W46"]
    assert empty.items == 0 and empty.response_rate is None
    assert span_words(empty.first_response_median) == "-"
    assert [g.label for g in report.members] == ["Sam", "Unassigned"]
    assert report.total.first_response_median == 30 * 60


def test_nothing_at_all_is_a_report_of_dashes():
    period = Period(date(2026, 11, 2), date(2026, 11, 8), "UTC")
    report = summarise([], period, member_names={})
    assert report.total.items == 0 and report.total.response_rate is None
    assert report.platforms == [] and report.members == []
    assert [g.key for g in report.weeks] == ["2026-W45"]


def test_weeks_follow_the_workspace_zone():
    sunday_night_utc = datetime(2026, 11, 8, 23, 30, tzinfo=UTC)
    assert iso_week(sunday_night_utc, "UTC") == "2026-W45"
    assert iso_week(sunday_night_utc, "Europe/Paris") == "2026-W46"


def test_spans_in_words():
    assert span_words(90) == "2 min"
    assert span_words(3 * 3600 + 300) == "3 h 05 min"
    assert span_words(3 * 86400) == "3.0 days"
