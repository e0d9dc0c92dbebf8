"""Scanning text: NFC with offsets back to the original, phrase patterns, links, emoji.

All offsets are code points (what JavaScript sees with `Array.from(text)` and Python with
`str` indexing), end exclusive.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

# Typographic apostrophes are what phones type; a rule written with "'" must match them.
_APOSTROPHES = "'\u2019\u02bc"
_APOSTROPHE_CLASS = f"[{_APOSTROPHES}]"
_WORD_CHAR = re.compile(r"\w")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def canonical(phrase: str) -> str:
    """A phrase as users mean it: NFC, single spaces, straight apostrophes."""
    collapsed = " ".join(nfc(phrase).split())
    return re.sub(_APOSTROPHE_CLASS, "'", collapsed)


def phrase_pattern(phrase: str) -> str:
    """A regex for a phrase on word boundaries: "ad" misses "adventure", "#ad" misses "#adidas".

    A phrase that starts with a word character, "#" or "@" must not follow a word character;
    one that ends with a word character must not be followed by one. Inner whitespace
    matches any run of whitespace, so a line break inside the phrase still matches.
    """
    words = canonical(phrase).split(" ")
    body = r"\s+".join(re.escape(w).replace("'", _APOSTROPHE_CLASS) for w in words if w)
    text = "".join(words)
    head = r"(?<!\w)" if _WORD_CHAR.match(text) or text[:1] in "#@" else ""
    tail = r"(?!\w)" if _WORD_CHAR.match(text[-1:]) else ""
    return head + body + tail


_TOKEN = re.compile(r"[#@]?\w+|[^\w\s]")
_KEY_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'"})


def _key(token: str) -> str:
    return token.casefold().translate(_KEY_APOSTROPHES)


def tokens(text: str) -> list[tuple[int, str]]:
    """Where each word, #hashtag, @handle or symbol starts, with its lookup key."""
    found = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        found.append((match.start(), _key(token)))
        if len(token) > 1 and token[0] in "#@":
            found.append((match.start() + 1, _key(token[1:])))  # "ad" is in "#ad"
    return found


