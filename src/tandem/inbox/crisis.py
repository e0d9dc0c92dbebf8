"""Crisis detection maths: is the last hour's negative volume far above its own baseline? Pure.

Volume: each visible, non-spam item written in the window counts 1 when its sentiment is
negative and 2 when its intent is "crisis" (whatever its tone). Baseline: the same window one,
two, three and four weeks earlier (hour-of-week, so a weekly busy hour is its own normal),
or, while the inbox holds less than four weeks of history, the same window on each of the
previous seven days. Statistic: the median of those samples and their median absolute
deviation (MAD), scaled by 1.4826 so that it estimates a standard deviation on normal
data, and floored at sqrt(median) (counts are Poisson-like: 20 a hour wobble by about 4.5
even when the past weeks were all exactly 20) and at 1. Alert when

    current > median + k * spread   and   current >= minimum

with k = 3 by default (about one false alarm in a few hundred quiet hours for Poisson
counts) and minimum = 10, so three angry comments at night never page anyone.
See docs/inbox-rules.md.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tandem.inbox.intent import Intent
from tandem.inbox.sentiment import Polarity

DEFAULT_K = 3.0
DEFAULT_MINIMUM = 10
WINDOW = timedelta(hours=1)
WEEKS = 4
SHORT_DAYS = 7
MAD_SCALE = 1.4826
WEEKLY, DAILY = "weekly", "daily"

_WORD = re.compile(r"[^\W\d_][\w'’-]{2,}", re.UNICODE)
STOPWORDS = frozenset(
    (
        "about", "after", "again", "all", "also", "an", "and", "any", "are", "as", "at",
        "be", "been", "but", "by", "can", "can't", "could", "did", "didn't", "do",
        "does", "don't", "for", "from", "get", "got", "had", "has", "have", "here",
        "how", "i'm", "if", "in", "into", "is", "it", "it's", "its", "just", "me", "my",
        "no", "not", "now", "of", "off", "on", "one", "or", "our", "ours", "out",
        "over", "really", "should", "so", "some", "still", "than", "that", "the",
        "their", "them", "then", "there", "they", "this", "to", "too", "two", "up",
        "us", "very", "was", "we", "were", "what", "when", "where", "who", "why",
        "will", "with", "won't", "would", "yes", "you", "your",
    )
)  # fmt: skip


def weight(intent: str, polarity: str) -> int:
    """How much one item counts toward crisis volume."""
    if intent == Intent.CRISIS:
        return 2
    if intent == Intent.SPAM:
        return 0  # abuse and spam are noise, not a brand crisis
    return 1 if polarity == Polarity.NEGATIVE else 0


def sample_windows(
    now: datetime, history_start: datetime | None
) -> tuple[str, list[tuple[datetime, datetime]]]:
    """The baseline's windows (oldest last) and which basis they follow.

    Weekly when the inbox reaches back four full weeks before the current window, else the
    same hour on as many of the previous seven days as the history covers."""
    start = now - WINDOW
    if history_start is not None and history_start <= start - timedelta(weeks=WEEKS):
        return WEEKLY, [
            (start - timedelta(weeks=i), now - timedelta(weeks=i))
            for i in range(1, WEEKS + 1)
        ]
    windows = [
        (start - timedelta(days=i), now - timedelta(days=i))
        for i in range(1, SHORT_DAYS + 1)
    ]
    if history_start is None:
        return DAILY, []
    return DAILY, [w for w in windows if w[0] >= history_start]


def mad(values: Sequence[float]) -> float:
    """Median absolute deviation from the median (unscaled); 0 for no values."""
    if not values:
        return 0.0
    middle = statistics.median(values)
    return float(statistics.median(abs(v - middle) for v in values))


@dataclass(frozen=True)
class Assessment:
    current: float
    samples: tuple[float, ...]
    basis: str  # weekly or daily
    median: float
    mad: float
    spread: float  # max(1.4826 * MAD, sqrt(median), 1)
    threshold: float  # median + k * spread
    k: float
    minimum: int

    @property
    def alert(self) -> bool:
        return self.current > self.threshold and self.current >= self.minimum

    @property
    def above_baseline(self) -> bool:
        return self.current > self.threshold


def assess(
    current: float,
    samples: Sequence[float],
    *,
    k: float = DEFAULT_K,
    minimum: int = DEFAULT_MINIMUM,
    basis: str = WEEKLY,
) -> Assessment:
    """Compare the current window with its baseline samples (no samples: baseline 0)."""
    middle = float(statistics.median(samples)) if samples else 0.0
    deviation = mad(samples)
    spread = max(MAD_SCALE * deviation, math.sqrt(middle), 1.0)
    return Assessment(
        current=float(current),
        samples=tuple(float(s) for s in samples),
        basis=basis,
        median=middle,
        mad=deviation,
        spread=spread,
        threshold=middle + k * spread,
        k=k,
        minimum=minimum,
    )


def _terms(text: str) -> set[str]:
    words = {w.lower().strip("'’-") for w in _WORD.findall(text)}
    return {w for w in words if len(w) >= 3 and w not in STOPWORDS}


def top_terms(
    texts: Sequence[str], background: Sequence[str] = (), *, n: int = 5
) -> list[str]:
    """Words that set the burst apart: in at least two of its messages, ranked by how much
    more often they occur in the burst than in the background (share of messages)."""
    if not texts:
        return []
    now_df = Counter(t for text in texts for t in _terms(text))
    before_df = Counter(t for text in background for t in _terms(text))
    size, before = len(texts), max(len(background), 1)
    ranked = sorted(
        (
            (count / size - before_df[term] / before, count, term)
            for term, count in now_df.items()
            if count >= 2
        ),
        key=lambda x: (-x[0], -x[1], x[2]),
    )
    return [term for lift, _count, term in ranked if lift > 0][:n]


def basis_words(basis: str, samples: int) -> str:
    if basis == WEEKLY:
        return f"the same hour of the week over the previous {samples} weeks"
    if samples == 0:
        return "no history yet, so only the minimum applies"
    return f"the same hour on the previous {samples} days"


def explain(
    a: Assessment, terms: Iterable[str], examples: Iterable[str], crisis_items: int
) -> str:
    """Why the alert fired, in words a person can act on."""
    lines = [
        f"Negative volume in the last hour: {a.current:g} (crisis messages count double; "
        f"{crisis_items} here), against a usual {a.median:g} "
        f"(median of {basis_words(a.basis, len(a.samples))}).",
        f"Alert threshold: {a.threshold:.1f} = median {a.median:g} + {a.k:g} × spread "
        f"{a.spread:.1f}, and at least {a.minimum}.",
    ]
    words = list(terms)
    if words:
        lines.append("Top terms: " + ", ".join(words) + ".")
    quotes = [f"“{e[:200]}”" for e in examples]
    if quotes:
        lines.append("Examples: " + " / ".join(quotes))
    return "\n".join(lines)
