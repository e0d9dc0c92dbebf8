"""Recurrence rules: which dates a repeating post falls on."""

from __future__ import annotations

from datetime import date

import pytest

from tandem.core import InvalidInput
from tandem.publish.recurrence import make_rule, occurrences


def dates(rule, start: date, through: date) -> list[str]:  # type: ignore[no-untyped-def]
    return [d.isoformat() for _, d in occurrences(rule, start, through)]


START = date(2026, 11, 4)  # a Wednesday


def test_every_other_week_on_given_weekdays():
    rule = make_rule("weekly", interval=2, weekdays="mon,wed", start=START)
    assert dates(rule, START, date(2026, 11, 30)) == [
        "2026-11-04",  # Monday 2 November is before the start
        "2026-11-16",
        "2026-11-18",
        "2026-11-30",
    ]


def test_weekly_without_weekdays_uses_the_start_weekday_and_count_ends_it():
    rule = make_rule("weekly", count=3, start=START)
    assert dates(rule, START, date(2027, 12, 31)) == [
        "2026-11-04",
        "2026-11-11",
        "2026-11-18",
    ]


def test_monthly_on_the_31st_skips_short_months():
    start = date(2027, 1, 31)
    rule = make_rule("monthly", until=date(2027, 7, 31), start=start)
    assert dates(rule, start, date(2027, 12, 31)) == [
        "2027-01-31",
        "2027-03-31",
        "2027-05-31",
        "2027-07-31",
    ]


def test_every_three_days_with_numbers():
    rule = make_rule("daily", interval=3, start=START)
    got = list(occurrences(rule, START, date(2026, 11, 12)))
    assert [(n, d.day) for n, d in got] == [(1, 4), (2, 7), (3, 10)]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"frequency": "yearly"}, "frequency"),
        ({"frequency": "daily", "interval": 0}, "interval"),
        ({"frequency": "daily", "weekdays": "mon"}, "weekdays"),
        ({"frequency": "weekly", "weekdays": "funday"}, "weekdays"),
        ({"frequency": "daily", "until": date(2026, 1, 1)}, "until"),
        ({"frequency": "daily", "count": 0}, "count"),
    ],
)
def test_invalid_rules_name_the_field(kwargs, field):
    frequency = kwargs.pop("frequency")
    with pytest.raises(InvalidInput) as caught:
        make_rule(frequency, start=START, **kwargs)
    assert caught.value.field == field
