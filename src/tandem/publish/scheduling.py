"""Schedule time, the pure part: local wall time + IANA zone -> UTC, and queue slots.

A schedule stores what the user typed (wall time "YYYY-MM-DDTHH:MM" and a zone), and the UTC
instant derived from it. DST policy, so every wall time maps to exactly one instant:

- a wall time in a spring-forward gap (it never happens on the clock) moves forward by the
  length of the gap: 02:30 on the Europe/Berlin spring-forward day is 03:30 CEST;
- an ambiguous wall time on a fall-back day (it happens twice) means the FIRST occurrence,
  the one still on summer time (fold=0).

Both rules are exactly PEP 495's reading of fold=0, which is why `to_utc` needs no special
case: a gap time with fold=0 is read with the offset from before the transition.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tandem.core import InvalidInput

WALL_FORMAT = "%Y-%m-%dT%H:%M"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# How far ahead a queue looks for a free slot before giving up (a year of weeks).
SLOT_HORIZON_DAYS = 371

Slot = tuple[str, str]  # ("mon", "09:00")


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, or InvalidInput saying so."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(
            f"Unknown time zone {name!r}; use an IANA name such as Europe/Berlin.",
            field="timezone",
        ) from exc


def parse_wall(local_time: str) -> datetime:
    """A naive wall time from "YYYY-MM-DDTHH:MM" (seconds are not part of a schedule)."""
    try:
        return datetime.strptime(local_time, WALL_FORMAT)  # noqa: DTZ007 (wall time)
    except ValueError as exc:
        raise InvalidInput(
            f"Invalid local time {local_time!r}; expected YYYY-MM-DDTHH:MM.",
            field="local_time",
        ) from exc


def format_wall(wall: datetime) -> str:
    return wall.strftime(WALL_FORMAT)


def wall_to_utc(wall: datetime, zone_name: str) -> datetime:
    """The UTC instant of the naive wall time `wall` in `zone_name`, by the DST policy above."""
    if wall.tzinfo is not None:
        raise ValueError("wall_to_utc takes a naive wall time")
    return wall.replace(tzinfo=zone(zone_name), fold=0).astimezone(UTC)


def to_utc(local_time: str, zone_name: str) -> datetime:
    """UTC instant of a stored schedule ("YYYY-MM-DDTHH:MM" in an IANA zone)."""
    return wall_to_utc(parse_wall(local_time), zone_name)


def to_local(at: datetime, zone_name: str) -> str:
    """The wall time ("YYYY-MM-DDTHH:MM") an aware instant shows in `zone_name`."""
    if at.tzinfo is None:
        raise ValueError("to_local takes an aware datetime")
    return format_wall(at.astimezone(zone(zone_name)))


def is_shifted(local_time: str, zone_name: str) -> bool:
    """True when the wall time does not exist (DST gap), so the post goes out later."""
    at = to_utc(local_time, zone_name)
    return to_local(at, zone_name) != local_time


def _slot_times(slots: Sequence[Slot]) -> dict[int, list[time]]:
    by_day: dict[int, list[time]] = {}
    for day, hhmm in slots:
        key = day.strip().lower()[:3]
        if key not in WEEKDAYS:
            raise InvalidInput(f"Unknown weekday {day!r} in a queue slot.")
        try:
            at = time.fromisoformat(hhmm)
        except ValueError as exc:
            raise InvalidInput(f"Invalid slot time {hhmm!r}; use HH:MM.") from exc
        by_day.setdefault(WEEKDAYS.index(key), []).append(at.replace(second=0))
    return {k: sorted(set(v)) for k, v in by_day.items()}


def next_free_slot(
    slots: Sequence[Slot],
    zone_name: str,
    after: datetime,
    taken: Collection[datetime] = (),
) -> datetime | None:
    """The first weekly slot strictly after `after` (UTC) whose instant is not in `taken`.

    Slots are wall times in `zone_name`, so a Monday 09:00 slot stays at 09:00 local across
    a DST change (its UTC instant moves). Returns None when no slot is free within a year.
    """
    if after.tzinfo is None:
        raise ValueError("next_free_slot takes an aware `after`")
    by_day = _slot_times(slots)
    if not by_day:
        return None
    busy = {t.astimezone(UTC) for t in taken}
    start: date = after.astimezone(zone(zone_name)).date()
    for offset in range(SLOT_HORIZON_DAYS):
        day = start + timedelta(days=offset)
        for at in by_day.get(day.weekday(), ()):
            instant = wall_to_utc(datetime.combine(day, at), zone_name)
            if instant > after and instant not in busy:
                return instant
    return None
