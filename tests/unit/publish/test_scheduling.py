from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tandem.core import InvalidInput
from tandem.publish.ledger import fingerprint
from tandem.publish.scheduling import is_shifted, next_free_slot, to_local, to_utc


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("local", "zone", "expected"),
    [
        # spring-forward gap: moves forward by the gap (03:30 CEST)
        ("2026-03-29T02:30", "Europe/Berlin", utc(2026, 3, 29, 1, 30)),
        # the day before the fall-back transition ends: still CEST
        ("2026-10-25T01:30", "Europe/Berlin", utc(2026, 10, 24, 23, 30)),
        # truly ambiguous (02:00-03:00 happens twice): the first occurrence, CEST
        ("2026-10-25T02:30", "Europe/Berlin", utc(2026, 10, 25, 0, 30)),
        ("2026-10-25T03:30", "Europe/Berlin", utc(2026, 10, 25, 2, 30)),
        # New York: gap 02:00-03:00 on 8 March, repeat 01:00-02:00 on 1 November
        ("2026-03-08T02:30", "America/New_York", utc(2026, 3, 8, 7, 30)),
        ("2026-11-01T01:30", "America/New_York", utc(2026, 11, 1, 5, 30)),
        ("2026-07-01T09:00", "America/New_York", utc(2026, 7, 1, 13, 0)),
        ("2026-01-15T09:00", "Europe/Berlin", utc(2026, 1, 15, 8, 0)),
    ],
)
def test_wall_time_to_utc_follows_the_dst_policy(
    local: str, zone: str, expected: datetime
) -> None:
    assert to_utc(local, zone) == expected


def test_gap_times_are_reported_as_shifted() -> None:
    assert is_shifted("2026-03-29T02:30", "Europe/Berlin")
    assert to_local(to_utc("2026-03-29T02:30", "Europe/Berlin"), "Europe/Berlin") == (
        "2026-03-29T03:30"
    )
    assert not is_shifted("2026-10-25T02:30", "Europe/Berlin")


def test_bad_zone_and_time_are_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        to_utc("2026-03-29T02:30", "Mars/Olympus")
    with pytest.raises(InvalidInput):
        to_utc("29/03/2026 02:30", "Europe/Berlin")


SLOTS = [("mon", "09:00"), ("fri", "12:30")]


def test_next_free_slot_crosses_a_week_boundary() -> None:
    # Saturday 2026-01-17: the next slot is Monday 19th 09:00 CET = 08:00 UTC
    after = utc(2026, 1, 17, 10, 0)
    assert next_free_slot(SLOTS, "Europe/Berlin", after) == utc(2026, 1, 19, 8, 0)


def test_next_free_slot_skips_taken_slots() -> None:
    after = utc(2026, 1, 17, 10, 0)
    taken = [utc(2026, 1, 19, 8, 0), utc(2026, 1, 23, 11, 30)]
    assert next_free_slot(SLOTS, "Europe/Berlin", after, taken) == utc(2026, 1, 26, 8)


def test_next_free_slot_is_strictly_after_and_keeps_local_time_over_dst() -> None:
    after = utc(2026, 3, 27, 11, 30)  # Friday 12:30 CET itself: not "after"
    # Monday 30 March 09:00 is now CEST: 07:00 UTC
    assert next_free_slot(SLOTS, "Europe/Berlin", after) == utc(2026, 3, 30, 7, 0)


def test_next_free_slot_without_slots_is_none_and_bad_day_is_invalid() -> None:
    assert next_free_slot([], "UTC", utc(2026, 1, 1)) is None
    with pytest.raises(InvalidInput):
        next_free_slot([("someday", "09:00")], "UTC", utc(2026, 1, 1))


def test_fingerprint_ignores_whitespace_and_depends_on_the_account() -> None:
    assert fingerprint("a", ["Hello  world\n"]) == fingerprint("a", ["Hello world"])
    assert fingerprint("a", ["Hello"]) != fingerprint("b", ["Hello"])
    assert fingerprint("a", ["x", "y"]) != fingerprint("a", ["x"])
