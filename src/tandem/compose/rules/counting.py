"""Length in the units platforms use: graphemes, UTF-8 bytes, UTF-16 units, emoji.

Grapheme clusters come from the `regex` package's `\\X` (UAX #29 extended grapheme
clusters at the package's Unicode version). Emoji sequences come from the `emoji`
package's data (every sequence of Unicode's emoji-test.txt, fully and minimally
qualified and unqualified).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

import emoji
import regex

_GRAPHEME = regex.compile(r"\X", regex.DOTALL)
_JOINING_RUN = regex.compile(r"[^\p{Grapheme_Cluster_Break=Other}]+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_KEYCAP_BASES = "#*0123456789"
# twitter-text v3's emoji regex does not treat a bare (c) or (R) sign as emoji: they keep
# their Latin-1 weight. With the variation selector (U+FE0F) they are emoji.
_NOT_EMOJI_ALONE = frozenset({"\u00a9", "\u00ae"})


def split_graphemes(text: str) -> list[str]:
    """The user-perceived characters of `text`; joining them gives `text` back.

    Cut text only between these, so an emoji sequence or a letter with its accents
    stays whole.
    """
    if text.isascii():
        return _split_ascii(text)
    return _GRAPHEME.findall(text)


def _split_ascii(text: str) -> list[str]:
    if "\r\n" not in text:
        return list(text)
    parts: list[str] = []
    for index, line in enumerate(text.split("\r\n")):
        if index:
            parts.append("\r\n")  # CR LF is one grapheme (UAX #29 rule GB3)
        parts.extend(line)
    return parts


@lru_cache(maxsize=256)
def grapheme_length(text: str) -> int:
    """The number of grapheme clusters, as `len(split_graphemes(text))`.

    Cached: measure and validate count the same draft.
    """
    if text.isascii():
        return len(text) - text.count("\r\n")
    # Between two characters of Grapheme_Cluster_Break=Other there is always a break
    # (UAX #29 GB999), so only the stretches around other characters need `\X`, which
    # is slow: count those stretches, one character of context on each side.
    length, window_start, window_end = len(text), 0, 0
    for run in _JOINING_RUN.finditer(text):
        start, end = max(run.start() - 1, 0), min(run.end() + 1, len(text))
        if start > window_end:
            length -= _window_savings(text, window_start, window_end)
            window_start = start
        window_end = end
    return length - _window_savings(text, window_start, window_end)


def _window_savings(text: str, start: int, end: int) -> int:
    """Code points minus clusters in text[start:end]."""
    if start >= end:
        return 0
    return (end - start) - len(_GRAPHEME.findall(text, start, end))


def utf8_length(text: str) -> int:
    """Bytes of `text` in UTF-8 (what Bluesky's 3,000 and YouTube's 5,000 count)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def utf16_length(text: str) -> int:
    """UTF-16 code units: one per code point, two for code points above U+FFFF."""
    if text.isascii():
        return len(text)
    return len(text) + len(_ASTRAL.findall(text))


@cache
def _emoji_table() -> tuple[frozenset[str], int, re.Pattern[str]]:
    sequences = frozenset(emoji.EMOJI_DATA) - _NOT_EMOJI_ALONE
    longest = max(len(sequence) for sequence in sequences)
    starts = {ord(sequence[0]) for sequence in sequences} - {
        ord(c) for c in _KEYCAP_BASES
    }
    start_class = _ranges(sorted(starts), gap=32)
    # A digit, # or * starts an emoji only as a keycap: don't stop at every digit.
    candidates = re.compile(f"[{start_class}]|[#*0-9](?=\ufe0f?\u20e3)")
    return sequences, longest, candidates


def _ranges(code_points: list[int], gap: int) -> str:
    """A regex class body of ranges, merging code points less than `gap` apart.

    `re` scans a class of 1,400 single astral characters linearly; two dozen ranges are
    quick, and the few extra characters they admit fail the table lookup.
    """
    spans = [[code_points[0], code_points[0]]]
    for code_point in code_points[1:]:
        if code_point - spans[-1][1] <= gap:
            spans[-1][1] = code_point
        else:
            spans.append([code_point, code_point])
    return "".join(
        re.escape(chr(first)) + ("-" + re.escape(chr(last))) * (last > first)
        for first, last in spans
    )


@lru_cache(maxsize=256)
def emoji_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) code-point spans of emoji sequences, longest match first.

    Cached: the composer measures one draft for every platform.
    """
    if text.isascii():
        return ()
    return tuple(_find_emoji(text))


def _find_emoji(text: str) -> Iterator[tuple[int, int]]:
    sequences, longest, candidates = _emoji_table()
    position = 0
    while match := candidates.search(text, position):
        start = match.start()
        for end in range(min(len(text), start + longest), start, -1):
            if text[start:end] in sequences:
                yield start, end
                position = end
                break
        else:
            position = start + 1


@lru_cache(maxsize=256)
def threads_length(text: str) -> int:
    """Threads: 'Emojis are counted as the number of UTF-8 bytes' (Threads API, Posts:
    https://developers.facebook.com/documentation/threads/posts); other characters count
    one per code point."""
    length = len(text)
    for start, end in emoji_spans(text):
        sequence = text[start:end]
        length += len(sequence.encode("utf-8")) - len(sequence)
    return length
