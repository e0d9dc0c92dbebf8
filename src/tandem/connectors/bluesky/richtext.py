"""Rich-text facets: links, hashtags and mentions located by UTF-8 byte offsets.

Bluesky stores post text as plain text plus `facets`, each naming a byte range of the UTF-8
encoding (not a character range: "✨" is 3 bytes) and what it is
(https://docs.bsky.app/docs/advanced-guides/post-richtext). Detection follows the reference
client's rules closely enough for what a marketer writes: `http(s)://` links (bare domains are
left as text), `#tags` after a space or at the start (not all digits, trailing punctuation
excluded, at most 64 characters), and `@handle.domain` mentions. A mention whose handle does
not resolve to a DID stays plain text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from tandem.connectors.bluesky.rules import MAX_TAG_GRAPHEMES

ResolveHandle = Callable[[str], str | None]  # handle -> DID, None when unknown

_URL = re.compile(r"(?:^|(?<=[\s(]))(https?://[^\s]+)", re.IGNORECASE)
_TAG = re.compile(r"(?:^|(?<=\s))[#＃]([^\s\u00ad\u2060\u200a-\u200d\u20e2]+)")
_MENTION = re.compile(r"(?:^|(?<=[\s(]))@([a-zA-Z0-9.-]+)")
# Handle syntax: https://atproto.com/specs/handle (labels of 1-63, at least two of them).
_HANDLE = re.compile(
    r"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$"
)
_TRAILING = ".,;:!?\"'"


def _byte_range(text: str, start: int, end: int) -> dict[str, int]:
    byte_start = len(text[:start].encode("utf-8"))
    return {
        "byteStart": byte_start,
        "byteEnd": byte_start + len(text[start:end].encode("utf-8")),
    }


def _trim_url(url: str) -> str:
    """Drop trailing punctuation, and a closing parenthesis the URL did not open."""
    while url:
        if (
            url[-1] in _TRAILING
            or url.endswith(")")
            and url.count("(") < url.count(")")
        ):
            url = url[:-1]
        else:
            break
    return url


def links(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _URL.finditer(text):
        url = _trim_url(match.group(1))
        if len(url) > len("https://"):
            found.append((match.start(1), match.start(1) + len(url), url))
    return found


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P")


def hashtags(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _TAG.finditer(text):
        tag = match.group(1)
        while tag and _is_punctuation(tag[-1]):
            tag = tag[:-1]
        if not tag or tag.startswith("\ufe0f") or len(tag) > MAX_TAG_GRAPHEMES:
            continue
        if all(c.isdigit() or _is_punctuation(c) for c in tag):
            continue  # "#1" is a number, not a tag
        start = match.start()
        found.append((start, start + 1 + len(tag), tag))
    return found


def mentions(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _MENTION.finditer(text):
        handle = match.group(1).rstrip(".-")
        if _HANDLE.match(handle):
            start = match.start()
            found.append((start, start + 1 + len(handle), handle.lower()))
    return found


def facets(text: str, resolve: ResolveHandle) -> list[dict[str, Any]]:
    """The facets for `text`, sorted by position; overlapping matches keep the earliest."""
    candidates: list[tuple[int, int, dict[str, Any]]] = []
    for start, end, url in links(text):
        candidates.append(
            (start, end, {"$type": "app.bsky.richtext.facet#link", "uri": url})
        )
    for start, end, tag in hashtags(text):
        candidates.append(
            (start, end, {"$type": "app.bsky.richtext.facet#tag", "tag": tag})
        )
    for start, end, handle in mentions(text):
        did = resolve(handle)
        if did:
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": did}
            candidates.append((start, end, feature))
    result: list[dict[str, Any]] = []
    taken_until = -1
    for start, end, feature in sorted(candidates, key=lambda c: (c[0], -c[1])):
        if start < taken_until:
            continue  # e.g. a "#fragment" inside a link
        result.append({"index": _byte_range(text, start, end), "features": [feature]})
        taken_until = end
    return result
