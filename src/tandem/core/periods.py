"""Date ranges in a workspace's zone, and the comparison period every chart offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tandem.core.errors import InvalidInput

COMPARISONS = ("previous", "year", "none")
MAX_DAYS = 3660


@dataclass(frozen=True)
class Period:
    """Whole days [start, end] inclusive, in `zone`."""

    start: date
    end: date
    zone: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def since(self) -> datetime:
        """Local midnight starting `start`, as aware UTC (Python subtracts same-zone times naively)."""
        return datetime.combine(self.start, time.min, ZoneInfo(self.zone)).astimezone(
            UTC
        )

    @property
    def until(self) -> datetime:
        """Exclusive upper bound: midnight after `end`."""
        return datetime.combine(
            self.end + timedelta(days=1), time.min, ZoneInfo(self.zone)
        )

    def compared(self, how: str) -> Period | None:
        if how == "previous":
            return Period(
                self.start - timedelta(days=self.days),
                self.start - timedelta(days=1),
                self.zone,
            )
        if how == "year":
            return Period(_minus_year(self.start), _minus_year(self.end), self.zone)
        return None


def _minus_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _parse_day(value: str, field: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{field} must be a date like 2026-01-31, not {value!r}.", field=field
        ) from None


def parse_period(
    start: str | None,
    end: str | None,
    *,
    zone: str,
    today: date,
    default_days: int = 30,
) -> Period:
    """A period from optional ISO dates; defaults to the last `default_days` days up to today."""
    last = _parse_day(end, "to") if end else today
    first = (
        _parse_day(start, "from") if start else last - timedelta(days=default_days - 1)
    )
    if first > last:
        raise InvalidInput(
            "The start date (from) must be on or before the end date (to).",
            field="from",
        )
    if (last - first).days >= MAX_DAYS:
        raise InvalidInput(f"Choose a range of at most {MAX_DAYS} days.", field="from")
    return Period(first, last, zone)


def parse_comparison(value: str | None) -> str:
    value = value or "previous"
    if value not in COMPARISONS:
        raise InvalidInput(
            f"compare must be one of {', '.join(COMPARISONS)}.", field="compare"
        )
    return value


def local_today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()
