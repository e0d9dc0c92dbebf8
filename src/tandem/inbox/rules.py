"""Inbox rules: what a rule looks at, what it does, and whether an item matches. Pure.

A rule is a list of conditions (every one must hold) and a list of actions. Rules run in
their order on every newly arrived item, each seeing the item as the rules before it left it
(a rule that raises the priority can make a later "priority at least 80" rule fire), until
one that says "stop processing further rules" has matched. Storage, the workspace checks
(is that person a member, is that account ours) and applying actions live in
`rules_store` and `rules_apply`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from tandem.accounts.model import Role
from tandem.compose import PLATFORMS
from tandem.core import InvalidInput
from tandem.inbox.intent import Intent
from tandem.inbox.model import Item, Status
from tandem.inbox.ports import InteractionKind
from tandem.inbox.sentiment import Polarity

KNOWN_PLATFORMS = (*PLATFORMS, "sandbox")
MAX_NAME = 120
MAX_KEYWORDS = 50
MAX_KEYWORD = 100
MAX_TAGS = 10
MAX_TAG = 40  # the same limit as tags added by hand (tandem.inbox.actions)
_LANGUAGE = re.compile(r"^(?:[a-z]{2,3}|und)$")


@dataclass(frozen=True)
class Conditions:
    """Empty tuples and None mean "any"; a rule needs at least one condition that is set."""

    platforms: tuple[str, ...] = ()
    account_ids: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()
    polarities: tuple[str, ...] = ()
    sentiment_below: float | None = None  # strictly below
    sentiment_above: float | None = None  # strictly above
    languages: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # any of them, case-insensitive, whole words
    min_followers: int | None = None
    min_priority: float | None = None

    def is_empty(self) -> bool:
        return self == Conditions()


@dataclass(frozen=True)
class Actions:
    assign_user_id: str | None = None
    assign_role: str | None = None
    add_tags: tuple[str, ...] = ()
    set_status: str | None = None
    hide: bool = False
    raise_priority: float = 0.0
    stop: bool = False  # stop processing further rules after this one

    def is_empty(self) -> bool:
        # "stop" alone does nothing to the item, but it is a deliberate rule ("leave VIPs
        # alone"), so it counts.
        return self == Actions()


@dataclass(frozen=True)
class RuleDraft:
    name: str
    conditions: Conditions
    actions: Actions
    enabled: bool = True


@dataclass(frozen=True)
class Rule:
    id: str
    workspace_id: str
    name: str
    position: int
    enabled: bool
    conditions: Conditions
    actions: Actions
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Done:
    """One action a rule performed on one item, in words and as data."""

    action: str  # assign_user, assign_role, add_tags, set_status, hide, raise_priority, stop
    value: str
    words: str


@dataclass(frozen=True)
class RuleRun:
    id: str
    rule_id: str | None  # None once the rule was deleted; the name stays
    rule_name: str
    item_id: str
    trigger: str  # "arrival" or "bulk"
    done: tuple[Done, ...]
    applied_at: datetime


@dataclass(frozen=True)
class Outcome:
    """What applying a rule's actions to an item changes (the caller writes it)."""

    changes: dict[str, object] = field(default_factory=dict)
    done: tuple[Done, ...] = ()


# --- validation -----------------------------------------------------------------------


def _choices(
    values: Iterable[str], allowed: Iterable[str], field_name: str
) -> tuple[str, ...]:
    allowed = tuple(allowed)
    cleaned = tuple(dict.fromkeys(v.strip().lower() for v in values if v.strip()))
    unknown = [v for v in cleaned if v not in allowed]
    if unknown:
        raise InvalidInput(
            f"{field_name}: unknown value {unknown[0]!r}; use one of {', '.join(allowed)}.",
            field=field_name,
        )
    return cleaned


def _score(value: float | None, field_name: str) -> float | None:
    if value is None:
        return None
    if not math.isfinite(value) or not -1.0 <= value <= 1.0:
        raise InvalidInput(
            f"{field_name} is a sentiment score between -1 and 1 (VADER compound).",
            field=field_name,
        )
    return float(value)


def clean_tag(tag: str, field_name: str = "actions.add_tags") -> str:
    cleaned = " ".join(tag.strip().lower().split())
    if not cleaned or len(cleaned) > MAX_TAG:
        raise InvalidInput(f"A tag has 1 to {MAX_TAG} characters.", field=field_name)
    return cleaned


