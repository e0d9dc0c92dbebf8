"""Service-level targets: how soon an item should get its first answer, by priority band.

A workspace lists bands as (priority at least N, answer within M minutes); an item falls in
the band with the highest N not above its priority. The clock starts at `created_at`, when
the author wrote, not when Tandem fetched it: the customer waits from the moment they wrote,
and a slow poll is part of the team's response time, not an excuse. Items that need no
answer (spam, hidden, deleted, or closed without a reply) have no target. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from tandem.core import InvalidInput
from tandem.inbox.intent import Intent
from tandem.inbox.model import Item, Status

MAX_MINUTES = 30 * 24 * 60
MAX_BANDS = 10


@dataclass(frozen=True)
class SlaTarget:
    min_priority: float  # the band starts here (inclusive)
    minutes: int  # first response due within this many minutes of created_at


DEFAULT_TARGETS: tuple[SlaTarget, ...] = (
    SlaTarget(80, 60),
    SlaTarget(50, 4 * 60),
    SlaTarget(0, 24 * 60),
)


class SlaState(NamedTuple):
    """`remaining` is signed while the item waits (negative: overdue by that much) and None
    once answered; `due_at` is None when the item needs no answer."""

    due_at: datetime | None
    breached: bool
    remaining: timedelta | None

    @property
    def status(self) -> str:
        """none, met, breached (late answer or still waiting past due), soon (< 1 h), due."""
        if self.due_at is None:
            return "none"
        if self.breached:
            return "breached"
        if self.remaining is None:
            return "met"
        return "soon" if self.remaining < timedelta(hours=1) else "due"

    @property
    def words(self) -> str:
        if self.due_at is None:
            return "no target"
        if self.remaining is None:
            return "answered late" if self.breached else "answered in time"
        if self.remaining < timedelta(0):
            return f"overdue by {duration_words(-self.remaining)}"
        return f"due in {duration_words(self.remaining)}"


def duration_words(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    return f"{minutes // 1440} days"


def check_targets(targets: Sequence[SlaTarget]) -> tuple[SlaTarget, ...]:
    """Bands sorted from the highest priority down; InvalidInput names what to fix."""
    if not targets:
        raise InvalidInput("targets: add at least one band.", field="targets")
    if len(targets) > MAX_BANDS:
        raise InvalidInput(f"targets: at most {MAX_BANDS} bands.", field="targets")
    for t in targets:
        if not 0 <= t.min_priority <= 100:
            raise InvalidInput(
                "targets.min_priority is a priority between 0 and 100.",
                field="targets.min_priority",
            )
        if not 1 <= t.minutes <= MAX_MINUTES:
            raise InvalidInput(
                f"targets.minutes is between 1 and {MAX_MINUTES} (30 days).",
                field="targets.minutes",
            )
    starts = [t.min_priority for t in targets]
    if len(set(starts)) != len(starts):
        raise InvalidInput(
            "targets.min_priority: two bands start at the same priority; merge them.",
            field="targets.min_priority",
        )
    if 0 not in starts:
        raise InvalidInput(
            "targets.min_priority: the lowest band must start at 0 so every item has a "
            "target.",
            field="targets.min_priority",
        )
    return tuple(sorted(targets, key=lambda t: -t.min_priority))


def target_for(priority: float, targets: Sequence[SlaTarget]) -> SlaTarget:
    bands = sorted(targets, key=lambda t: -t.min_priority)
    for band in bands:
        if priority >= band.min_priority:
            return band
    return bands[-1]


def needs_answer(item: Item) -> bool:
    """Spam, hidden and deleted items are never waiting for us."""
    return not (item.hidden or item.intent == Intent.SPAM or item.deleted_at)


def sla_state(item: Item, targets: Sequence[SlaTarget], now: datetime) -> SlaState:
    """When the first answer is due, whether the target is missed, and the time left."""
    if not needs_answer(item):
        return SlaState(None, False, None)
    if item.first_response_at is None and item.status is Status.CLOSED:
        return SlaState(None, False, None)  # closed without a reply: nothing owed
    due = item.created_at + timedelta(
        minutes=target_for(item.priority, targets).minutes
    )
    if item.first_response_at is not None:
        return SlaState(due, item.first_response_at > due, None)
    remaining = due - now
    return SlaState(due, remaining < timedelta(0), remaining)
