"""Counting units: graphemes, UTF-8, UTF-16, emoji spans."""

from __future__ import annotations

import random

import regex

from tandem.compose.rules import split_graphemes
from tandem.compose.rules.counting import (
    emoji_spans,
    grapheme_length,
    threads_length,
    utf16_length,
)

_CLUSTERS = regex.compile(r"\X", regex.DOTALL)
# Characters that join or break clusters in every way UAX #29 knows: combining marks,
# ZWJ, regional indicators, Hangul jamo and syllables, Prepend, Indic virama, CR LF.
_PIECES = [
    "a", "\u0301", "\u200d", "\U0001f468", "\U0001f1f5", "\r", "\n", "\u1100",
    "\u1161", "\u11a8", "\uac00", "\u0600", "\u0915", "\u094d", "\ufe0f", "é", " ",
    "\U0001f3fd", "東",
]  # fmt: skip


def test_the_fast_grapheme_count_matches_full_segmentation() -> None:
    rng = random.Random(7)
    for _ in range(5000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 12)))
        assert grapheme_length(text) == len(_CLUSTERS.findall(text)), repr(text)
        assert "".join(split_graphemes(text)) == text


def test_utf16_counts_astral_characters_twice() -> None:
    assert utf16_length("a😀é") == len("a😀é".encode("utf-16-le")) // 2 == 4


def test_emoji_spans_take_the_longest_sequence() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    text = f"x{family}\U0001f44d\U0001f3fd 1\ufe0f\u20e3 \u00a9 \u00a9\ufe0f"
    spans = [text[start:end] for start, end in emoji_spans(text)]
    assert spans == [family, "\U0001f44d\U0001f3fd", "1\ufe0f\u20e3", "\u00a9\ufe0f"]


def test_a_bare_copyright_sign_is_text_as_in_twitter_text() -> None:
    assert emoji_spans("\u00a9 2025") == ()


def test_threads_counts_an_emoji_by_its_bytes_and_text_by_code_points() -> None:
    assert threads_length("café 👍🏽") == 5 + len("👍🏽".encode())
