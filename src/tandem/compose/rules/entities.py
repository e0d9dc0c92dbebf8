"""Hashtags, mentions, links and cashtags in a post, as twitter-text finds them.

Indices are code points (Python string indices), end exclusive. The grammar is
twitter-text 3.1's (conformance/extract.yml): a hashtag needs a letter and a boundary
before the `#`; a mention is 1-20 of `[A-Za-z0-9_]`, optionally with a `/list`; a
cashtag is 1-6 letters with an optional `.xx` or `_xx` suffix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import regex

from tandem.compose.rules.model import Entities, Entity, EntityKind
from tandem.compose.rules.urls import LATIN_ACCENTS, PUNCT, SPACES, find_urls

_HASHTAG_CHAR = (
    r"[\p{L}\p{M}\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b\u309c"
    r"\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7]"
)
_HASHTAG = regex.compile(
    rf"(?:^|[\ufe0e\ufe0f]|(?!{_HASHTAG_CHAR}|&).)"  # a boundary before the sign
    rf"[#\uff03](?![\ufe0f\u20e3])"  # "#" + VS16 or keycap is the #-emoji
    rf"(?P<tag>{_HASHTAG_CHAR}*[\p{{L}}\p{{M}}]{_HASHTAG_CHAR}*)",
    regex.DOTALL,
)
_HASHTAG_FOLLOWED_BY = re.compile(r"[#\uff03]|://")
_HASH_SIGN = re.compile("[#\uff03]")

_MENTION_BEFORE = (
    r"(?:^|[^a-zA-Z0-9_!#$%&*@\uff20]|(?:^|[^a-zA-Z0-9_+~.\-])(?:rt|RT|rT|Rt):?)"
)
_MENTION = re.compile(
    rf"{_MENTION_BEFORE}(?P<at>[@\uff20])(?P<name>[a-zA-Z0-9_]{{1,20}})"
    r"(?P<list>/[a-zA-Z][a-zA-Z0-9_\-]{0,24})?"
)
_MENTION_FOLLOWED_BY = re.compile(rf"[@\uff20{LATIN_ACCENTS}]|://")
_REPLY = re.compile(rf"[{SPACES}]*[@\uff20](?P<name>[a-zA-Z0-9_]{{1,20}})")

_CASHTAG = re.compile(
    rf"(?:^|[{SPACES}])(?P<sign>\$)(?P<tag>[A-Za-z]{{1,6}}(?:[._][A-Za-z]{{1,2}})?)"
    rf"(?=$|\s|[{PUNCT}])"
)


def extract(text: str) -> Entities:
    """Every entity in `text`; where two overlap, the one starting first wins (a
    hashtag inside a link is part of the link)."""
    found = remove_overlaps(
        [*extract_urls(text), *extract_mentions(text), *extract_hashtags(text, False)]
        + extract_cashtags(text)
    )
    by_kind: dict[EntityKind, list[Entity]] = {kind: [] for kind in EntityKind}
    for entity in found:
        by_kind[entity.kind].append(entity)
    return Entities(
        urls=tuple(by_kind[EntityKind.URL]),
        hashtags=tuple(by_kind[EntityKind.HASHTAG]),
        mentions=tuple(by_kind[EntityKind.MENTION]),
        cashtags=tuple(by_kind[EntityKind.CASHTAG]),
    )


def remove_overlaps(entities: Iterable[Entity]) -> list[Entity]:
    kept: list[Entity] = []
    for entity in sorted(entities, key=lambda found: found.start):  # stable: URLs first
        if not kept or kept[-1].end <= entity.start:
            kept.append(entity)
    return kept


def extract_urls(text: str) -> list[Entity]:
    return [
        Entity(EntityKind.URL, span.text, span.start, span.end)
        for span in find_urls(text)
    ]


def extract_hashtags(text: str, drop_inside_urls: bool = True) -> list[Entity]:
    tags = []
    end = 0
    # Try the pattern only where a hash sign is, from the character before it: the same
    # matches as scanning the whole text, as a match never reaches past the next sign.
    for sign in _HASH_SIGN.finditer(text):
        position = max(sign.start() - 1, end)  # what a match took can't be a boundary
        if position > sign.start():
            continue
        match = _HASHTAG.match(text, position)
        if match is None:
            continue
        end = match.end()
        if _HASHTAG_FOLLOWED_BY.match(text, end):
            continue
        tags.append(
            Entity(EntityKind.HASHTAG, match["tag"], match.start("tag") - 1, end)
        )
    if drop_inside_urls and tags:
        return [
            tag for tag in remove_overlaps([*extract_urls(text), *tags]) if tag in tags
        ]
    return tags


def extract_mentions(text: str) -> list[Entity]:
    """Mentions and lists (`list_slug` is "/name" for `@user/name`)."""
    if "@" not in text and "\uff20" not in text:
        return []
    mentions = []
    for match in _MENTION.finditer(text):
        if _MENTION_FOLLOWED_BY.match(text, match.end()):
            continue
        entity = Entity(
            EntityKind.MENTION,
            match["name"],
            match.start("at"),
            match.end(),
            list_slug=match["list"] or "",
        )
        mentions.append(entity)
    return mentions


def extract_cashtags(text: str) -> list[Entity]:
    if "$" not in text:
        return []
    return [
        Entity(EntityKind.CASHTAG, match["tag"], match.start("sign"), match.end())
        for match in _CASHTAG.finditer(text)
    ]


def extract_reply(text: str) -> str | None:
    """The screen name a post replies to: an @mention that starts it (spaces aside)."""
    match = _REPLY.match(text)
    if match is None or _MENTION_FOLLOWED_BY.match(text, match.end()):
        return None
    return match["name"]
