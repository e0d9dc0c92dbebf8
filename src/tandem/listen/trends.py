"""Trend detection: each key's window count against its own seasonal baseline.

The baseline of a key for a window is the key's counts in the same hours one, two, ...
`baseline_weeks` weeks earlier (a seasonal-naive, hour-of-week profile), so a Monday-morning
hashtag is compared with earlier Monday mornings and a weekly busy hour with itself; how the
count is scored against it is in `scoring.py`. See docs/listening.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from tandem.core.errors import InvalidInput
from tandem.listen.counting import HOUR_SECONDS, WEEK_HOURS, TrendCounter, hour_of
from tandem.listen.model import Mention, TermSignal, Trend
from tandem.listen.scoring import TrendParams, baseline_stats, passes, score
from tandem.listen.terms import term_kind
from tandem.listen.themes import group_into_themes
from tandem.listen.topics import Topic


def _window_hours(window: timedelta) -> int:
    hours = window.total_seconds() / HOUR_SECONDS
    if hours != int(hours) or not 1 <= hours <= WEEK_HOURS:
        raise InvalidInput(
            f"window is {window}; use whole hours from 1 hour to 7 days, e.g. "
            "timedelta(hours=24).",
            field="window",
        )
    return int(hours)


def _end_hour(now: datetime) -> int:
    """The window ends at `now` rounded up to the hour: at 15:00 it covers up to 14:59."""
    hour_of(now)  # rejects a naive `now` with a helpful message
    return math.ceil(now.timestamp() / HOUR_SECONDS)


def baseline_shifts(counter: TrendCounter, start: int, length: int) -> list[int]:
    """Offsets (in hours) of the earlier windows to compare with: whole weeks when the
    history has them, else whole days (no weekly pattern then: said in docs)."""
    first = counter.first_hour if counter.first_hour is not None else start
    oldest = max(first, counter.head - counter.span + 1)
    weeks = [
        WEEK_HOURS * k
        for k in range(1, counter.baseline_weeks + 1)
        if start - WEEK_HOURS * k >= oldest
    ]
    if weeks or length > 24:
        return weeks
    return [24 * k for k in range(1, 8) if start - 24 * k >= oldest]


def signal_for(
    counter: TrendCounter, key: str, start: int, end: int, shifts: Sequence[int]
) -> TermSignal:
    hourly = counter.counts(key, start, end)
    count = sum(hourly)
    baseline = tuple(counter.total(key, start - s, end - s) for s in shifts)
    expected, spread = baseline_stats(baseline)
    length = end - start
    return TermSignal(
        key=key,
        kind=term_kind(key),
        count=count,
        expected=expected,
        spread=round(spread, 3),
        baseline=baseline,
        previous=counter.total(key, start - length, start),
        score=round(score(count, expected, spread), 3),
        hourly=tuple(hourly),
    )


def flagged_signals(
    counter: TrendCounter, *, now: datetime, window: timedelta, params: TrendParams
) -> list[TermSignal]:
    """Every key that passes the thresholds, strongest first."""
    counter.flush()
    length = _window_hours(window)
    end = _end_hour(now)
    start = end - length
    shifts = baseline_shifts(counter, start, length)
    if not shifts:
        return []
    found = []
    for key, series in counter.series.items():
        if series.total < params.min_count or series.last < start:
            continue
        if series.sum(start, end, counter.span) < params.min_count:
            continue
        signal = signal_for(counter, key, start, end, shifts)
        if passes(signal.count, signal.expected, signal.spread, params):
            found.append(signal)
    found.sort(key=lambda s: (-s.score, s.key))
    return found


def detect(
    counter: TrendCounter,
    *,
    now: datetime,
    window: timedelta = timedelta(hours=24),
    params: TrendParams | None = None,
    limit: int | None = 20,
) -> list[Trend]:
    """Ranked trends for the window ending at `now`, from what `counter` has ingested."""
    params = params or TrendParams()
    signals = flagged_signals(counter, now=now, window=window, params=params)
    end = _end_hour(now)
    length = _window_hours(window)
    in_window = [r for r in counter.recent if end - length <= r.hour < end]
    themes = group_into_themes(signals, in_window, params=params, hours=length)
    return themes if limit is None else themes[:limit]


def detect_trends(
    mentions: Iterable[Mention],
    *,
    now: datetime,
    window: timedelta = timedelta(hours=24),
    topics: Sequence[Topic] = (),
    params: TrendParams | None = None,
    baseline_weeks: int = 4,
    limit: int | None = 20,
) -> list[Trend]:
    """Ranked trends (bursts and emerging themes) in the `window` before `now`, with evidence.

    `mentions` may come in any order; those at or after `now` are ignored, and so are those
    older than `baseline_weeks` weeks plus the window. Each tracked topic is scored as the key
    "topic:<name>". Without at least one earlier window to compare with (a day of history for
    windows up to a day, a week otherwise) nothing can be called a trend and the result is [].
    """
    _window_hours(window)
    end = _end_hour(now)
    oldest = end - (baseline_weeks + 1) * WEEK_HOURS
    kept = [
        m for m in mentions if hour_of(m.created_at) >= oldest and m.created_at < now
    ]
    kept.sort(key=lambda m: m.created_at)
    counter = TrendCounter(
        topics=topics,
        baseline_weeks=baseline_weeks,
        recent_hours=_window_hours(window) * 2,
        max_recent=max(len(kept), 1),
    )
    counter.extend(kept)
    return detect(counter, now=now, window=window, params=params, limit=limit)