def check_conditions(c: Conditions) -> Conditions:
    """The conditions with values normalised, or InvalidInput naming the field."""
    languages = tuple(
        dict.fromkeys(v.strip().lower() for v in c.languages if v.strip())
    )
    for code in languages:
        if not _LANGUAGE.match(code):
            raise InvalidInput(
                f"conditions.languages: {code!r} is not a language code; use ISO 639-1 "
                "codes like en, de, fr, or und for undetermined.",
                field="conditions.languages",
            )
    keywords = tuple(
        dict.fromkeys(" ".join(k.lower().split()) for k in c.keywords if k.strip())
    )
    if len(keywords) > MAX_KEYWORDS or any(len(k) > MAX_KEYWORD for k in keywords):
        raise InvalidInput(
            f"conditions.keywords: at most {MAX_KEYWORDS} keywords of at most "
            f"{MAX_KEYWORD} characters each.",
            field="conditions.keywords",
        )
    if c.min_followers is not None and c.min_followers < 0:
        raise InvalidInput(
            "conditions.min_followers cannot be negative.",
            field="conditions.min_followers",
        )
    if c.min_priority is not None and not 0 <= c.min_priority <= 100:
        raise InvalidInput(
            "conditions.min_priority is a priority between 0 and 100.",
            field="conditions.min_priority",
        )
    below = _score(c.sentiment_below, "conditions.sentiment_below")
    above = _score(c.sentiment_above, "conditions.sentiment_above")
    if below is not None and above is not None and above >= below:
        raise InvalidInput(
            "conditions.sentiment_above must be lower than sentiment_below, or no "
            "message can match.",
            field="conditions.sentiment_above",
        )
    return Conditions(
        platforms=_choices(c.platforms, KNOWN_PLATFORMS, "conditions.platforms"),
        account_ids=tuple(dict.fromkeys(a for a in c.account_ids if a)),
        kinds=_choices(c.kinds, (k.value for k in InteractionKind), "conditions.kinds"),
        intents=_choices(c.intents, (i.value for i in Intent), "conditions.intents"),
        polarities=_choices(
            c.polarities, (p.value for p in Polarity), "conditions.polarities"
        ),
        sentiment_below=below,
        sentiment_above=above,
        languages=languages,
        keywords=keywords,
        min_followers=c.min_followers,
        min_priority=c.min_priority,
    )


def check_actions(a: Actions) -> Actions:
    if a.assign_user_id and a.assign_role:
        raise InvalidInput(
            "actions.assign: assign to a person or to a role, not both.",
            field="actions.assign",
        )
    if a.assign_role:
        _choices([a.assign_role], (r.value for r in Role), "actions.assign_role")
    if a.set_status:
        _choices([a.set_status], (s.value for s in Status), "actions.set_status")
    tags = tuple(dict.fromkeys(clean_tag(t) for t in a.add_tags if t.strip()))
    if len(tags) > MAX_TAGS:
        raise InvalidInput(
            f"actions.add_tags: at most {MAX_TAGS} tags per rule.",
            field="actions.add_tags",
        )
    if not math.isfinite(a.raise_priority) or not 0 <= a.raise_priority <= 100:
        raise InvalidInput(
            "actions.raise_priority is between 0 and 100 (points added, capped at 100).",
            field="actions.raise_priority",
        )
    return Actions(
        assign_user_id=a.assign_user_id or None,
        assign_role=a.assign_role.strip().lower() if a.assign_role else None,
        add_tags=tags,
        set_status=a.set_status.strip().lower() if a.set_status else None,
        hide=a.hide,
        raise_priority=float(a.raise_priority),
        stop=a.stop,
    )


def check_draft(draft: RuleDraft) -> RuleDraft:
    """Everything that can be checked without the database (see rules_store for members)."""
    name = " ".join(draft.name.split())
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(
            f"name: give the rule a name of 1 to {MAX_NAME} characters.", field="name"
        )
    conditions = check_conditions(draft.conditions)
    if conditions.is_empty():
        raise InvalidInput(
            "conditions: add at least one condition (a rule for every message can use "
            "'priority at least 0').",
            field="conditions",
        )
    actions = check_actions(draft.actions)
    if actions.is_empty():
        raise InvalidInput(
            "actions: add at least one action (assign, tag, status, hide, priority or stop).",
            field="actions",
        )
    return RuleDraft(name, conditions, actions, draft.enabled)


def parse_number(value: str, field_name: str) -> float | None:
    """A form field as a number ("" is no value), or InvalidInput naming the field."""
    text = value.strip().replace(",", ".")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise InvalidInput(
            f"{field_name} must be a number, not {value!r}.", field=field_name
        ) from None
    if not math.isfinite(number):
        raise InvalidInput(f"{field_name} must be a finite number.", field=field_name)
    return number


def split_list(value: str) -> tuple[str, ...]:
    """Comma- or line-separated words from a form field."""
    return tuple(p.strip() for p in re.split(r"[,\n]", value) if p.strip())


