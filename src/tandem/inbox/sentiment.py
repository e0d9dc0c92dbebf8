"""Sentiment: VADER's lexicon and rules, taught social emoji, five more languages, grievance
phrases ("still waiting", "charged twice") and sarcasm ("Great, another delay.").

`sentiment(text)` returns VADER's compound score in -1..1 after those adjustments. Labels
use VADER's published thresholds: >= 0.05 positive, <= -0.05 negative, else neutral.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from enum import StrEnum

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from tandem.inbox.lexicon import (
    EMOJI_VALENCE,
    ENGLISH_VALENCE,
    FALSE_FRIENDS,
    FOREIGN_VALENCE,
    GRIEF_VALENCE,
    GRIEVANCE_PHRASES,
    IDIOMS,
    SARCASM_STRONG,
    SARCASM_WEAK,
)

POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05


class Polarity(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


@dataclass(frozen=True)
class Sentiment:
    compound: float
    sarcastic: bool

    @property
    def polarity(self) -> Polarity:
        if self.compound >= POSITIVE_AT:
            return Polarity.POSITIVE
        if self.compound <= NEGATIVE_AT:
            return Polarity.NEGATIVE
        return Polarity.NEUTRAL


_GRIEVANCES = [
    (re.compile(pattern, re.IGNORECASE), f"tdmgrievance{i}", valence)
    for i, (pattern, valence) in enumerate(GRIEVANCE_PHRASES.items())
]
_IDIOMS = [(re.compile(p, re.IGNORECASE), plain) for p, plain in IDIOMS.items()]
_FALSE_FRIENDS = re.compile(
    r"\b(?:" + "|".join(sorted(FALSE_FRIENDS)) + r")\b", re.IGNORECASE
)
_STRONG = [re.compile(p, re.IGNORECASE) for p in SARCASM_STRONG]
_WEAK = [re.compile(p, re.IGNORECASE) for p in SARCASM_WEAK]
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_analyzer: SentimentIntensityAnalyzer | None = None
_lock = threading.Lock()


def _build() -> SentimentIntensityAnalyzer:
    analyzer = SentimentIntensityAnalyzer()
    for i, (emoji, valence) in enumerate(EMOJI_VALENCE.items()):
        token = f"tdmemoji{i}"
        analyzer.emojis[emoji] = token
        analyzer.lexicon[token] = valence
    for word, valence in FOREIGN_VALENCE.items():
        analyzer.lexicon.setdefault(word, valence)
    analyzer.lexicon.update(ENGLISH_VALENCE)
    for _, token, valence in _GRIEVANCES:
        analyzer.lexicon[token] = valence
    return analyzer


def analyzer() -> SentimentIntensityAnalyzer:
    """The shared analyser (building it reads VADER's lexicon: ~50 ms, once)."""
    global _analyzer
    if _analyzer is None:
        with _lock:
            if _analyzer is None:
                _analyzer = _build()
    return _analyzer


def _goes_wrong(text: str) -> bool:
    lexicon = analyzer().lexicon
    return any(
        lexicon.get(word.lower(), 0.0) <= GRIEF_VALENCE for word in _WORD.findall(text)
    ) or any(pattern.search(text) for pattern, _, _ in _GRIEVANCES)


def is_sarcastic(text: str) -> bool:
    if any(marker.search(text) for marker in _STRONG):
        return True
    return any(marker.search(text) for marker in _WEAK) and _goes_wrong(text)


def sentiment(text: str, *, language: str = "en") -> Sentiment:
    """`language` (ISO 639-1, "und" when unknown) switches off English false friends."""
    prepared = text.replace("\ufe0f", "")
    for pattern, plain in _IDIOMS:
        prepared = pattern.sub(plain, prepared)
    if language not in ("en", "und"):
        prepared = _FALSE_FRIENDS.sub(" ", prepared)
    for pattern, token, _ in _GRIEVANCES:
        prepared = pattern.sub(f" {token} ", prepared)
    compound = float(analyzer().polarity_scores(prepared)["compound"])
    has_grievance = any(pattern.search(text) for pattern, _, _ in _GRIEVANCES)
    sarcastic = is_sarcastic(text)
    if sarcastic or (has_grievance and compound > NEGATIVE_AT):
        # Praise words around a grievance, or said with a roll of the eyes: the praise is
        # ironic. Keep the strength, flip the sign, and never land on neutral.
        compound = -max(0.3, min(1.0, abs(compound) * (0.8 if compound > 0 else 1.0)))
    return Sentiment(round(compound, 4), sarcastic)
