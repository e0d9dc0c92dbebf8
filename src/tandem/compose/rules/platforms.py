"""The twelve platforms Tandem publishes to, and how to look up one's rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from tandem.compose.rules.media_first import (
    instagram_rules,
    pinterest_rules,
    tiktok_rules,
    youtube_rules,
)
from tandem.compose.rules.model import PlatformRules, RuleOptions
from tandem.compose.rules.text_first import (
    bluesky_rules,
    facebook_rules,
    google_business_rules,
    linkedin_rules,
    mastodon_rules,
    reddit_rules,
    threads_rules,
    x_rules,
)
from tandem.core import InvalidInput

PLATFORMS: tuple[str, ...] = (
    "x",
    "bluesky",
    "mastodon",
    "threads",
    "linkedin",
    "facebook",
    "instagram",
    "tiktok",
    "youtube",
    "pinterest",
    "reddit",
    "google_business",
)

DEFAULT_OPTIONS = RuleOptions()

# Platform -> (default post type, builder taking the post type).
_BUILDERS: dict[str, tuple[str, Callable[[str], PlatformRules]]] = {
    "x": ("post", lambda _: x_rules()),
    "bluesky": ("post", lambda _: bluesky_rules()),
    "mastodon": ("post", lambda _: mastodon_rules()),
    "threads": ("post", lambda _: threads_rules()),
    "linkedin": ("member", linkedin_rules),
    "facebook": ("page", lambda _: facebook_rules()),
    "instagram": ("feed", instagram_rules),
    "tiktok": ("video", tiktok_rules),
    "youtube": ("video", youtube_rules),
    "pinterest": ("pin", lambda _: pinterest_rules()),
    "reddit": ("post", lambda _: reddit_rules()),
    "google_business": ("update", lambda _: google_business_rules()),
}


def check_platform(platform: str) -> None:
    if platform not in _BUILDERS:
        valid = ", ".join(PLATFORMS)
        raise InvalidInput(
            f"Unknown platform {platform!r}: choose one of {valid}.", field="platform"
        )


def rules_for(platform: str, options: RuleOptions | None = None) -> PlatformRules:
    """The rules for `platform` and `options.post_type` (its default when None).

    Raises InvalidInput (field `platform` or `post_type`) for names Tandem doesn't know.
    The result is cached: call it freely.
    """
    options = options or DEFAULT_OPTIONS
    # Keyed on what changes the rules only: titles and content warnings vary per post.
    return _rules(platform, options.post_type, options.x_limit, options.mastodon_limit)


@lru_cache(maxsize=512)
def _rules(
    platform: str, post_type: str | None, x_limit: int, mastodon_limit: int
) -> PlatformRules:
    check_platform(platform)
    default_type, build = _BUILDERS[platform]
    post_type = post_type or default_type
    rules = build(default_type)
    if post_type not in rules.post_types:
        valid = ", ".join(rules.post_types)
        raise InvalidInput(
            f"{rules.label} has no post type {post_type!r}: choose one of {valid}.",
            field="post_type",
        )
    if post_type != default_type:
        rules = build(post_type)
    if platform == "x":
        rules = replace(rules, text_limit=x_limit)
    elif platform == "mastodon":
        rules = replace(rules, text_limit=mastodon_limit)
    return rules
