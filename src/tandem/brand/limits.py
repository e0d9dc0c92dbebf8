"""What a brand kit may hold, and the clean form of each rule.

Row cleaners raise `RowError(part, problem)`; callers add where the row came from
("banned[3].phrase cannot be empty" for the API, "Banned, line 4: ..." for the form).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TypeVar

from tandem.brand.model import (
    BannedPhrase,
    BrandKit,
    HashtagGroup,
    RequiredPhrase,
    UtmDefaults,
)
from tandem.brand.text import canonical, nfc
from tandem.core import InvalidInput

MAX_BANNED = 500
MAX_REQUIRED = 50
MAX_ALTERNATIVES = 10
MAX_DISCLOSURES = 20
MAX_NAMES = 50
MAX_GROUPS = 100
MAX_HASHTAGS = (
    30  # Instagram's limit per post; a larger group could never be used whole
)
MAX_PLATFORMS = 20
MAX_PHRASE = 100
MAX_REASON = 200
MAX_GROUP_NAME = 60
MAX_UTM = 100
MAX_DISCLOSURE_WITHIN = 10_000
MAX_COUNT = 50  # emoji and "!" limits

_Row = TypeVar("_Row")
_PLATFORM = re.compile(r"[a-z0-9_-]{1,32}")
_HASHTAG = re.compile(r"#\w{1,99}")
# The settings form separates the parts of a rule with these; a rule may not contain them.
_SEPARATORS = ("|", "=>")


class RowError(Exception):
    def __init__(self, part: str, problem: str) -> None:
        super().__init__(f"{part} {problem}".strip())
        self.part = part
        self.problem = problem


def clean_text(value: str, part: str, *, max_length: int, required: bool = True) -> str:
    value = " ".join(nfc(value).split())
    if required and not value:
        raise RowError(part, "cannot be empty")
    if len(value) > max_length:
        raise RowError(part, f"is longer than {max_length} characters")
    if any(sep in value for sep in _SEPARATORS):
        raise RowError(
            part, 'cannot contain "|" or "=>" (they separate parts of a rule)'
        )
    return value


def clean_platforms(platforms: Iterable[str]) -> tuple[str, ...]:
    cleaned: list[str] = []
    for raw in platforms:
        platform = raw.strip().lower()
        if not _PLATFORM.fullmatch(platform):
            raise RowError(
                "platforms",
                f"include {raw!r}; use platform keys like linkedin, instagram or x",
            )
        if platform not in cleaned:
            cleaned.append(platform)
    if len(cleaned) > MAX_PLATFORMS:
        raise RowError("platforms", f"lists more than {MAX_PLATFORMS} platforms")
    return tuple(cleaned)


def clean_banned(rule: BannedPhrase) -> BannedPhrase:
    return BannedPhrase(
        phrase=clean_text(rule.phrase, "phrase", max_length=MAX_PHRASE),
        replacement=clean_text(
            rule.replacement, "replacement", max_length=MAX_PHRASE, required=False
        ),
        reason=clean_text(rule.reason, "reason", max_length=MAX_REASON, required=False),
        platforms=clean_platforms(rule.platforms),
    )


def clean_required(rule: RequiredPhrase) -> RequiredPhrase:
    phrases = tuple(
        clean_text(p, "phrases", max_length=MAX_PHRASE) for p in rule.phrases
    )
    if not phrases:
        raise RowError("phrases", "cannot be empty")
    if len(phrases) > MAX_ALTERNATIVES:
        raise RowError("phrases", f"lists more than {MAX_ALTERNATIVES} alternatives")
    if any("," in p for p in phrases):
        raise RowError("phrases", 'cannot contain "," (it separates alternatives)')
    return RequiredPhrase(
        phrases=phrases,
        reason=clean_text(rule.reason, "reason", max_length=MAX_REASON, required=False),
        platforms=clean_platforms(rule.platforms),
    )


def clean_phrase(value: str) -> str:
    """A disclosure or a brand name."""
    return clean_text(value, "", max_length=MAX_PHRASE)


def clean_group(group: HashtagGroup) -> HashtagGroup:
    name = clean_text(group.name, "name", max_length=MAX_GROUP_NAME)
    if ":" in name:
        raise RowError("name", 'cannot contain ":" (it ends the name in the form)')
    hashtags: list[str] = []
    for raw in group.hashtags:
        tag = nfc(raw.strip())
        tag = tag if tag.startswith("#") else f"#{tag}"
        if not _HASHTAG.fullmatch(tag):
            raise RowError(
                "hashtags",
                f"include {raw!r}; a hashtag is one word of letters, digits or _ "
                '(platforms end it at "-", "." or a space)',
            )
        if tag.casefold() not in {h.casefold() for h in hashtags}:
            hashtags.append(tag)
    if not hashtags:
        raise RowError("hashtags", "cannot be empty")
    if len(hashtags) > MAX_HASHTAGS:
        raise RowError("hashtags", f"lists more than {MAX_HASHTAGS} hashtags")
    return HashtagGroup(name=name, hashtags=tuple(hashtags))


UTM_LABELS = {
    "source": "UTM source",
    "medium": "UTM medium",
    "campaign_prefix": "UTM campaign prefix",
}
NUMBER_LABELS = {
    "disclosure_within": "Characters before the cut",
    "max_emoji": "Most emoji",
    "max_exclamations": 'Most "!"',
}


def clean_utm(utm: UtmDefaults) -> UtmDefaults:
    values = {}
    for part, label in UTM_LABELS.items():
        value = nfc(getattr(utm, part).strip())
        field = f"utm.{part}"
        if len(value) > MAX_UTM:
            raise InvalidInput(
                f"{label} ({field}) is longer than {MAX_UTM} characters.", field=field
            )
        if any(ch.isspace() for ch in value):
            raise InvalidInput(
                f'{label} ({field}) cannot contain spaces; use "-" or "_" instead.',
                field=field,
            )
        values[part] = value
    return UtmDefaults(**values)


def duplicates(keys: list[str]) -> Iterable[tuple[int, int]]:
    """(later, earlier) index pairs of equal keys."""
    first: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in first:
            yield index, first[key]
        else:
            first.setdefault(key, index)


def phrase_key(phrase: str) -> str:
    """Equal for phrases the checker cannot tell apart (case, spacing, apostrophes)."""
    return canonical(phrase).casefold()


def check_numbers(kit: BrandKit) -> None:
    bounds = {
        "disclosure_within": (kit.disclosure_within, 1, MAX_DISCLOSURE_WITHIN),
        "max_emoji": (kit.max_emoji, 0, MAX_COUNT),
        "max_exclamations": (kit.max_exclamations, 0, MAX_COUNT),
    }
    for field, (value, low, high) in bounds.items():
        if value is not None and not low <= value <= high:
            label = NUMBER_LABELS[field]
            raise InvalidInput(
                f"{label} ({field}) must be a whole number from {low} to {high}.",
                field=field,
            )


def clean_kit(kit: BrandKit) -> BrandKit:
    """The kit with every rule cleaned, or InvalidInput naming the field and row."""
    check_numbers(kit)
    return replace(
        kit,
        banned=_rows("banned", kit.banned, clean_banned, MAX_BANNED, _banned_key),
        required=_rows(
            "required", kit.required, clean_required, MAX_REQUIRED, _required_key
        ),
        disclosures=_rows(
            "disclosures", kit.disclosures, clean_phrase, MAX_DISCLOSURES, phrase_key
        ),
        brand_names=_rows(
            "brand_names", kit.brand_names, clean_phrase, MAX_NAMES, phrase_key
        ),
        hashtag_groups=_rows(
            "hashtag_groups", kit.hashtag_groups, clean_group, MAX_GROUPS, _group_key
        ),
        utm=clean_utm(kit.utm),
    )


def _banned_key(rule: BannedPhrase) -> str:
    return phrase_key(rule.phrase) + repr(sorted(rule.platforms))


def _required_key(rule: RequiredPhrase) -> str:
    phrases = sorted(phrase_key(p) for p in rule.phrases)
    return repr(phrases) + repr(sorted(rule.platforms))


def _group_key(group: HashtagGroup) -> str:
    return group.name.casefold()


def _rows(
    field: str,
    rows: tuple[_Row, ...],
    clean: Callable[[_Row], _Row],
    limit: int,
    key: Callable[[_Row], str],
) -> tuple[_Row, ...]:
    if len(rows) > limit:
        raise InvalidInput(f"{field} can hold at most {limit} entries.", field=field)
    cleaned = []
    for index, row in enumerate(rows):
        try:
            cleaned.append(clean(row))
        except RowError as exc:
            path = f"{field}[{index}]" + (f".{exc.part}" if exc.part else "")
            raise InvalidInput(f"{path} {exc.problem}.", field=path) from None
    for later, earlier in duplicates([key(row) for row in cleaned]):
        path = f"{field}[{later}]"
        raise InvalidInput(
            f"{path} repeats {field}[{earlier}] (case and spacing are ignored).",
            field=path,
        )
    return tuple(cleaned)