class PhraseSet:
    """Many phrases, matched case-insensitively on word boundaries in one pass.

    One big regex alternation is slow in Python's engine (it tries every phrase at every
    position: 0.7 s for 500 phrases on 3,000 characters). Instead each phrase is filed under
    its first token, and only the phrases filed under a token of the text are tried there.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        self.phrases = tuple(phrases)
        by_key: dict[str, list[tuple[int, re.Pattern[str]]]] = {}
        for index, phrase in enumerate(self.phrases):
            first = _TOKEN.search(canonical(phrase))
            if first is None:
                continue
            pattern = re.compile(phrase_pattern(phrase), re.IGNORECASE)
            by_key.setdefault(_key(first.group()), []).append((index, pattern))
        for candidates in by_key.values():
            candidates.sort(key=lambda c: -len(self.phrases[c[0]]))  # longest first
        self._by_key = by_key

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def find(
        self,
        text: str,
        words: list[tuple[int, str]],
        accept: Callable[[int], bool] | None = None,
    ) -> Iterator[tuple[int, int, int]]:
        """(start, end, phrase index) of each match, left to right, never overlapping.

        `words` is `tokens(text)`; `accept(index)` can rule phrases out before they are tried.
        """
        done = 0
        for position, key in words:
            if position < done:
                continue
            for index, pattern in self._by_key.get(key, ()):
                if accept is not None and not accept(index):
                    continue
                match = pattern.match(text, position)
                if match:
                    yield position, match.end(), index
                    done = match.end()
                    break


# Trailing punctuation belongs to the sentence, not the link ("see tandem.app/pricing.").
_LINK_END = r"[^\s<>\"'.,!?;:)\]\u2019]"
_URL = rf"(?:https?://|www\.)[^\s<>\"]*{_LINK_END}"
_EMAIL = r"[\w.+-]+@\w[\w-]*(?:\.[\w-]+)+"
# Bare domains need a lower-case top-level domain, so "z.B." or "Tandem.Mehr" stay text.
_DOMAIN = (
    rf"(?<![\w@.-])\w[\w-]*(?:\.[\w-]+)*\.[a-z]{{2,}}\b(?:/[^\s<>\"]*{_LINK_END})?"
)
_MENTION = r"(?<![\w@])@\w+(?:[.-]\w+)*(?:@\w+(?:[.-]\w+)+)?"  # @x, @x@instance.social
_HASHTAG = r"(?<![\w#])#\w+"
LINKS = re.compile(f"{_URL}|{_EMAIL}|{_DOMAIN}")
HANDLES = re.compile(f"{_URL}|{_EMAIL}|{_DOMAIN}|{_MENTION}|{_HASHTAG}")


class Spans:
    """Sorted, non-overlapping spans (e.g. every link in a text) and a fast "inside?" test."""

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        found = [m.span() for m in pattern.finditer(text)]
        self._starts = [s for s, _ in found]
        self._ends = [e for _, e in found]

    def covers(self, start: int, end: int) -> bool:
        """True when [start, end) overlaps one of the spans."""
        i = bisect_right(self._starts, start) - 1
        if i >= 0 and self._ends[i] > start:
            return True
        return i + 1 < len(self._starts) and self._starts[i + 1] < end


# Emoji, from Unicode's emoji-data.txt, simplified to what people actually type:
# pictographs in the supplementary planes count as they are; symbols in the basic plane
# count when their default look is an emoji, or when followed by VS16 (U+FE0F).
_PICTOGRAPHS = (
    "\U0001f004\U0001f0cf\U0001f170\U0001f171\U0001f17e\U0001f17f\U0001f18e"
    "\U0001f191-\U0001f19a\U0001f201\U0001f202\U0001f21a\U0001f22f\U0001f232-\U0001f23a"
    "\U0001f250\U0001f251\U0001f300-\U0001f3fa\U0001f400-\U0001f64f\U0001f680-\U0001f6ff"
    "\U0001f7e0-\U0001f7ff\U0001f900-\U0001f9ff\U0001fa70-\U0001faff"
    "\u231a\u231b\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f"
    "\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5"
    "\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797"
    "\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55"
    "\u2764"  # text by default, yet every phone shows the red heart
)
_SYMBOLS = (
    "\u00a9\u00ae\u203c\u2049\u2122\u2139\u2194-\u21aa\u231a-\u23ff\u24c2\u25aa-\u25fe"
    "\u2600-\u27bf\u2934\u2935\u2b05-\u2b55\u3030\u303d\u3297\u3299"
)
_ONE = (
    f"(?:[{_PICTOGRAPHS}]|[{_SYMBOLS}]\ufe0f)"
    "(?:\ufe0f|[\U0001f3fb-\U0001f3ff])?"  # presentation selector or skin tone
    "[\U000e0020-\U000e007f]*"  # tag sequences: the flags of England, Scotland, Wales
)
_JOINED = f"\u200d(?:{_ONE}|[{_SYMBOLS}]\ufe0f?)"  # family, profession and gender ZWJ sequences
_FLAG = "[\U0001f1e6-\U0001f1ff]{1,2}"
_KEYCAP = "[0-9#*]\ufe0f?\u20e3"
EMOJI = re.compile(f"{_KEYCAP}|{_FLAG}|{_ONE}(?:{_JOINED})*")


@dataclass(frozen=True)
class Normalised:
    """A text in NFC, with a map from its offsets back to the text as it was given."""

    text: str
    _norm_bounds: tuple[int, ...] = ()
    _orig_bounds: tuple[int, ...] = ()

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span in the original text; a span inside a recomposed cluster widens to it."""
        if not self._norm_bounds:
            return start, end
        first = bisect_right(self._norm_bounds, start) - 1
        last = bisect_left(self._norm_bounds, end)
        return self._orig_bounds[first], self._orig_bounds[last]


def normalise(text: str) -> Normalised:
    if unicodedata.is_normalized("NFC", text):
        return Normalised(text)  # the usual case: browsers send NFC
    whole = nfc(text)
    for safe in (_is_fine_boundary, _is_ascii_boundary):
        pieces = _pieces(text, safe)
        if "".join(nfc(p) for p in pieces) == whole:
            break
    norm, orig = [0], [0]
    for piece in pieces:
        norm.append(norm[-1] + len(nfc(piece)))
        orig.append(orig[-1] + len(piece))
    return Normalised(whole, tuple(norm), tuple(orig))


def _is_fine_boundary(before: str, char: str) -> bool:
    # A starter that does not compose with the character before it starts a new piece.
    return unicodedata.combining(char) == 0 and nfc(before + char) == nfc(before) + nfc(
        char
    )


def _is_ascii_boundary(_before: str, char: str) -> bool:
    # No canonical composition ends in an ASCII character, so this is always safe.
    return char.isascii()


def _pieces(text: str, boundary: Callable[[str, str], bool]) -> list[str]:
    pieces: list[str] = []
    start = 0
    for i in range(1, len(text)):
        if boundary(text[i - 1], text[i]):
            pieces.append(text[start:i])
            start = i
    pieces.append(text[start:])
    return pieces
