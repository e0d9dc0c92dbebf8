"""Measure a post in its platform's unit and list what would stop it from publishing."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache

from tandem.compose.rules.counting import (
    grapheme_length,
    threads_length,
    utf8_length,
    utf16_length,
)
from tandem.compose.rules.entities import (
    extract_hashtags,
    extract_mentions,
    extract_urls,
    remove_overlaps,
)
from tandem.compose.rules.mastodon import mastodon_length
from tandem.compose.rules.media import check_media
from tandem.compose.rules.model import Entity, PlatformRules, RuleOptions, Unit
from tandem.compose.rules.platforms import DEFAULT_OPTIONS, rules_for
from tandem.compose.rules.twitter import weighted_length
from tandem.compose.rules.urls import INVALID_CHARS
from tandem.core import Problem, Severity
from tandem.media import MediaInfo

_MEASURES: dict[Unit, Callable[[str, RuleOptions], int]] = {
    Unit.X_WEIGHTED: lambda text, _: weighted_length(text),
    Unit.MASTODON: lambda text, options: mastodon_length(
        text, options.mastodon_content_warning
    ),
    Unit.GRAPHEMES: lambda text, _: grapheme_length(text),
    Unit.UTF16: lambda text, _: utf16_length(text),
    Unit.UTF8_BYTES: lambda text, _: utf8_length(text),
    Unit.THREADS: lambda text, _: threads_length(text),
}
_UNIT_NOUNS = {Unit.UTF8_BYTES: "bytes"}
_LIMIT_NOTES = {
    Unit.X_WEIGHTED: " (URLs count 23 each; emoji and CJK characters count 2)",
    Unit.MASTODON: " (URLs count 23 each; the content warning counts too)",
    Unit.THREADS: " (each emoji counts its UTF-8 bytes, usually 4)",
    Unit.UTF16: " (an emoji counts 2)",
    Unit.UTF8_BYTES: " of UTF-8 (accented letters take 2 bytes, emoji 4)",
}


def measure(platform: str, text: str, *, options: RuleOptions | None = None) -> int:
    """The length of `text` in `platform`'s unit (see `PlatformRules.unit`).

    Raises InvalidInput for an unknown platform.
    """
    options = options or DEFAULT_OPTIONS
    rules = rules_for(platform, options)
    return _MEASURES[rules.unit](text, options)


def validate(
    platform: str,
    text: str,
    media: Sequence[MediaInfo] = (),
    *,
    options: RuleOptions | None = None,
) -> list[Problem]:
    """Every problem with this post on `platform`, blocking ones (errors) included.

    Raises InvalidInput for an unknown platform or post type.
    """
    options = options or DEFAULT_OPTIONS
    rules = rules_for(platform, options)
    problems = _text_problems(rules, text, options, media)
    if text:
        problems += _entity_problems(rules, text)
    problems += _title_problems(rules, options.title)
    problems += check_media(rules, media)
    return problems


def _text_problems(
    rules: PlatformRules, text: str, options: RuleOptions, media: Sequence[MediaInfo]
) -> list[Problem]:
    problems = []
    if not text.strip() and not media:
        message = f"Write something or attach media: {rules.label} can't publish an empty post."
        problems.append(_error("text.empty", message))
    length = _MEASURES[rules.unit](text, options)
    if length > rules.text_limit:
        noun = _UNIT_NOUNS.get(rules.unit, "characters")
        note = _LIMIT_NOTES.get(rules.unit, "")
        message = f"Shorten by {length - rules.text_limit} {noun}: {rules.label} allows {rules.text_limit}{note}."
        problems.append(_error("text.too_long", message))
    if rules.byte_limit is not None and (size := utf8_length(text)) > rules.byte_limit:
        message = f"Shorten by {size - rules.byte_limit} bytes: {rules.label} allows {rules.byte_limit} bytes of UTF-8."
        problems.append(_error("text.too_many_bytes", message))
    problems += _forbidden_characters(rules, text)
    return problems


def _forbidden_characters(rules: PlatformRules, text: str) -> list[Problem]:
    pattern = _forbidden_pattern(rules.name, rules.forbidden_characters)
    if pattern is None:
        return []
    problems = []
    for match in pattern.finditer(text):
        char, index = match[0], match.start()
        shown = char if char.isprintable() else f"U+{ord(char):04X}"
        message = f"Remove {shown} at position {index + 1}: {rules.label} refuses it."
        problems.append(
            Problem(Severity.ERROR, "text.invalid_character", message, index, index + 1)
        )
    return problems


@cache
def _forbidden_pattern(platform: str, forbidden: str) -> re.Pattern[str] | None:
    # X refuses U+FFFE, U+FEFF and U+FFFF anywhere (twitter-text hasInvalidCharacters).
    chars = forbidden + (INVALID_CHARS if platform == "x" else "")
    return re.compile(f"[{re.escape(chars)}]") if chars else None


def _entity_problems(rules: PlatformRules, text: str) -> list[Problem]:
    """Only the entities this platform limits are extracted: validation runs per
    keystroke and per platform."""
    problems = []
    if rules.hashtag_limit is not None:
        hashtags = extract_hashtags(text)  # drops hashtags inside links
        problems += _over_limit(rules, "hashtags", hashtags, rules.hashtag_limit)
    if rules.mention_limit is not None:
        mentions = _outside_links(text, extract_mentions(text))
        problems += _over_limit(rules, "mentions", mentions, rules.mention_limit)
    if rules.link_limit is not None or not rules.links_clickable:
        urls = extract_urls(text)
        if rules.link_limit is not None:
            problems += _over_limit(rules, "links", urls, rules.link_limit)
        if not rules.links_clickable and urls:
            problems.append(_not_clickable(rules, urls[0]))
    return problems


def _outside_links(text: str, entities: list[Entity]) -> list[Entity]:
    if not entities:
        return entities
    return [
        kept
        for kept in remove_overlaps([*extract_urls(text), *entities])
        if kept in entities
    ]


def _over_limit(
    rules: PlatformRules, noun: str, found: Sequence[Entity], limit: int
) -> list[Problem]:
    if len(found) <= limit:
        return []
    extra = len(found) - limit
    message = f"Remove {extra} {noun if extra > 1 else noun[:-1]}: {rules.label} allows {limit} per post."
    blocking = rules.hashtag_limit_blocking or noun != "hashtags"
    if not blocking:
        message += " The others would be ignored."
    severity = Severity.ERROR if blocking else Severity.WARNING
    first = found[limit]
    return [Problem(severity, f"{noun}.too_many", message, first.start, first.end)]


def _not_clickable(rules: PlatformRules, url: Entity) -> Problem:
    # On Instagram and TikTok a caption link is dead text: worth a warning. Pinterest and
    # Google Business have a proper link field, so a hint is enough.
    where = {
        "instagram": "put it in your bio or a story link sticker",
        "tiktok": "put it in your bio",
        "pinterest": "set it as the Pin's destination link",
        "google_business": "use a call-to-action button",
    }.get(rules.name, "add it where the platform allows links")
    severity = (
        Severity.WARNING if rules.name in ("instagram", "tiktok") else Severity.INFO
    )
    message = f"Links in {rules.label} captions aren't clickable: {where}."
    return Problem(severity, "link.not_clickable", message, url.start, url.end)


def _title_problems(rules: PlatformRules, title: str | None) -> list[Problem]:
    if title is None or rules.title_limit is None:
        return []
    if not title.strip():
        if rules.title_required:
            return [_error("title.missing", f"Add a title: {rules.label} needs one.")]
        return []
    length = utf16_length(title)
    if length > rules.title_limit:
        message = f"Shorten the title by {length - rules.title_limit} characters: {rules.label} allows {rules.title_limit}."
        return [_error("title.too_long", message)]
    return [
        _error(
            "title.invalid_character",
            f"Remove {char} from the title: {rules.label} refuses it.",
        )
        for char in sorted(set(title) & set(rules.forbidden_characters))
    ]


def _error(code: str, message: str) -> Problem:
    return Problem(Severity.ERROR, code, message)
