"""The settings form's notation: a kit written as plain text, one rule per line.

    Banned words     phrase => replacement | reason | on: linkedin, x
    Required words   Tandem, @tandemhq | reason | on: linkedin
    Disclosures      one per line (#ad, Anzeige)
    Brand names      one per line, spelled right (Tandem)
    Hashtag groups   name: #tag #tag #tag

Blank lines are ignored. Errors name the box and the line, and every error is reported at
once so a long list is fixed in one go.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import TypeVar

from tandem.brand.limits import (
    MAX_BANNED,
    MAX_DISCLOSURES,
    MAX_GROUPS,
    MAX_NAMES,
    MAX_REQUIRED,
    NUMBER_LABELS,
    RowError,
    check_numbers,
    clean_banned,
    clean_group,
    clean_phrase,
    clean_required,
    clean_utm,
    duplicates,
    phrase_key,
)
from tandem.brand.model import (
    BannedPhrase,
    BrandKit,
    DisclosurePosition,
    EmojiPolicy,
    HashtagGroup,
    RequiredPhrase,
    UtmDefaults,
)
from tandem.core import InvalidInput

LABELS = {
    "banned": "Banned words",
    "required": "Required words",
    "disclosures": "Disclosures",
    "brand_names": "Brand names",
    "hashtag_groups": "Hashtag groups",
}
_CHOICE_LABELS = {"disclosure_position": "Disclosure position", "emoji": "Emoji"}
_Row = TypeVar("_Row")
_E = TypeVar("_E", bound=StrEnum)


@dataclass(frozen=True)
class KitForm:
    """The settings form's fields, as the browser sends them."""

    banned: str = ""
    required: str = ""
    brand_names: str = ""
    names_skip_handles: bool = False  # an unticked checkbox is not sent at all
    disclosures: str = ""
    disclosure_position: str = DisclosurePosition.ANYWHERE.value
    disclosure_within: str = ""
    emoji: str = EmojiPolicy.ALLOWED.value
    max_emoji: str = ""
    max_exclamations: str = ""
    no_double_exclamation: bool = False
    hashtag_groups: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign_prefix: str = ""


_FIELD_ORDER = {f.name: i for i, f in enumerate(fields(KitForm))}


@dataclass(frozen=True)
class LineError:
    field: str
    line: int | None  # 1-based; None for single-value fields
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"{LABELS[self.field]}, line {self.line}: {self.message}"


