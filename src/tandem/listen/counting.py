"""`TrendCounter`: mentions in, hourly counts per key out, in bounded memory.

Counts live in hour buckets per key, kept for `span_hours` (enough for the seasonal baseline:
`baseline_weeks` whole weeks plus a window of up to a week). A key starts as a small dict of
hour -> count and becomes a fixed ring of `span_hours` 32-bit counters once it has been seen in
more than `_DENSE_AFTER` distinct hours, which is cheaper for the frequent keys that hold most
of the counts. Every `prune_every_hours` of stream time, hours older than the span are dropped
and so are keys seen fewer than `prune_below` times in the span and not in the last
`prune_grace_hours` (the long tail of one-off words and bigrams); if more than `max_keys`
remain, the least counted go first. The last `recent_hours` of mentions are kept with their
keys (at most `max_recent`) for grouping trends into themes and picking examples.
"""

from __future__ import annotations

from array import array
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from tandem.core.errors import InvalidInput
from tandem.listen.model import Mention
from tandem.listen.terms import TOPIC_PREFIX, analyse, extract_terms
from tandem.listen.topics import Topic, matches

HOUR_SECONDS = 3600
WEEK_HOURS = 168
_DENSE_AFTER = 48


def hour_of(moment: datetime) -> int:
    """Hours since the Unix epoch (UTC) of an aware datetime."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(
            f"Mention.created_at {moment.isoformat()} has no time zone; pass an aware "
            "datetime such as datetime(..., tzinfo=UTC).",
            field="created_at",
        )
    return int(moment.timestamp() // HOUR_SECONDS)


class HourSeries:
    """Counts per hour of one key over the last `span` hours up to `last`."""

    __slots__ = ("last", "ring", "sparse", "total")

    def __init__(self) -> None:
        self.sparse: dict[int, int] | None = {}
        self.ring: array[int] | None = None
        self.last = -1
        self.total = 0

    def add(self, hour: int, count: int, span: int) -> None:
        if hour <= self.last - span:
            return  # older than anything kept
        if self.sparse is not None:
            self.sparse[hour] = self.sparse.get(hour, 0) + count
            self.total += count
            self.last = max(self.last, hour)
            if len(self.sparse) > _DENSE_AFTER:
                self._densify(span)
            return
        self.advance(hour, span)
        assert self.ring is not None
        self.ring[hour % span] += count
        self.total += count

    def _densify(self, span: int) -> None:
        assert self.sparse is not None
        ring = array("I", bytes(4 * span))
        total = 0
        for hour, count in self.sparse.items():
            if hour > self.last - span:
                ring[hour % span] += count
                total += count
        self.ring, self.sparse, self.total = ring, None, total

    def advance(self, hour: int, span: int) -> None:
        """Move `last` forward to `hour`, zeroing the hours that fall out of the span."""
        if hour <= self.last:
            return
        if self.sparse is not None:
            cutoff = hour - span
            for old in [h for h in self.sparse if h <= cutoff]:
                self.total -= self.sparse.pop(old)
            self.last = hour
            return
        assert self.ring is not None
        if hour - self.last >= span:
            self.ring = array("I", bytes(4 * span))
            self.total = 0
        else:
            ring = self.ring
            for h in range(self.last + 1, hour + 1):
                index = h % span
                self.total -= ring[index]
                ring[index] = 0
        self.last = hour

    def hourly(self, start: int, end: int, span: int) -> list[int]:
        """Counts for hours start..end-1 (zeros outside what is kept)."""
        if self.sparse is not None:
            get = self.sparse.get
            return [get(h, 0) for h in range(start, end)]
        assert self.ring is not None
        low, high = max(start, self.last - span + 1), min(end, self.last + 1)
        ring = self.ring
        inner = [ring[h % span] for h in range(low, high)] if low < high else []
        return (
            [0] * max(0, min(low, end) - start)
            + inner
            + [0] * max(0, end - max(high, start))
        )

    def sum(self, start: int, end: int, span: int) -> int:
        if self.sparse is not None:
            return sum(c for h, c in self.sparse.items() if start <= h < end)
        return sum(self.hourly(start, end, span))


@dataclass(frozen=True, slots=True)
class Recent:
    hour: int
    mention: Mention
    keys: tuple[str, ...]


class TrendCounter:
    """Ingests mentions one at a time (in rough time order) and keeps what detection needs.

    Not thread-safe; one counter per stream. `now`-independent: detection asks for any window
    that ends within the kept span (see `tandem.listen.trends.detect`).
    """

    def __init__(
        self,
        *,
        topics: Sequence[Topic] = (),
        baseline_weeks: int = 4,
        recent_hours: int = 48,
        max_recent: int = 60_000,
        prune_every_hours: int = 12,
        prune_below: int = 3,
        prune_grace_hours: int = 24,
        max_keys: int = 300_000,
    ) -> None:
        if baseline_weeks < 1:
            raise InvalidInput(
                f"baseline_weeks is {baseline_weeks}; it must be at least 1 week.",
                field="baseline_weeks",
            )
        self.topics = tuple(topics)
        self.baseline_weeks = baseline_weeks
        self.span = (baseline_weeks + 1) * WEEK_HOURS
        self.recent_hours = recent_hours
        self.max_recent = max_recent
        self.prune_every_hours = prune_every_hours
        self.prune_below = prune_below
        self.prune_grace_hours = prune_grace_hours
        self.max_keys = max_keys
        self.series: dict[str, HourSeries] = {}
        self.totals = HourSeries()
        self.recent: deque[Recent] = deque()
        self.first_hour: int | None = None
        self.head = -1
        self.seen = 0
        self._open_hour = -1
        self._open: Counter[str] = Counter()
        self._open_total = 0
        self._pruned_at = -1

    def keys_of(self, mention: Mention) -> tuple[str, ...]:
        text = analyse(mention.text)
        keys = extract_terms(text, mention.language)
        for topic in self.topics:
            if matches(topic, mention, text):
                keys.add(TOPIC_PREFIX + topic.name)
        return tuple(keys)

    def add(self, mention: Mention) -> None:
        hour = hour_of(mention.created_at)
        keys = self.keys_of(mention)
        self.seen += 1
        if self.first_hour is None or hour < self.first_hour:
            self.first_hour = hour
        if hour == self._open_hour:
            self._open.update(keys)
            self._open_total += 1
        elif hour > self._open_hour:
            self._flush()
            self._open_hour = hour
            self._open.update(keys)
            self._open_total = 1
            self.head = max(self.head, hour)
            if hour - self._pruned_at >= self.prune_every_hours:
                self.prune()
        else:  # a late mention: straight into its hour
            for key in keys:
                self._series(key).add(hour, 1, self.span)
            self.totals.add(hour, 1, self.span)
        self.recent.append(Recent(hour, mention, keys))
        recent, oldest = self.recent, self.head - self.recent_hours
        while recent and (recent[0].hour <= oldest or len(recent) > self.max_recent):
            recent.popleft()

    def extend(self, mentions: Iterable[Mention]) -> None:
        for mention in mentions:
            self.add(mention)

    def _series(self, key: str) -> HourSeries:
        series = self.series.get(key)
        if series is None:
            series = self.series[key] = HourSeries()
        return series

    def _flush(self) -> None:
        if not self._open_total:
            return
        hour, span, table = self._open_hour, self.span, self.series
        for key, count in self._open.items():
            series = table.get(key)
            if series is None:
                series = table[key] = HourSeries()
            series.add(hour, count, span)
        self.totals.add(hour, self._open_total, span)
        self._open = Counter()
        self._open_total = 0

    def flush(self) -> None:
        """Move the open hour's counts into the series (detection does it first)."""
        self._flush()
        self._open_hour = self.head

    def prune(self) -> None:
        """Forget keys whose counts all fell out of the span, and the long tail of rare keys.

        Cheap on purpose (it runs every `prune_every_hours`): a small dict keeps its stale
        hours (at most `_DENSE_AFTER` of them) and its `total` may still include them, which
        only delays forgetting a rare key by up to a span.
        """
        self._pruned_at = self.head
        expired, grace, below = (
            self.head - self.span,
            self.head - self.prune_grace_hours,
            self.prune_below,
        )
        doomed = [
            key
            for key, series in self.series.items()
            if series.last <= expired or (series.total < below and series.last < grace)
        ]
        for key in doomed:
            del self.series[key]
        if len(self.series) > self.max_keys:
            for series in self.series.values():
                series.advance(self.head, self.span)
            ranked = sorted(self.series, key=lambda k: self.series[k].total)
            for key in ranked[: len(self.series) - self.max_keys * 9 // 10]:
                del self.series[key]

    def counts(self, key: str, start: int, end: int) -> list[int]:
        series = self.series.get(key)
        return (
            [0] * (end - start)
            if series is None
            else series.hourly(start, end, self.span)
        )

    def total(self, key: str, start: int, end: int) -> int:
        series = self.series.get(key)
        return 0 if series is None else series.sum(start, end, self.span)
