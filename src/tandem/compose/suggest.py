"""Suggestions while writing: hashtags that worked here before, readability, and a tone hint.

Readability is Flesch reading ease (Flesch 1948; 206.835 - 1.015 words/sentence - 84.6
syllables/word), meaningful for English; other languages get the score with a caveat. The tone
hint is a small lexicon, a nudge rather than a verdict.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_SENTENCE = re.compile(r"[.!?…]+(?:\s|$)")
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)", re.UNICODE)
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "this",
        "to",
        "was",
        "we",
        "were",
        "will",
        "with",
        "you",
        "your",
        "i",
        "me",
        "my",
        "they",
        "them",
        "their",
        "he",
        "she",
        "his",
        "her",
        "not",
        "no",
        "so",
        "if",
        "then",
        "than",
        "too",
        "very",
        "can",
        "just",
        "all",
        "any",
        "more",
        "most",
        "new",
        "now",
        "out",
        "up",
        "get",
        "got",
        "one",
        "two",
        "do",
        "does",
        "did",
        "been",
        "being",
        "about",
        "into",
        "over",
        "after",
    ]
)
POSITIVE = frozenset(
    [
        "love",
        "great",
        "amazing",
        "happy",
        "excited",
        "proud",
        "thanks",
        "thank",
        "best",
        "win",
        "wins",
        "beautiful",
        "delighted",
        "enjoy",
        "fun",
        "welcome",
        "celebrate",
        "fantastic",
        "perfect",
        "easy",
    ]
)
NEGATIVE = frozenset(
    [
        "sorry",
        "problem",
        "issue",
        "delay",
        "delayed",
        "bad",
        "worst",
        "angry",
        "disappointed",
        "fail",
        "failed",
        "broken",
        "unfortunately",
        "late",
        "refund",
        "complaint",
    ]
)
URGENT = frozenset(
    [
        "now",
        "today",
        "hurry",
        "last",
        "final",
        "ends",
        "ending",
        "limited",
        "only",
        "deadline",
        "tonight",
        "quick",
    ]
)


def _syllables(word: str) -> int:
    word = word.lower()
    groups = len(_VOWEL_GROUPS.findall(word))
    if word.endswith("e") and groups > 1 and not word.endswith(("le", "ee")):
        groups -= 1
    return max(1, groups)


@dataclass(frozen=True)
class Readability:
    score: (
        float | None
    )  # Flesch reading ease, 0 (hard) to 100 (easy); None without words
    words: int
    sentences: int
    label: str


def readability(text: str) -> Readability:
    words = _WORD.findall(_HASHTAG.sub(" ", text))
    if not words:
        return Readability(None, 0, 0, "Write some words to get a readability score.")
    sentences = max(1, len(_SENTENCE.findall(text.strip() + " ")))
    syllables = sum(_syllables(w) for w in words)
    score = round(
        206.835 - 1.015 * len(words) / sentences - 84.6 * syllables / len(words), 1
    )
    label = (
        "Very easy"
        if score >= 80
        else "Easy"
        if score >= 70
        else "Fairly easy"
        if score >= 60
        else "Plain"
        if score >= 50
        else "Fairly difficult"
        if score >= 30
        else "Difficult"
    )
    return Readability(score, len(words), sentences, label)


@dataclass(frozen=True)
class ToneHint:
    tone: str
    exclamations: int
    reason: str


def tone_hint(text: str) -> ToneHint:
    words = [w.lower() for w in _WORD.findall(text)]
    positive = sum(w in POSITIVE for w in words)
    negative = sum(w in NEGATIVE for w in words)
    urgent = sum(w in URGENT for w in words)
    bangs = text.count("!")
    if negative > positive:
        return ToneHint(
            "negative",
            bangs,
            f"{negative} negative word(s) such as “{_first(words, NEGATIVE)}”.",
        )
    if urgent >= 2:
        return ToneHint(
            "urgent",
            bangs,
            f"{urgent} urgency word(s) such as “{_first(words, URGENT)}”.",
        )
    if positive >= 2 or bangs >= 2:
        return ToneHint(
            "enthusiastic",
            bangs,
            f"{positive} upbeat word(s) and {bangs} exclamation mark(s).",
        )
    return ToneHint("neutral", bangs, "No strong sentiment words.")


def _first(words: Iterable[str], lexicon: frozenset[str]) -> str:
    return next((w for w in words if w in lexicon), "")


def keywords(text: str, limit: int = 8) -> list[str]:
    counts = Counter(
        w.lower() for w in _WORD.findall(_HASHTAG.sub(" ", text)) if len(w) > 3
    )
    return [w for w, _ in counts.most_common() if w not in STOPWORDS][:limit]


def hashtags_in(text: str) -> list[str]:
    return [f"#{m}" for m in _HASHTAG.findall(text)]


@dataclass(frozen=True)
class HashtagStat:
    hashtag: str
    posts: int
    engagement_rate: float | None  # mean engagements / impressions of posts using it
    lift: float | None  # relative to the workspace's mean engagement rate


def rank_hashtags(
    history: Iterable[tuple[str, int, int]], *, min_posts: int = 3
) -> list[HashtagStat]:
    """Rank hashtags by how posts using them performed. `history`: (text, impressions, engagements)."""
    per_tag: dict[str, list[tuple[int, int]]] = {}
    total_imp = total_eng = 0
    for text, impressions, engagements in history:
        total_imp += impressions
        total_eng += engagements
        for tag in {t.lower() for t in hashtags_in(text)}:
            per_tag.setdefault(tag, []).append((impressions, engagements))
    baseline = total_eng / total_imp if total_imp else None
    stats = []
    for tag, rows in per_tag.items():
        imp = sum(r[0] for r in rows)
        rate = sum(r[1] for r in rows) / imp if imp else None
        lift = (rate / baseline - 1) if rate is not None and baseline else None
        stats.append(HashtagStat(tag, len(rows), rate, lift))
    eligible = [s for s in stats if s.posts >= min_posts]
    return sorted(
        eligible, key=lambda s: (s.engagement_rate or 0, s.posts), reverse=True
    )
