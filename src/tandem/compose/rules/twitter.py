"""X's weighted length: twitter-text's parseTweet, configs v1, v2 and v3.

v3 (what X uses): text is NFC-normalised; code points in four ranges weigh 100, all
others 200, on a scale of 100 (so Latin counts 1 and CJK counts 2); every link counts
`transformedURLLength` (23) whatever its length; with emoji parsing an emoji sequence
(even a family of seven code points) counts 200 once. Over 280, or empty, or holding
U+FFFE, U+FEFF or U+FFFF, a post is invalid.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from tandem.compose.rules.counting import emoji_spans
from tandem.compose.rules.entities import extract_hashtags, extract_mentions
from tandem.compose.rules.model import TweetParse, TwitterConfig
from tandem.compose.rules.urls import INVALID_CHARS, find_urls

# The weight-100 ranges of twitter-text config/v2.json and v3.json.
_LIGHT_RANGES = (
    (0, 4351, 100),
    (8192, 8205, 100),
    (8208, 8223, 100),
    (8242, 8247, 100),
)

CONFIG_V1 = TwitterConfig(
    version=1,
    max_weighted_length=140,
    scale=1,
    default_weight=1,
    transformed_url_length=23,
)
CONFIG_V2 = TwitterConfig(
    version=2,
    max_weighted_length=280,
    scale=100,
    default_weight=200,
    transformed_url_length=23,
    ranges=_LIGHT_RANGES,
)
CONFIG_V3 = TwitterConfig(
    version=3,
    max_weighted_length=280,
    scale=100,
    default_weight=200,
    transformed_url_length=23,
    ranges=_LIGHT_RANGES,
    emoji_parsing=True,
)

_LIST = re.compile(r"[@\uff20][a-zA-Z0-9_]{1,20}/[a-zA-Z][a-zA-Z0-9_\-]{0,24}")


@cache
def _weight_classes(config: TwitterConfig) -> tuple[tuple[re.Pattern[str], int], ...]:
    """Per weight, the characters NOT in its ranges (v3: one class, the heavy ones).

    Counting the rarer characters keeps `findall` lists short.
    """
    by_weight: dict[int, str] = {}
    for first, last, weight in config.ranges:
        by_weight[weight] = by_weight.get(weight, "") + f"{chr(first)}-{chr(last)}"
    return tuple(
        (re.compile(f"[^{ranges}]"), weight) for weight, ranges in by_weight.items()
    )


@lru_cache(maxsize=256)
def weighted_length(text: str, config: TwitterConfig = CONFIG_V3) -> int:
    """The length X shows in its counter (the same as `parse_tweet(...).weighted_length`,
    without computing ranges). Cached: measure and validate count the same draft."""
    normalized = text if text.isascii() else unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for url in find_urls(normalized):
        total += _plain_weight(normalized[position : url.start], config)
        total += config.transformed_url_length * config.scale
        position = url.end
    total += _plain_weight(normalized[position:], config)
    return total // config.scale


def _plain_weight(segment: str, config: TwitterConfig) -> int:
    if not segment:
        return 0
    if config.emoji_parsing and not segment.isascii():
        parts, position, emoji_count = [], 0, 0
        for start, end in emoji_spans(segment):
            parts.append(segment[position:start])
            position, emoji_count = end, emoji_count + 1
        parts.append(segment[position:])
        rest = "".join(parts)
        return emoji_count * config.default_weight + _char_weight(rest, config)
    return _char_weight(segment, config)


def _char_weight(segment: str, config: TwitterConfig) -> int:
    if segment.isascii() and config.ranges and config.ranges[0][1] >= 127:
        return len(segment) * config.ranges[0][2]
    total, counted = 0, 0
    for outside, weight in _weight_classes(config):
        inside = len(segment) - len(outside.findall(segment))
        total, counted = total + inside * weight, counted + inside
    return total + (len(segment) - counted) * config.default_weight


def parse_tweet(text: str, config: TwitterConfig = CONFIG_V3) -> TweetParse:
    """twitter-text's parseTweet, code point by code point, with its UTF-16 ranges."""
    normalized = unicodedata.normalize("NFC", text)
    urls = {url.start: url.end for url in find_urls(normalized)}
    emoji = dict(emoji_spans(normalized)) if config.emoji_parsing else {}
    weighted, valid, valid_end, index, utf16_index = 0, True, 0, 0, 0
    while index < len(normalized):
        if index in urls:
            end = urls[index]
            weighted += config.transformed_url_length * config.scale
        elif index in emoji:
            end = emoji[index]
            weighted += config.default_weight
        else:
            end = index + 1
            weighted += _code_point_weight(ord(normalized[index]), config)
        utf16_index += _utf16_length(normalized[index:end])
        # Once an invalid character is seen the rest of the post is out of range.
        valid = valid and normalized[end - 1] not in INVALID_CHARS
        if valid and weighted <= config.max_weighted_length * config.scale:
            valid_end = utf16_index - 1
        index = end
    length = weighted // config.scale
    offset = _utf16_length(text) - _utf16_length(normalized)
    return TweetParse(
        weighted_length=length,
        valid=valid and 0 < length <= config.max_weighted_length,
        permillage=length * 1000 // config.max_weighted_length,
        display_range=(0, max(_utf16_length(text) - 1, 0)),
        valid_range=(0, valid_end + offset if normalized else 0),
    )


def _code_point_weight(code_point: int, config: TwitterConfig) -> int:
    for first, last, weight in config.ranges:
        if first <= code_point <= last:
            return weight
    return config.default_weight


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def is_valid_tweet(text: str, config: TwitterConfig = CONFIG_V3) -> bool:
    return parse_tweet(text, config).valid


def is_valid_username(text: str) -> bool:
    """`@name` alone, as twitter-text's isValidUsername."""
    mentions = [entity for entity in extract_mentions(text) if not entity.list_slug]
    return bool(mentions) and mentions[0].start == 0 and mentions[0].end == len(text)


def is_valid_list(text: str) -> bool:
    """`@name/list` alone, as twitter-text's isValidList."""
    return _LIST.fullmatch(text) is not None


def is_valid_hashtag(text: str) -> bool:
    """`#tag` alone, as twitter-text's isValidHashtag."""
    tags = extract_hashtags(text)
    return len(tags) == 1 and tags[0].start == 0 and tags[0].end == len(text)
