"""Who talks to a Sandbox account, and when: comments under its posts and mentions of it,
drawn deterministically so that reading at time T always yields the same messages up to T.

Arrivals are Poisson processes. Comments under a post follow the post's engagement curve
(`engagement.progress`): a unit-rate process in "expected comments so far" mapped back to
time, so most arrive in the first hours. Mentions arrive at `mentions_per_hour`, drawn hour
by hour. Every item's words, author and fate (later edited or deleted) come from a random
stream named by the item's id, so they do not depend on when or how often anyone reads.

The words come from a `Writer`. The Sandbox sits below the simulator in Tandem's layers and
cannot import it, so it ships a plain English writer and the CLI and the demo inject
`tandem.sim.conversations.message` (which fits `Writer` as it is).
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from tandem.connectors.sandbox.engagement import HOUR, age_at, progress, rng_for

# How often each intent occurs (the simulator's mix, so both writers tell the same story).
MIX: dict[str, float] = {
    "question": 0.28,
    "complaint": 0.18,
    "praise": 0.27,
    "lead": 0.1,
    "spam": 0.1,
    "crisis": 0.01,
    "other": 0.06,
}
INTENTS = tuple(MIX)
GENERATED_COMMENT = "sbg_"
GENERATED_MENTION = "sbm_"
_MARGIN = 1e-6
EDIT_NOTES = (" (edit: typo)", " Update: sorted now, thanks.", " EDIT: still waiting.")


class Draft(Protocol):
    """One message's words and author (`tandem.sim.conversations.SimMessage` fits)."""

    @property
    def text(self) -> str: ...
    @property
    def author_handle(self) -> str: ...
    @property
    def author_name(self) -> str: ...
    @property
    def author_followers(self) -> int: ...
    @property
    def language(self) -> str: ...


class Writer(Protocol):
    def __call__(self, rng: random.Random, intent: str) -> Draft: ...


@dataclass(frozen=True)
class PlainDraft:
    text: str
    author_handle: str
    author_name: str
    author_followers: int
    language: str = "en"


_PLAIN: dict[str, tuple[str, ...]] = {
    "question": ("Does this come in other colours?", "How long does shipping take?"),
    "complaint": ("My order arrived broken.", "Still waiting for my refund."),
    "praise": ("Love it, thank you!", "Best purchase this year 👏"),
    "lead": ("Can you send a quote for 50 units?", "Do you offer wholesale pricing?"),
    "spam": ("Buy cheap followers at bit.ly/x", "Earn $500/day from home, DM me!!"),
    "crisis": ("It caught fire while charging!", "Recall it now, it's dangerous."),
    "other": ("Saw your shop today", "Nice photo"),
}
_NAMES = ("Ana", "Ben", "Dev", "Elif", "Finn", "Greta", "Hugo", "Ines")


def plain_writer(rng: random.Random, intent: str) -> PlainDraft:
    """The built-in writer: a few English lines per intent."""
    name = rng.choice(_NAMES)
    return PlainDraft(
        text=rng.choice(_PLAIN.get(intent, _PLAIN["other"])),
        author_handle=f"{name.lower()}{rng.randint(1, 999)}",
        author_name=name,
        author_followers=int(rng.lognormvariate(5.0, 1.6)),
    )


@dataclass(frozen=True)
class AudienceConfig:
    """How lively the audience is. `comment_rate` scales each post's expected comments;
    `backfill_hours` gives a newly seen account that much past of mentions, so a fresh demo
    inbox is not empty."""

    comment_rate: float = 1.0
    mentions_per_hour: float = 2.0
    backfill_hours: float = 24.0
    edit_share: float = 0.05
    delete_share: float = 0.03
    seed: int = 0

    def __post_init__(self) -> None:
        if min(self.comment_rate, self.mentions_per_hour, self.backfill_hours) < 0:
            raise ValueError(
                "comment_rate, mentions_per_hour and backfill_hours must not be negative."
            )
        shares = (self.edit_share, self.delete_share)
        if any(not 0 <= share <= 1 for share in shares) or sum(shares) > 1:
            raise ValueError(
                "edit_share and delete_share must each be in 0..1 and sum to at most 1."
            )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, changes: Mapping[str, Any]) -> AudienceConfig:
        """This config with `changes` (JSON from the control API) applied and checked."""
        known = {f.name: f for f in fields(self)}
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise ValueError(f"Unknown audience setting(s): {', '.join(unknown)}.")
        typed: dict[str, Any] = {}
        for name, value in changes.items():
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise ValueError(f"Audience setting {name} must be a number.")
            try:
                typed[name] = int(value) if name == "seed" else float(value)
            except ValueError:
                raise ValueError(f"Audience setting {name} must be a number.") from None
        return replace(self, **typed)


@dataclass(frozen=True)
class Arrival:
    """A message from the audience, with its whole future (edit, deletion) decided."""

    id: str
    kind: str  # "comment" | "mention"
    account: str  # the account it concerns
    post_id: str  # the post it is under ("" for a mention)
    intent: str
    text: str
    author_handle: str
    author_name: str
    author_followers: int
    language: str
    created_at: datetime
    edited_text: str | None = None
    edited_at: datetime | None = None
    deleted_at: datetime | None = None


