"""The values listening works with: mentions in, term signals and trends out.

Pure dataclasses; the counting and scoring live in `counting.py`, `trends.py` and `themes.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class Mention:
    """One public post that listening saw. `created_at` must be timezone-aware.

    `language` is an ISO 639-1 code ("en", "de"...) or "" when unknown; it only selects the
    stopword list. `sentiment` is a score in [-1, 1] when triage has scored it.
    """

    text: str
    created_at: datetime
    platform: str = ""
    author: str = ""
    language: str = ""
    sentiment: float | None = None


class TermKind(StrEnum):
    WORD = "word"
    HASHTAG = "hashtag"
    PHRASE = "phrase"
    TOPIC = "topic"


class TrendKind(StrEnum):
    """A burst is a sudden rise: an established term far above its seasonal baseline, or new
    terms appearing all at once. An emerging trend is made only of terms that had (almost) no
    baseline and were already there, though fewer, in the window before: something growing."""

    BURST = "burst"
    EMERGING = "emerging"


@dataclass(frozen=True)
class TermSignal:
    """Why one term, hashtag or topic was flagged: the evidence behind a trend.

    `count` is its mentions in the window, `expected` the seasonal baseline for the same hours
    of the week (median over `baseline` = the counts in the same window one, two... weeks
    earlier), `spread` the week-to-week scatter of those counts (1.4826 x MAD), `score` the
    signed Poisson deviance in standard units corrected for that scatter, and `growth` the
    count over the window just before (both +1).
    """

    key: str
    kind: TermKind
    count: int
    expected: float
    spread: float
    baseline: tuple[int, ...]
    previous: int
    score: float
    hourly: tuple[int, ...]

    @property
    def ratio(self) -> float:
        """Volume against baseline; a baseline under one mention counts as one."""
        return self.count / max(self.expected, 1.0)

    @property
    def growth(self) -> float:
        return (self.count + 1) / (self.previous + 1)

    @property
    def is_new(self) -> bool:
        return self.expected < 1.0


@dataclass(frozen=True)
class Trend:
    """A theme of related flagged terms, ranked by its strongest term's score.

    `terms` starts with the `label` term; `examples` are the window's mentions holding most
    of the theme's terms (most recent first among equals); `mentions` counts the window's
    mentions that hold any of them; `why` says it in one sentence for people.
    """

    kind: TrendKind
    label: str
    score: float
    terms: tuple[TermSignal, ...]
    examples: tuple[Mention, ...]
    mentions: int
    why: str

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(t.key for t in self.terms)