# --- matching -------------------------------------------------------------------------


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # Whole words, so "ass" does not match "class"; a keyword that starts or ends with a
    # sign ("#fail", "!!") is matched as written.
    start = r"\b" if keyword[:1].isalnum() else ""
    end = r"\b" if keyword[-1:].isalnum() else ""
    return re.compile(start + re.escape(keyword) + end, re.IGNORECASE)


def mentions_any(text: str, keywords: Iterable[str]) -> bool:
    return any(_keyword_pattern(k).search(text) for k in keywords)


def matches(c: Conditions, item: Item) -> bool:
    """True when every set condition holds for the item."""
    checks = (
        not c.platforms or item.platform in c.platforms,
        not c.account_ids or item.account_id in c.account_ids,
        not c.kinds or item.kind in c.kinds,
        not c.intents or item.intent in c.intents,
        not c.polarities or item.polarity in c.polarities,
        c.sentiment_below is None or item.sentiment < c.sentiment_below,
        c.sentiment_above is None or item.sentiment > c.sentiment_above,
        not c.languages or item.language in c.languages,
        c.min_followers is None
        or (item.author_followers is not None
            and item.author_followers >= c.min_followers),
        c.min_priority is None or item.priority >= c.min_priority,
    )  # fmt: skip
    if not all(checks):
        return False
    return not c.keywords or mentions_any(item.text, c.keywords)


def outcome(
    a: Actions, item: Item, *, now: datetime, assignee_name: str = ""
) -> Outcome:
    """The changes the actions make to `item`, and the words for the audit trail."""
    changes: dict[str, object] = {}
    done: list[Done] = []
    if a.assign_user_id:
        changes.update(assignee_id=a.assign_user_id, assignee_role=None)
        who = assignee_name or a.assign_user_id
        done.append(Done("assign_user", a.assign_user_id, f"assigned to {who}"))
    if a.assign_role:
        changes.update(assignee_id=None, assignee_role=a.assign_role)
        label = Role(a.assign_role).label
        done.append(Done("assign_role", a.assign_role, f"assigned to role {label}"))
    if a.add_tags:
        merged = list(dict.fromkeys([*item.tags, *a.add_tags]))
        changes["tags"] = tuple(merged)
        done.append(
            Done("add_tags", ",".join(a.add_tags), "tagged " + ", ".join(a.add_tags))
        )
    if a.set_status:
        changes["status"] = a.set_status
        changes["closed_at"] = now if a.set_status == Status.CLOSED else None
        done.append(Done("set_status", a.set_status, f"status set to {a.set_status}"))
    if a.hide:
        changes["hidden"] = True
        done.append(Done("hide", "true", "hidden as spam"))
    if a.raise_priority:
        raised = round(min(100.0, item.priority + a.raise_priority), 1)
        changes["priority"] = raised
        done.append(
            Done(
                "raise_priority",
                f"{a.raise_priority:g}",
                f"priority raised by {a.raise_priority:g} to {raised:g}",
            )
        )
    if a.stop:
        done.append(Done("stop", "true", "stopped further rules"))
    return Outcome(changes, tuple(done))


# --- words ----------------------------------------------------------------------------


def describe_conditions(c: Conditions, account_names: dict[str, str]) -> list[str]:
    """Each condition in words, for the rule list ("intent is complaint or crisis")."""
    out = []
    lists = (
        ("platform", c.platforms),
        ("account", tuple(account_names.get(a, a) for a in c.account_ids)),
        ("kind", c.kinds),
        ("intent", c.intents),
        ("sentiment", c.polarities),
        ("language", c.languages),
    )
    for label, values in lists:
        if values:
            out.append(f"{label} is {' or '.join(values)}")
    if c.sentiment_below is not None:
        out.append(f"sentiment score below {c.sentiment_below:+.2f}")
    if c.sentiment_above is not None:
        out.append(f"sentiment score above {c.sentiment_above:+.2f}")
    if c.keywords:
        out.append("text mentions " + " or ".join(f"“{k}”" for k in c.keywords))
    if c.min_followers is not None:
        out.append(f"author has at least {c.min_followers:,} followers")
    if c.min_priority is not None:
        out.append(f"priority at least {c.min_priority:g}")
    return out


def describe_actions(a: Actions, member_names: dict[str, str]) -> list[str]:
    out = []
    if a.assign_user_id:
        out.append(f"assign to {member_names.get(a.assign_user_id, 'a former member')}")
    if a.assign_role:
        out.append(f"assign to role {Role(a.assign_role).label}")
    if a.add_tags:
        out.append("tag " + ", ".join(a.add_tags))
    if a.set_status:
        out.append(f"set status to {a.set_status}")
    if a.hide:
        out.append("hide (spam)")
    if a.raise_priority:
        out.append(f"raise priority by {a.raise_priority:g}")
    if a.stop:
        out.append("stop processing further rules")
    return out