def draw_intent(rng: random.Random) -> str:
    return rng.choices(INTENTS, weights=tuple(MIX.values()))[0]


def compose(
    writer: Writer,
    config: AudienceConfig,
    *,
    item_id: str,
    kind: str,
    account: str,
    post_id: str,
    created_at: datetime,
    intent: str | None = None,
) -> Arrival:
    """The message named `item_id`: its words from `writer`, its fate from its own stream."""
    rng = rng_for(config.seed, "words", item_id)
    intent = intent or draw_intent(rng)
    draft = writer(rng, intent)
    text = draft.text
    if kind == "mention" and f"@{account}".lower() not in text.lower():
        text = f"@{account} {text}"
    fate = rng_for(config.seed, "fate", item_id)
    roll, edited_text, edited_at, deleted_at = fate.random(), None, None, None
    if roll < config.delete_share:
        deleted_at = created_at + timedelta(seconds=fate.uniform(600, 6 * HOUR))
    elif roll < config.delete_share + config.edit_share:
        edited_at = created_at + timedelta(seconds=fate.uniform(120, 2 * HOUR))
        edited_text = text + fate.choice(EDIT_NOTES)
    return Arrival(
        id=item_id,
        kind=kind,
        account=account,
        post_id=post_id,
        intent=intent,
        text=text,
        author_handle=draft.author_handle,
        author_name=draft.author_name,
        author_followers=int(draft.author_followers),
        language=draft.language,
        created_at=created_at,
        edited_text=edited_text,
        edited_at=edited_at,
        deleted_at=deleted_at,
    )


def comment_shares(
    post_id: str, expected: float, config: AudienceConfig
) -> Iterator[float]:
    """The post's comments as points of a unit-rate Poisson process over "expected comments
    so far" (0..`expected`), in order; `engagement.age_at(share / expected)` is when each
    arrives. Working in this space lets a reader skip comments outside its window without
    converting their times."""
    if expected <= 0:
        return
    rng = rng_for(config.seed, "comment-times", post_id)
    spent = rng.expovariate(1.0)
    while spent <= expected:
        yield spent
        spent += rng.expovariate(1.0)


def comments_between(
    writer: Writer,
    config: AudienceConfig,
    *,
    account: str,
    post_id: str,
    post_created_at: datetime,
    expected: float,
    start: datetime | None,
    end: datetime,
) -> list[Arrival]:
    """The post's comments that arrive in (start, end]: an inhomogeneous Poisson process
    whose intensity follows the engagement curve, `expected` x `comment_rate` in all."""
    total = expected * config.comment_rate
    low = 0.0 if start is None else total * progress(_age(post_created_at, start))
    high = total * progress(_age(post_created_at, end))
    found = []
    seq = post_id.rsplit("_", 1)[-1]
    for number, share in enumerate(comment_shares(post_id, total, config), start=1):
        # Cheap bounds in share space with a margin; the times below decide, so a comment
        # on a window's edge lands in exactly one window despite rounding.
        if share > high + _MARGIN:
            break
        if share < low - _MARGIN:
            continue
        moment = post_created_at + timedelta(seconds=age_at(share / total))
        if (start is not None and moment <= start) or moment > end:
            continue
        found.append(
            compose(
                writer,
                config,
                item_id=f"{GENERATED_COMMENT}{seq}_{number}",
                kind="comment",
                account=account,
                post_id=post_id,
                created_at=moment,
            )
        )
    return found


def _age(created_at: datetime, moment: datetime) -> float:
    return (moment - created_at).total_seconds()


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: fine for the small hourly means used here.
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def mentions_between(
    writer: Writer,
    config: AudienceConfig,
    *,
    account: str,
    origin: datetime,
    start: datetime | None,
    end: datetime,
) -> list[Arrival]:
    """Mentions of `account` arriving in (start, end], none before `origin`. Drawn per
    whole UTC hour, so any window gives the same messages the hour-by-hour reading would."""
    if config.mentions_per_hour <= 0:
        return []
    key = hashlib.sha256(account.encode()).hexdigest()[:10]
    lower = max(origin, start) if start is not None else origin
    found = []
    for hour in range(
        math.floor(lower.timestamp() / HOUR), math.floor(end.timestamp() / HOUR) + 1
    ):
        rng = rng_for(config.seed, "mentions", account, hour)
        count = _poisson(rng, config.mentions_per_hour)
        offsets = sorted(rng.uniform(0, HOUR) for _ in range(count))
        for number, offset in enumerate(offsets, start=1):
            moment = datetime.fromtimestamp(hour * HOUR + offset, tz=end.tzinfo)
            if (
                moment < origin
                or moment > end
                or (start is not None and moment <= start)
            ):
                continue
            found.append(
                compose(
                    writer,
                    config,
                    item_id=f"{GENERATED_MENTION}{key}_{hour}_{number}",
                    kind="mention",
                    account=account,
                    post_id="",
                    created_at=moment,
                )
            )
    return found
