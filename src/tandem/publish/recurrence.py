"""Recurrence rules, the pure part: which local dates a recurring post falls on.

Rules follow RFC 5545's reading where it matters: a monthly rule on the 31st skips months
without a 31st (it does not move to the 30th), and `count` counts occurrences that happen,
not periods. The wall time is the series' own; DST is handled where the date meets the time
(`scheduling.wall_to_utc`), so a 09:00 post stays at 09:00 local across a change.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tandem.core import InvalidInput
from tandem.publish.scheduling import WEEKDAYS

MAX_INTERVAL = 365
MAX_COUNT = 1000


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Rule:
    frequency: Frequency
    interval: int = 1
    weekdays: tuple[
        int, ...
    ] = ()  # weekly only, 0 = Monday; empty: the start's weekday
    until: date | None = None  # last possible date, inclusive
    count: int | None = None  # how many occurrences in all

    @property
    def description(self) -> str:
        unit = {"daily": "day", "weekly": "week", "monthly": "month"}[self.frequency]
        every = (
            f"every {unit}" if self.interval == 1 else f"every {self.interval} {unit}s"
        )
        if self.frequency is Frequency.WEEKLY and self.weekdays:
            every += " on " + ", ".join(WEEKDAYS[d].title() for d in self.weekdays)
        if self.until is not None:
            every += f" until {self.until.isoformat()}"
        if self.count is not None:
            every += f", {self.count} times"
        return every


def parse_weekdays(names: Sequence[str] | str) -> tuple[int, ...]:
    """("mon", "wed") or "mon,wed" -> (0, 2); errors name the `weekdays` field."""
    items = names.split(",") if isinstance(names, str) else list(names)
    out = set()
    for name in items:
        key = name.strip().lower()[:3]
        if not key:
            continue
        if key not in WEEKDAYS:
            raise InvalidInput(
                f"Unknown weekday {name!r}; use mon, tue, wed, thu, fri, sat or sun.",
                field="weekdays",
            )
        out.add(WEEKDAYS.index(key))
    return tuple(sorted(out))


def make_rule(
    frequency: str,
    *,
    interval: int = 1,
    weekdays: Sequence[str] | str = (),
    until: date | None = None,
    count: int | None = None,
    start: date,
) -> Rule:
    """A validated rule; each error names the field to fix."""
    try:
        freq = Frequency(frequency)
    except ValueError as exc:
        raise InvalidInput(
            "frequency must be daily, weekly or monthly.", field="frequency"
        ) from exc
    if not 1 <= interval <= MAX_INTERVAL:
        raise InvalidInput(
            f"interval must be between 1 and {MAX_INTERVAL}.", field="interval"
        )
    days = parse_weekdays(weekdays)
    if days and freq is not Frequency.WEEKLY:
        raise InvalidInput(
            "Weekdays apply to weekly repeats only; choose weekly or clear the weekdays.",
            field="weekdays",
        )
    if until is not None and until < start:
        raise InvalidInput(
            f"The end date {until.isoformat()} is before the first post "
            f"({start.isoformat()}).",
            field="until",
        )
    if count is not None and not 1 <= count <= MAX_COUNT:
        raise InvalidInput(f"count must be between 1 and {MAX_COUNT}.", field="count")
    return Rule(freq, interval, days, until, count)


def _add_months(start: date, months: int) -> date | None:
    year, month = divmod(start.month - 1 + months, 12)
    try:
        return start.replace(year=start.year + year, month=month + 1)
    except ValueError:
        return None  # no such day in that month (e.g. the 31st of April): skipped


def _candidates(rule: Rule, start: date) -> Iterator[date]:
    """Dates the rule names, in order, from `start` on, before until/count are applied."""
    k = 0
    while True:
        if rule.frequency is Frequency.DAILY:
            yield start + timedelta(days=k * rule.interval)
        elif rule.frequency is Frequency.WEEKLY:
            monday = start - timedelta(days=start.weekday())
            week = monday + timedelta(weeks=k * rule.interval)
            for day in rule.weekdays or (start.weekday(),):
                candidate = week + timedelta(days=day)
                if candidate >= start:
                    yield candidate
        else:
            month_day = _add_months(start, k * rule.interval)
            if month_day is not None:
                yield month_day
        k += 1


def occurrences(rule: Rule, start: date, through: date) -> Iterator[tuple[int, date]]:
    """(1-based number, date) of each occurrence from `start` up to `through` inclusive."""
    for number, day in enumerate(_candidates(rule, start), start=1):
        if day > through or (rule.until is not None and day > rule.until):
            return
        if rule.count is not None and number > rule.count:
            return
        yield number, day
