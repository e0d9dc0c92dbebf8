"""Turning a mention's text into the keys that trends are counted on.

A key is a case-folded word ("battery"), a hashtag ("#trailrunning"), a bigram of two adjacent
content words ("battery recall") or, when topics are tracked, "topic:<name>". Each key counts
once per mention (document frequency), so one spammer repeating a word cannot make it trend.
Stopwords, numbers, single letters, links and @handles are not keys; bigrams never span a
stopword, a hashtag, a link or punctuation, so "the battery. recall" has no "battery recall".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tandem.listen.model import TermKind
from tandem.listen.stopwords import stopwords_for

# Order matters: links before words ("https" would be a word), tags before bare words.
_TOKEN = re.compile(r"https?://\S+|[@#]\w+|\w+|[.!?,;:()\[\]{}\"“”«»…|/–—]")
TOPIC_PREFIX = "topic:"


@dataclass(frozen=True, slots=True)
class Analysis:
    """One tokenising pass, shared by term extraction and topic matching.

    `words` are every word token in order (stopwords included, so phrases can match),
    `sequence` is the same with `None` at every boundary a bigram may not cross.
    """

    words: tuple[str, ...]
    hashtags: frozenset[str]
    sequence: tuple[str | None, ...]

    @property
    def word_set(self) -> frozenset[str]:
        return frozenset(self.words)


def analyse(text: str) -> Analysis:
    words: list[str] = []
    hashtags: set[str] = set()
    sequence: list[str | None] = []
    for token in _TOKEN.findall(text.casefold()):
        first = token[0]
        if first == "#":
            if not token[1:].isdigit():
                hashtags.add(token)
            sequence.append(None)
        elif first == "@" or "://" in token or not (first.isalnum() or first == "_"):
            sequence.append(None)
        else:
            words.append(token)
            sequence.append(token)
    return Analysis(tuple(words), frozenset(hashtags), tuple(sequence))


def extract_terms(analysis: Analysis, language: str = "") -> set[str]:
    """Words, hashtags and bigrams of `analysis`; `language` picks the stopword list."""
    stop = stopwords_for(language)
    keys: set[str] = set(analysis.hashtags)
    previous: str | None = None
    for token in analysis.sequence:
        if token is None or len(token) < 2 or token in stop or token.isdigit():
            previous = None
            continue
        keys.add(token)
        if previous is not None:
            keys.add(f"{previous} {token}")
        previous = token
    return keys


def terms(text: str, language: str = "") -> frozenset[str]:
    """The keys one text contributes: `terms("Battery recall! #NorthPeak")` ->
    {"battery", "recall", "battery recall", "#northpeak"}."""
    return frozenset(extract_terms(analyse(text), language))


def term_kind(key: str) -> TermKind:
    if key.startswith("#"):
        return TermKind.HASHTAG
    if key.startswith(TOPIC_PREFIX):
        return TermKind.TOPIC
    if " " in key:
        return TermKind.PHRASE
    return TermKind.WORD