class NotationError(InvalidInput):
    """Every problem of a submitted form, each with its box and line."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__("; ".join(str(e) for e in errors), field=errors[0].field)
        self.errors = errors


def form_from_kit(kit: BrandKit) -> KitForm:
    return KitForm(
        banned="\n".join(_banned_line(r) for r in kit.banned),
        required="\n".join(_required_line(r) for r in kit.required),
        disclosures="\n".join(kit.disclosures),
        disclosure_position=kit.disclosure_position.value,
        disclosure_within=str(kit.disclosure_within),
        brand_names="\n".join(kit.brand_names),
        names_skip_handles=kit.names_skip_handles,
        emoji=kit.emoji.value,
        max_emoji=str(kit.max_emoji),
        max_exclamations=""
        if kit.max_exclamations is None
        else str(kit.max_exclamations),
        no_double_exclamation=kit.no_double_exclamation,
        hashtag_groups="\n".join(
            f"{g.name}: {' '.join(g.hashtags)}" for g in kit.hashtag_groups
        ),
        utm_source=kit.utm.source,
        utm_medium=kit.utm.medium,
        utm_campaign_prefix=kit.utm.campaign_prefix,
    )


def kit_from_form(form: KitForm) -> BrandKit:
    """The kit the form describes, or NotationError listing every bad line."""
    errors: list[LineError] = []
    defaults = BrandKit()
    within = _number(form.disclosure_within, "disclosure_within", errors)
    max_emoji = _number(form.max_emoji, "max_emoji", errors)
    kit = BrandKit(
        banned=_lines(form.banned, "banned", _parse_banned, MAX_BANNED, errors),
        required=_lines(
            form.required, "required", _parse_required, MAX_REQUIRED, errors
        ),
        disclosures=_lines(
            form.disclosures, "disclosures", _parse_phrase, MAX_DISCLOSURES, errors
        ),
        disclosure_position=_choice(
            DisclosurePosition, form.disclosure_position, "disclosure_position", errors
        ),
        disclosure_within=defaults.disclosure_within if within is None else within,
        brand_names=_lines(
            form.brand_names, "brand_names", _parse_phrase, MAX_NAMES, errors
        ),
        names_skip_handles=form.names_skip_handles,
        emoji=_choice(EmojiPolicy, form.emoji, "emoji", errors),
        max_emoji=defaults.max_emoji if max_emoji is None else max_emoji,
        max_exclamations=_number(form.max_exclamations, "max_exclamations", errors),
        no_double_exclamation=form.no_double_exclamation,
        hashtag_groups=_lines(
            form.hashtag_groups, "hashtag_groups", _parse_group, MAX_GROUPS, errors
        ),
        utm=UtmDefaults(form.utm_source, form.utm_medium, form.utm_campaign_prefix),
    )
    for whole_kit_check in (check_numbers, lambda k: clean_utm(k.utm)):
        try:
            whole_kit_check(kit)
        except InvalidInput as exc:
            errors.append(LineError(exc.field or "", None, exc.message))
    if errors:
        raise NotationError(sorted(errors, key=_form_order))
    return kit


def _form_order(error: LineError) -> int:
    # Errors read top to bottom like the form; sorted() keeps line order within a box.
    name = error.field.replace("utm.", "utm_")
    return _FIELD_ORDER.get(name, len(_FIELD_ORDER))


def _banned_line(rule: BannedPhrase) -> str:
    line = rule.phrase
    if rule.replacement:
        line += f" => {rule.replacement}"
    return line + _tail(rule.reason, rule.platforms)


def _required_line(rule: RequiredPhrase) -> str:
    return ", ".join(rule.phrases) + _tail(rule.reason, rule.platforms)


def _tail(reason: str, platforms: tuple[str, ...]) -> str:
    tail = f" | {reason}" if reason else ""
    return tail + (f" | on: {', '.join(platforms)}" if platforms else "")


def _segments(line: str) -> tuple[str, str, tuple[str, ...]]:
    """(head, reason, platforms) of "head | reason | on: a, b" (parts in any order)."""
    head, *rest = line.split("|")
    reason = ""
    platforms: tuple[str, ...] = ()
    for part in (p.strip() for p in rest):
        if part.lower().startswith("on:"):
            if platforms:
                raise RowError("", 'has two "on:" parts; list every platform in one')
            platforms = tuple(p for p in part[3:].replace(",", " ").split() if p)
            if not platforms:
                raise RowError("", 'has "on:" without platforms, e.g. "on: linkedin"')
        elif reason:
            raise RowError("", 'has two reasons; a rule has one reason and one "on:"')
        else:
            reason = part
    return head, reason, platforms


def _parse_banned(line: str) -> tuple[BannedPhrase, str]:
    head, reason, platforms = _segments(line)
    phrase, _, replacement = head.partition("=>")
    rule = clean_banned(BannedPhrase(phrase, replacement, reason, platforms))
    return rule, phrase_key(rule.phrase) + repr(sorted(rule.platforms))


def _parse_required(line: str) -> tuple[RequiredPhrase, str]:
    head, reason, platforms = _segments(line)
    phrases = tuple(p for p in (p.strip() for p in head.split(",")) if p)
    rule = clean_required(RequiredPhrase(phrases, reason, platforms))
    keys = sorted(phrase_key(p) for p in rule.phrases)
    return rule, repr(keys) + repr(sorted(rule.platforms))


def _parse_phrase(line: str) -> tuple[str, str]:
    phrase = clean_phrase(line)
    return phrase, phrase_key(phrase)


def _parse_group(line: str) -> tuple[HashtagGroup, str]:
    name, colon, tags = line.partition(":")
    if not colon:
        raise RowError("", 'needs a name and a colon, e.g. "launch: #spring #new"')
    group = clean_group(HashtagGroup(name, tuple(tags.replace(",", " ").split())))
    return group, group.name.casefold()


def _lines(
    text: str,
    field: str,
    parse: Callable[[str], tuple[_Row, str]],
    limit: int,
    errors: list[LineError],
) -> tuple[_Row, ...]:
    rows: list[_Row] = []
    keys: list[str] = []
    numbers: list[int] = []
    for number, line in _numbered(text):
        try:
            row, key = parse(line)
        except RowError as exc:
            errors.append(LineError(field, number, _explain(exc)))
            continue
        rows.append(row)
        keys.append(key)
        numbers.append(number)
    for later, earlier in duplicates(keys):
        message = f"repeats line {numbers[earlier]} (case and spacing are ignored)."
        errors.append(LineError(field, numbers[later], message))
    if len(rows) > limit:
        message = f"{LABELS[field]} can hold at most {limit} lines; remove some."
        errors.append(LineError(field, None, message))
    return tuple(rows)


def _numbered(text: str) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield number, line


def _explain(exc: RowError) -> str:
    subject = f"the {exc.part}" if exc.part else "this line"
    return f"{subject} {exc.problem}."


def _choice(kind: type[_E], value: str, field: str, errors: list[LineError]) -> _E:
    try:
        return kind(value.strip().lower())
    except ValueError:
        choices = ", ".join(k.value for k in kind)
        message = f"{_CHOICE_LABELS[field]}: choose {choices}."
        errors.append(LineError(field, None, message))
        return next(iter(kind))


def _number(value: str, field: str, errors: list[LineError]) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdecimal() or not value.isascii() or len(value) > 9:
        label = NUMBER_LABELS[field]
        errors.append(LineError(field, None, f"{label}: enter a whole number."))
        return None
    return int(value)
