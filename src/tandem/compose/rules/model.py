"""What the platform rules are made of: pure dataclasses and enums."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Unit(StrEnum):
    """How a platform measures the length of a post."""

    X_WEIGHTED = "x_weighted"  # twitter-text weighted length (config v3)
    MASTODON = "mastodon"  # graphemes, URL = 23, remote mention counts as @user
    GRAPHEMES = "graphemes"  # user-perceived characters (UAX #29 extended clusters)
    UTF16 = "utf16"  # UTF-16 code units, what JavaScript's String.length counts
    UTF8_BYTES = "utf8_bytes"
    THREADS = "threads"  # code points, but an emoji counts its UTF-8 bytes


@dataclass(frozen=True)
class MediaKindRules:
    """Limits for one kind of attachment (image, GIF or video) in one post type.

    `aspect_ratio` is (min, max) of width / height; `aspect_labels` name those bounds the
    way a person crops ("4:5", "1.91:1"). `recommended_aspect` is a softer range: outside
    it the platform crops or letterboxes, so validation warns instead of blocking.
    """

    max_items: int
    mime_types: frozenset[str]
    max_bytes: int
    aspect_ratio: tuple[float, float] | None = None
    aspect_labels: tuple[str, str] = ("", "")
    recommended_aspect: tuple[float, float] | None = None
    duration: tuple[float, float] | None = None  # seconds, (min, max)


@dataclass(frozen=True)
class MediaRules:
    max_items: int
    required: bool = False
    image: MediaKindRules | None = None
    gif: MediaKindRules | None = None
    video: MediaKindRules | None = None
    mixed_kinds: bool = False  # whether images and videos may share one post
    alt_text: bool = False  # whether the platform takes alt text for images
    alt_text_limit: int | None = None


@dataclass(frozen=True)
class PlatformRules:
    """Everything Tandem checks before it publishes to one platform and post type."""

    name: str
    label: str
    post_type: str
    post_label: str  # "an Instagram feed post": used in messages
    post_types: tuple[str, ...]
    text_limit: int
    unit: Unit
    unit_description: str
    media: MediaRules
    sources: tuple[str, ...]
    counts_urls_as: int | None = (
        None  # fixed cost of a link; None: links count as typed
    )
    byte_limit: int | None = None  # a second cap in UTF-8 bytes (Bluesky)
    title_limit: int | None = None
    title_required: bool = False
    hashtag_limit: int | None = None
    hashtag_limit_blocking: bool = (
        True  # False: extra hashtags are ignored, not refused
    )
    mention_limit: int | None = None
    link_limit: int | None = None
    links_clickable: bool = True
    supports_threads: bool = False
    supports_first_comment: bool = False
    forbidden_characters: str = ""


@dataclass(frozen=True)
class RuleOptions:
    """What changes the rules for one account or one post.

    `x_limit` is 25000 for X Premium; `mastodon_limit` is the instance's
    `configuration.statuses.max_characters` once connected. `title` is checked against
    `PlatformRules.title_limit` when given (YouTube, Pinterest, Reddit).
    """

    x_limit: int = 280
    mastodon_limit: int = 500
    mastodon_content_warning: str = ""
    post_type: str | None = None
    title: str | None = None


class EntityKind(StrEnum):
    URL = "url"
    HASHTAG = "hashtag"
    MENTION = "mention"
    CASHTAG = "cashtag"


@dataclass(frozen=True)
class Entity:
    """One entity found in a text.

    `text` is the value without its sigil (the URL as written, `tag` for `#tag`, the
    screen name for `@name`, `TEST` for `$TEST`); `start`/`end` are code-point indices of
    the whole entity, sigil included, end exclusive. `list_slug` is "/name" for a list.
    """

    kind: EntityKind
    text: str
    start: int
    end: int
    list_slug: str = ""


@dataclass(frozen=True)
class Entities:
    urls: tuple[Entity, ...] = ()
    hashtags: tuple[Entity, ...] = ()
    mentions: tuple[Entity, ...] = ()
    cashtags: tuple[Entity, ...] = ()

    def all(self) -> tuple[Entity, ...]:
        """Every entity in text order."""
        found = self.urls + self.hashtags + self.mentions + self.cashtags
        return tuple(sorted(found, key=lambda entity: entity.start))


class FacetKind(StrEnum):
    LINK = "link"
    MENTION = "mention"
    TAG = "tag"


@dataclass(frozen=True)
class Facet:
    """An `app.bsky.richtext.facet` with UTF-8 byte offsets (end exclusive).

    `value` is the URI for a link, the handle for a mention (the record needs its DID,
    which only the connector can resolve) and the tag without `#` for a tag.
    """

    kind: FacetKind
    byte_start: int
    byte_end: int
    value: str

    def as_lexicon(self, *, did: str | None = None) -> dict[str, object]:
        """The facet as the record stores it; a mention needs the handle's `did`."""
        feature: dict[str, str]
        if self.kind is FacetKind.LINK:
            feature = {"$type": "app.bsky.richtext.facet#link", "uri": self.value}
        elif self.kind is FacetKind.TAG:
            feature = {"$type": "app.bsky.richtext.facet#tag", "tag": self.value}
        else:
            if did is None:
                raise ValueError(f"a mention facet needs the DID of @{self.value}")
            feature = {"$type": "app.bsky.richtext.facet#mention", "did": did}
        index = {"byteStart": self.byte_start, "byteEnd": self.byte_end}
        return {"index": index, "features": [feature]}


@dataclass(frozen=True)
class TwitterConfig:
    """A twitter-text configuration (conformance/../config/v1.json, v2.json, v3.json).

    `ranges` are (first code point, last code point, weight).
    """

    version: int
    max_weighted_length: int
    scale: int
    default_weight: int
    transformed_url_length: int
    ranges: tuple[tuple[int, int, int], ...] = field(default=())
    emoji_parsing: bool = False


@dataclass(frozen=True)
class TweetParse:
    """twitter-text's parseTweet result. Ranges are inclusive UTF-16 indices, as the
    reference implementations report them."""

    weighted_length: int
    valid: bool
    permillage: int
    display_range: tuple[int, int]
    valid_range: tuple[int, int]
