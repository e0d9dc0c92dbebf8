"""The Sandbox's limits. They copy Mastodon's default instance on purpose, so a Sandbox
account exercises the same grapheme counting a real network does:
https://docs.joinmastodon.org/user/posting/#text (500 characters per status), counted as
extended grapheme clusters (UAX #29), as Mastodon's StatusLengthValidator does.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

MAX_GRAPHEMES = 500
MAX_PARTS = 25  # a thread longer than this is almost certainly a bug in the caller
_GRAPHEME = regex.compile(r"\X", regex.DOTALL)


def grapheme_length(text: str) -> int:
    """User-perceived characters: an emoji sequence or an accented letter counts once."""
    if text.isascii():
        return len(text) - text.count("\r\n")  # CR LF is one cluster (UAX #29 GB3)
    return len(_GRAPHEME.findall(text))


def post_problem(parts: Sequence[str], first_comment: str = "") -> str | None:
    """Why the Sandbox refuses this post, in words for the user; None when it is fine."""
    if not parts:
        return "A post needs at least one part."
    if len(parts) > MAX_PARTS:
        return (
            f"A thread may have at most {MAX_PARTS} parts; this one has {len(parts)}."
        )
    for number, part in enumerate(parts, start=1):
        if not part.strip():
            return f"Part {number} is empty."
        length = grapheme_length(part)
        if length > MAX_GRAPHEMES:
            return (
                f"Part {number} is {length} characters long; the Sandbox allows "
                f"{MAX_GRAPHEMES} per part (counted as graphemes, like Mastodon)."
            )
    length = grapheme_length(first_comment)
    if length > MAX_GRAPHEMES:
        return (
            f"The first comment is {length} characters long; the Sandbox allows "
            f"{MAX_GRAPHEMES}."
        )
    return None
