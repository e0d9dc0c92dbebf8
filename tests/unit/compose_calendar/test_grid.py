"""The calendar grid and its time arithmetic: Monday weeks, local days, DST days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tandem.compose.calendar import (
    CalendarFilter,
    CalendarItem,
    build_view,
    day_hours,
    local_day,
    local_to_utc,
    parse_filter,
    parse_range,
    parse_view,
    step,
    view_range,
)
from tandem.core import InvalidInput

BERLIN = "Europe/Berlin"
SPRING = date(2026, 3, 29)  # clocks go 02:00 -> 03:00 (CET -> CEST)
AUTUMN = date(2026, 10, 25)  # clocks go 03:00 -> 02:00 (CEST -> CET)


def item(at: datetime, zone: str = BERLIN, **overrides: object) -> CalendarItem:
    values: dict[str, object] = {
        "kind": "planned",
        "id": f"v-{at:%Y%m%d%H%M}",
        "brief_id": "b1",
        "account_id": "a1",
        "handle": "acme",
        "platform": "mastodon",
        "title": "Spring launch",
        "text": "We launch today",
        "status": "draft",
        "campaign": "spring",
        "at": at,
        "local": at.astimezone(ZoneInfo(zone)),
        "url": "",
        "revised_at": at,
    }
    values.update(overrides)
    return CalendarItem(**values)  # type: ignore[arg-type]


def test_a_month_that_starts_on_sunday_begins_with_the_monday_before():
    assert date(2026, 3, 1).weekday() == 6  # Sunday
    start, end = view_range("month", date(2026, 3, 17))
    assert start == date(2026, 2, 23)
    assert end == date(2026, 4, 5)
    view = build_view(
        "month", date(2026, 3, 17), today=date(2026, 3, 10), zone=BERLIN, items=[]
    )
    assert len(view.weeks) == 6
    assert all(len(week) == 7 for week in view.weeks)
    assert [d.day.weekday() for d in view.weeks[0]] == list(range(7))
    assert view.weeks[0][6].day == date(2026, 3, 1) and view.weeks[0][6].in_range
    assert not view.weeks[0][0].in_range  # 23 February belongs to the month before
    assert [d.day for w in view.weeks for d in w if d.is_today] == [date(2026, 3, 10)]


def test_a_february_that_fits_four_weeks_has_four_rows():
    start, end = view_range("month", date(2027, 2, 14))  # 1 Feb 2027 is a Monday
    assert (start, end) == (date(2027, 2, 1), date(2027, 2, 28))


def test_a_week_runs_monday_to_sunday():
    assert view_range("week", date(2026, 3, 29)) == (
        date(2026, 3, 23),
        date(2026, 3, 29),
    )
    assert view_range("week", date(2026, 3, 30)) == (
        date(2026, 3, 30),
        date(2026, 4, 5),
    )


def test_previous_and_next_move_by_a_month_or_a_week():
    assert step("month", date(2026, 1, 31), -1) == date(2025, 12, 1)
    assert step("month", date(2026, 12, 5), 1) == date(2027, 1, 1)
    assert step("week", date(2026, 3, 29), 1) == date(2026, 3, 30)
    assert step("week", date(2026, 3, 29), -1) == date(2026, 3, 16)


def test_local_days_around_the_clock_changes_last_23_and_25_hours():
    assert day_hours(SPRING, BERLIN) == 23
    assert day_hours(AUTUMN, BERLIN) == 25
    assert day_hours(date(2026, 3, 28), BERLIN) == 24
    assert day_hours(SPRING, "UTC") == 24


def test_an_item_at_half_past_midnight_local_belongs_to_that_local_day():
    at = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)  # 00:30 CET on 29 March
    assert local_day(at, BERLIN) == SPRING
    assert local_day(at, "UTC") == date(2026, 3, 28)
    late = datetime(2026, 3, 29, 21, 59, tzinfo=UTC)  # 23:59 CEST, still 29 March
    assert local_day(late, BERLIN) == SPRING


def test_the_grid_places_items_on_their_local_day_including_the_25_hour_one():
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST (first 02:30)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET (second 02:30)
    midnight = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)  # 00:30 CEST on the 25th
    before = datetime(2026, 10, 24, 21, 59, tzinfo=UTC)  # 23:59 on the 24th
    view = build_view(
        "week",
        AUTUMN,
        today=AUTUMN,
        zone=BERLIN,
        items=[item(second), item(first), item(midnight), item(before)],
    )
    (week,) = view.weeks
    sunday = week[6]
    assert sunday.day == AUTUMN and sunday.hours == 25
    assert "clocks go back" in sunday.clock_change
    assert [i.at for i in sunday.items] == [midnight, first, second]
    assert [i.local.hour for i in sunday.items] == [0, 2, 2]
    assert [i.at for i in week[5].items] == [before]
    assert view.count == 4


def test_a_spring_forward_gap_time_moves_forward_by_the_gap():
    when = local_to_utc(SPRING, time(2, 30), BERLIN)
    assert when == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST
    assert when.tzinfo is UTC


def test_an_ambiguous_fall_back_time_takes_its_first_occurrence():
    assert local_to_utc(AUTUMN, time(2, 30), BERLIN) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )
    second = time(
        2, 30, fold=1
    )  # even when asked for the second one, policy says first
    assert local_to_utc(AUTUMN, second, BERLIN) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_ordinary_local_times_convert_with_the_day_s_offset():
    assert local_to_utc(date(2026, 3, 28), time(9, 0), BERLIN) == datetime(
        2026, 3, 28, 8, 0, tzinfo=UTC
    )
    assert local_to_utc(date(2026, 3, 30), time(9, 0), BERLIN) == datetime(
        2026, 3, 30, 7, 0, tzinfo=UTC
    )


def test_filters_keep_only_matching_items():
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    planned = item(at)
    published = item(
        at, kind="published", id="p1", status="published", campaign="", account_id="a2"
    )
    assert CalendarFilter(campaign="spring").keeps(planned)
    assert not CalendarFilter(campaign="spring").keeps(published)
    assert CalendarFilter(account_id="a2").keeps(published)
    assert not CalendarFilter(account_id="a2").keeps(planned)
    assert CalendarFilter(status="published").keeps(published)
    assert not CalendarFilter(status="approved").keeps(planned)


def test_the_view_and_filter_parameters_are_checked():
    today = date(2026, 3, 10)
    assert parse_view(None, None, today=today) == ("month", today)
    assert parse_view("week", "2026-03-29", today=today) == ("week", SPRING)
    with pytest.raises(InvalidInput) as bad_view:
        parse_view("year", None, today=today)
    assert bad_view.value.field == "view"
    with pytest.raises(InvalidInput) as bad_date:
        parse_view("month", "29/03/2026", today=today)
    assert bad_date.value.field == "date"
    with pytest.raises(InvalidInput) as bad_status:
        parse_filter(None, None, "sent")
    assert bad_status.value.field == "status"
    assert parse_filter(" Spring ", "a1", "published") == CalendarFilter(
        "spring", "a1", "published"
    )


def test_the_api_range_defaults_to_the_next_30_days_and_rejects_reversed_ranges():
    period = parse_range(None, None, zone=BERLIN, today=date(2026, 3, 10))
    assert (period.start, period.end) == (date(2026, 3, 10), date(2026, 4, 9))
    assert period.until - period.since == timedelta(days=31) - timedelta(
        hours=1
    )  # DST in between
    with pytest.raises(InvalidInput):
        parse_range("2026-03-10", "2026-03-01", zone=BERLIN, today=date(2026, 3, 10))
    with pytest.raises(InvalidInput):
        parse_range("2026-01-01", "2028-01-01", zone=BERLIN, today=date(2026, 3, 10))


def test_dates_far_outside_the_calendar_s_years_are_refused():
    with pytest.raises(InvalidInput):
        parse_view("month", "9999-12-31", today=date(2026, 3, 10))
    with pytest.raises(InvalidInput):
        parse_range("0001-01-01", None, zone=BERLIN, today=date(2026, 3, 10))
