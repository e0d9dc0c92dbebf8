from datetime import UTC, date, datetime

import pytest

from tandem.core import InvalidInput
from tandem.core.periods import parse_comparison, parse_period


def test_the_default_period_is_the_last_30_days_including_today():
    period = parse_period(None, None, zone="Europe/Paris", today=date(2026, 3, 31))
    assert (period.start, period.end, period.days) == (
        date(2026, 3, 2),
        date(2026, 3, 31),
        30,
    )


def test_bounds_are_local_midnights_across_a_dst_change():
    period = parse_period(
        "2026-03-29", "2026-03-29", zone="Europe/Paris", today=date(2026, 4, 1)
    )
    assert period.since == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert period.until == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert (period.until - period.since).total_seconds() == 23 * 3600


def test_comparison_periods_have_the_same_length():
    period = parse_period(
        "2026-02-01", "2026-02-28", zone="UTC", today=date(2026, 3, 1)
    )
    previous = period.compared("previous")
    assert (previous.start, previous.end) == (date(2026, 1, 4), date(2026, 1, 31))
    year = parse_period(
        "2024-02-29", "2024-02-29", zone="UTC", today=date(2024, 3, 1)
    ).compared("year")
    assert year.start == date(2023, 2, 28)
    assert period.compared("none") is None


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("2026-13-01", None, "from"),
        ("2026-03-05", "2026-03-01", "from"),
        (None, "yesterday", "to"),
    ],
)
def test_bad_ranges_name_the_field(start, end, field):
    with pytest.raises(InvalidInput) as error:
        parse_period(start, end, zone="UTC", today=date(2026, 3, 1))
    assert error.value.field == field


def test_unknown_comparisons_are_refused():
    with pytest.raises(InvalidInput, match="compare must be one of"):
        parse_comparison("last-week")
