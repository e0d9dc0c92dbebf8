"""The brand kit: the pure part (no SQLAlchemy, no HTTP).

A kit is immutable and hashable, so the checker can cache its compiled patterns per kit.
Platform keys are lower-case (`linkedin`, `x`, `email`); an empty `platforms` tuple means
"everywhere".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

DEFAULT_DISCLOSURE_WITHIN = 125  # Instagram cuts captions at about 125 characters


class EmojiPolicy(StrEnum):
    ALLOWED = "allowed"
    LIMITED = "limited"  # at most `BrandKit.max_emoji`
    NONE = "none"


class DisclosurePosition(StrEnum):
    ANYWHERE = "anywhere"
    WITHIN = "within"  # within the first `BrandKit.disclosure_within` characters


@dataclass(frozen=True)
class BannedPhrase:
    phrase: str
    replacement: str = ""
    reason: str = ""
    platforms: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequiredPhrase:
    """Satisfied when any one of `phrases` appears (e.g. "Tandem" or "@tandemhq")."""

    phrases: tuple[str, ...]
    reason: str = ""
    platforms: tuple[str, ...] = ()


@dataclass(frozen=True)
class HashtagGroup:
    name: str
    hashtags: tuple[str, ...]  # each starts with "#"


@dataclass(frozen=True)
class UtmDefaults:
    """Overrides for tracked links; empty means "use the links capability's default"."""

    source: str = ""
    medium: str = ""
    campaign_prefix: str = ""


@dataclass(frozen=True)
class BrandKit:
    banned: tuple[BannedPhrase, ...] = ()
    required: tuple[RequiredPhrase, ...] = ()
    # A sponsored post needs any one of these; the default is what most regulators accept.
    disclosures: tuple[str, ...] = ("#ad",)
    disclosure_position: DisclosurePosition = DisclosurePosition.ANYWHERE
    disclosure_within: int = DEFAULT_DISCLOSURE_WITHIN
    brand_names: tuple[str, ...] = ()
    # Skip URLs, @mentions and #hashtags when checking the spelling of brand names.
    names_skip_handles: bool = True
    emoji: EmojiPolicy = EmojiPolicy.ALLOWED
    max_emoji: int = 3
    max_exclamations: int | None = None  # None: no limit
    no_double_exclamation: bool = False
    hashtag_groups: tuple[HashtagGroup, ...] = ()
    utm: UtmDefaults = field(default_factory=UtmDefaults)
    updated_at: datetime | None = None  # None: never saved, these are the defaults
    updated_by: str | None = None  # email of whoever saved it last

    def hashtags(self, group: str) -> tuple[str, ...]:
        """The hashtags of a saved group (case-insensitive name), or () when none."""
        wanted = group.casefold()
        for g in self.hashtag_groups:
            if g.name.casefold() == wanted:
                return g.hashtags
        return ()
