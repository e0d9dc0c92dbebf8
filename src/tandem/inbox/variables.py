"""Saved replies and their variables: the pure part (no SQLAlchemy, no HTTP).

A saved reply's body holds placeholders such as `{first_name}` or `{product}`; `{{` and `}}`
write a literal brace. `render` fills each placeholder from, in order: a value the agent
typed (`extra_values`), what Tandem knows (the item's author, the message, the agent, the
workspace), then the default of a workspace-defined variable. A placeholder that nothing
fills is an error naming it and saying how to fill it: a customer never receives
"{product}". The rendered reply must also fit the platform's length limit, counted the
way the platform counts (`tandem.compose.rules`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from tandem.compose import PLATFORMS, measure, rules_for
from tandem.compose.rules import utf8_length
from tandem.core import InvalidInput
from tandem.inbox.model import Item

BUILTINS: dict[str, str] = {
    "first_name": "the author's first name, from their display name",
    "handle": "the author's handle in the platform's form (@name, u/name)",
    "product": "a product the message names, from the workspace's product list",
    "agent_name": "your first name, from your account",
    "brand": "the brand name from the brand kit, else the workspace name",
}
MAX_VALUE = 200  # a typed value is a word or a name, not a second reply
FALLBACK_LIMIT = 5000  # platforms Tandem has no rules for: the inbox's own reply cap
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# `{{` and `}}` are literal braces; `{...}` is a placeholder; a lone brace is plain text.
_TOKENS = re.compile(r"\{\{|\}\}|\{([^{}\n]{1,60})\}")
_HONORIFICS = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "the"}
_WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")
# Platforms whose replies mention people as "@handle"; Reddit says "u/name"; on Facebook,
# LinkedIn and Google Business a mention is picked in the UI, so the text uses the name.
_AT_PLATFORMS = {
    "x",
    "bluesky",
    "mastodon",
    "threads",
    "instagram",
    "tiktok",
    "youtube",
    "pinterest",
    "sandbox",
}
_NAME_PLATFORMS = {"facebook", "linkedin", "google_business"}


class Agent(Protocol):
    """Whoever sends the reply; `tandem.accounts.User` fits."""

    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class SavedReply:
    id: str
    workspace_id: str
    title: str
    body: str
    intents: tuple[str, ...]  # triage intents this reply fits (boosts suggestions)
    tags: tuple[str, ...]
    usage_count: int
    last_used_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def variables(self) -> tuple[str, ...]:
        return placeholders(self.body)


@dataclass(frozen=True)
class Variable:
    """A workspace-defined variable, e.g. `{store_hours}` = "9:00-18:00 Mon-Sat"."""

    name: str
    default: str = ""  # empty: the agent must type a value each time
    description: str = ""


@dataclass(frozen=True)
class Product:
    """A product customers may name; matched as whole words, case-insensitively."""

    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReplyContext:
    """What the workspace contributes to every reply."""

    brand: str
    variables: tuple[Variable, ...] = ()
    products: tuple[Product, ...] = ()
    manage_hint: str = (
        "the saved replies page"  # where variables and products are edited
    )

    def variable(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.name == name), None)


@dataclass(frozen=True)
class Fit:
    length: int
    limit: int
    unit: str
    platform: str  # the rules used: the account's imitated platform for the Sandbox


class UnfilledVariables(InvalidInput):
    """Some placeholders have no value; `missing` names them, the message says how to fill each."""

    def __init__(self, message: str, missing: tuple[str, ...]) -> None:
        super().__init__(message, field=f"values.{missing[0]}")
        self.missing = missing


def placeholders(body: str) -> tuple[str, ...]:
    """The variable names a body uses, in order of first use (invalid names included as typed)."""
    found = [m.group(1).strip() for m in _TOKENS.finditer(body) if m.group(1)]
    return tuple(dict.fromkeys(found))


def check_body(body: str, custom: Sequence[str]) -> None:
    """Refuse a body with a malformed or unknown placeholder, before anyone saves it."""
    known = set(BUILTINS) | set(custom)
    for name in placeholders(body):
        if not NAME.match(name):
            raise InvalidInput(
                f"{{{name}}} is not a variable name: use lower-case letters, digits and _ "
                "(like {first_name}), or write {{ and }} for literal braces.",
                field="body",
            )
        if name not in known:
            choices = ", ".join(f"{{{n}}}" for n in sorted(known))
            raise InvalidInput(
                f"{{{name}}} is not a variable of this workspace: use one of {choices}, "
                "or define it under Variables first.",
                field="body",
            )


def first_name(display_name: str) -> str | None:
    """The first word of a display name that reads as a name ("Dr. Jane Doe 🌸" -> "Jane").

    Handles used as names ("jane_doe99") have none: digits and underscores rule a word out.
    The name keeps the author's own capitalisation.
    """
    for raw in display_name.split():
        word = raw.strip('.,;:!?"()[]')
        if _WORD.match(word) and word.casefold().rstrip(".") not in _HONORIFICS:
            return word
    return None


def at_handle(platform: str, handle: str, display_name: str) -> str | None:
    """The author as a reply on `platform` addresses them, or None when unknown."""
    bare = handle.strip().lstrip("@")
    if platform in _NAME_PLATFORMS:
        return display_name.strip() or None
    if not bare:
        return None
    if platform == "reddit":
        return f"u/{bare.removeprefix('u/')}"
    if platform in _AT_PLATFORMS or platform not in PLATFORMS:
        return f"@{bare}"
    return display_name.strip() or None


def _product_pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term.strip())}(?!\w)", re.IGNORECASE)


def find_product(text: str, products: Sequence[Product]) -> str | None:
    """The product named earliest in `text` (by name or alias); its canonical name."""
    best: tuple[int, str] | None = None
    for product in products:
        for term in (product.name, *product.aliases):
            if not term.strip():
                continue
            found = _product_pattern(term).search(text)
            if found and (best is None or found.start() < best[0]):
                best = (found.start(), product.name)
    return best[1] if best else None


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = " ".join(value.split())
    if len(cleaned) > MAX_VALUE:
        raise InvalidInput(
            f"A variable's value has at most {MAX_VALUE} characters.", field="values"
        )
    return cleaned or None


def _known(
    name: str, item: Item, agent: Agent, context: ReplyContext, platform: str
) -> str | None:
    if name == "first_name":
        return first_name(item.author_name)
    if name == "handle":
        return at_handle(platform, item.author_handle, item.author_name)
    if name == "product":
        return find_product(item.text, context.products)
    if name == "agent_name":
        return first_name(agent.name)
    if name == "brand":
        return context.brand.strip() or None
    variable = context.variable(name)
    if variable is None:
        return None
    return variable.default.strip() or None


def _how_to_fill(name: str, item: Item, context: ReplyContext) -> str:
    if name == "first_name":
        return (
            f"{{first_name}}: the display name {item.author_name!r} has no first name; "
            "type one in first_name"
        )
    if name == "handle":
        return "{handle}: the author has no handle here; type it in handle"
    if name == "product":
        listed = ", ".join(p.name for p in context.products) or "none listed yet"
        return (
            "{product}: the message names none of the workspace's products "
            f"({listed}); choose the product in product, or add it to the product list "
            f"on {context.manage_hint}"
        )
    if name == "agent_name":
        return "{agent_name}: your account has no name; set it on your account page or type agent_name"
    if name == "brand":
        return "{brand}: no brand name; set one in the brand kit or type brand"
    if context.variable(name) is not None:
        return (
            f"{{{name}}} has no default; type a value for {name}, or give it a default "
            f"on {context.manage_hint}"
        )
    return (
        f"{{{name}}} is not a variable of this workspace; define it on "
        f"{context.manage_hint} or edit the saved reply"
    )


def fit(platform: str, text: str) -> Fit:
    """The reply's length in `platform`'s unit and its limit (Tandem's own cap if unknown)."""
    if platform not in PLATFORMS:
        return Fit(len(text), FALLBACK_LIMIT, "characters", platform)
    rules = rules_for(platform)
    length, limit, unit = measure(platform, text), rules.text_limit, "characters"
    if rules.byte_limit is not None and utf8_length(text) > rules.byte_limit:
        length, limit, unit = utf8_length(text), rules.byte_limit, "bytes"
    return Fit(length, limit, unit, platform)


def check_fit(platform: str, text: str) -> Fit:
    measured = fit(platform, text)
    if measured.length > measured.limit:
        over = measured.length - measured.limit
        raise InvalidInput(
            f"The reply is {measured.length} {measured.unit}; {platform} allows "
            f"{measured.limit}. Shorten it by {over} {measured.unit}.",
            field="text",
        )
    return measured


def render(
    saved: SavedReply,
    item: Item,
    agent: Agent,
    extra_values: Mapping[str, str] | None = None,
    *,
    context: ReplyContext,
    platform: str | None = None,
) -> str:
    """The reply to send, every placeholder filled; raises UnfilledVariables or InvalidInput.

    `platform` chooses the length rules and the handle form (default: the item's platform;
    a Sandbox account passes the platform it imitates).
    """
    where = platform or item.platform
    typed = {k: _clean(v) for k, v in (extra_values or {}).items()}
    values: dict[str, str] = {}
    missing: list[str] = []
    for name in placeholders(saved.body):
        value = typed.get(name) or _known(name, item, agent, context, where)
        if value is None:
            missing.append(name)
        else:
            values[name] = value
    if missing:
        how = "; ".join(_how_to_fill(n, item, context) for n in missing)
        raise UnfilledVariables(
            f"Saved reply {saved.title!r} cannot be sent yet. {how}.", tuple(missing)
        )

    def fill(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return values[match.group(1).strip()]

    text = _TOKENS.sub(fill, saved.body).strip()
    check_fit(where, text)
    return text


def leftover_variables(text: str) -> tuple[str, ...]:
    """Placeholders still in a reply about to be sent (e.g. pasted by hand): refuse those."""
    return tuple(n for n in placeholders(text) if NAME.match(n))
