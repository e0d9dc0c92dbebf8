"""Bluesky rich text: link, mention and tag facets with UTF-8 byte offsets.

A Bluesky post record carries plain text plus `app.bsky.richtext.facet` annotations
whose `index.byteStart`/`byteEnd` count UTF-8 bytes, end exclusive
(https://docs.bsky.app/docs/advanced-guides/post-richtext). Detection follows the
behaviour of the official client's RichText.detectFacets: entities start the text or
follow whitespace (links and mentions also an opening parenthesis); a link or handle
without a scheme needs a known top-level domain; trailing punctuation is not part of a
link or tag; a tag has at most 64 characters and is not only digits.
"""

from __future__ import annotations

import re

import regex

from tandem.compose.rules.counting import utf8_length
from tandem.compose.rules.model import Facet, FacetKind
from tandem.compose.rules.tlds import top_level_domains

_MENTION = re.compile(r"(?:^|(?<=[\s(]))@(?P<handle>[a-zA-Z0-9.-]+)\b")
_HANDLE = re.compile(
    r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"
)
_LINK = re.compile(
    r"(?:^|(?<=[\s(]))(?P<uri>https?://\S+|(?P<domain>[a-z][a-z0-9]*(?:\.[a-z0-9]+)+)\S*)",
    re.IGNORECASE,
)
_LINK_TRAILING = ".,;:!?"
_NOT_IN_TAG = r"\s\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2"
_TAG = regex.compile(
    rf"(?:^|(?<=\s))[#\uff03](?P<tag>(?!\ufe0f)[^{_NOT_IN_TAG}]*"
    rf"[^\d\p{{P}}{_NOT_IN_TAG}]+[^{_NOT_IN_TAG}]*)"
)
_TAG_TRAILING = regex.compile(r"\p{P}+$")
_MAX_TAG_LENGTH = 64  # app.bsky.feed.post tags: maxGraphemes 64


def bluesky_facets(text: str) -> list[Facet]:
    """Facets for `text`, in text order; mentions carry the handle, not yet the DID."""
    found = [*_mentions(text), *_links(text), *_tags(text)]
    facets: list[Facet] = []
    for start, end, kind, value in sorted(found):
        if facets and facets[-1].byte_end > _byte_offset(text, start):
            continue
        facets.append(
            Facet(kind, _byte_offset(text, start), _byte_offset(text, end), value)
        )
    return facets


def _byte_offset(text: str, index: int) -> int:
    return utf8_length(text[:index])


def _known_domain(domain: str) -> bool:
    return domain.rsplit(".", 1)[-1].lower() in top_level_domains()


_Found = tuple[int, int, FacetKind, str]


def _mentions(text: str) -> list[_Found]:
    if "@" not in text:
        return []
    found = []
    for match in _MENTION.finditer(text):
        handle = match["handle"].lower()
        if _HANDLE.fullmatch(handle) and _known_domain(handle):
            found.append((match.start(), match.end(), FacetKind.MENTION, handle))
    return found


def _links(text: str) -> list[_Found]:
    if "." not in text:
        return []
    found = []
    for match in _LINK.finditer(text):
        uri, start = match["uri"], match.start("uri")
        if match["domain"] and not _known_domain(match["domain"]):
            continue
        if uri[-1] in _LINK_TRAILING:
            uri = uri[:-1]
        if uri.endswith(")") and "(" not in uri:
            uri = uri[:-1]
        target = uri if match["domain"] is None else "https://" + uri
        found.append((start, start + len(uri), FacetKind.LINK, target))
    return found


def _tags(text: str) -> list[_Found]:
    if "#" not in text and "\uff03" not in text:
        return []
    found = []
    for match in _TAG.finditer(text):
        tag = _TAG_TRAILING.sub("", match["tag"])
        if tag and len(tag) <= _MAX_TAG_LENGTH:
            start = match.start("tag") - 1
            found.append((start, start + 1 + len(tag), FacetKind.TAG, tag))
    return found
