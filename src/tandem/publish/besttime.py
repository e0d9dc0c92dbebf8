"""Best time to post, per account, from its own history: engagement rate by weekday x hour.

Each published post with impressions contributes its engagement rate (engagements per
impression) to the cell of the local weekday and hour it went out. A cell's raw mean is pulled
toward the account's overall mean in proportion to how few posts back it (empirical-Bayes
shrinkage with a prior worth `PRIOR_POSTS` posts):

    score = (sum of the cell's rates + PRIOR_POSTS * overall) / (posts in the cell + PRIOR_POSTS)

so one lucky post moves its cell a sixth of the way to its own rate, while a cell with twenty
posts mostly speaks for itself. Below `MIN_POSTS` posts the account gets "not enough data"
instead of a guess.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.accounts.model import Member
from tandem.core import Conflict
from tandem.publish.queue_slots import QueueSettings, configure_queue, queue_settings
from tandem.publish.scheduling import WEEKDAYS, Slot, zone
from tandem.publish.store import PostMetricRow, PublishedPostRow

MIN_POSTS = 20  # fewer posts than this and the weekday x hour grid is mostly empty
MIN_CELL_POSTS = 2  # a suggestion rests on at least two posts of its own
PRIOR_POSTS = 5.0
TOP = 3
HISTORY_DAYS = (
    180  # audiences and algorithms change; older posts say little about today
)


@dataclass(frozen=True)
class Sample:
    published_at: datetime
    impressions: int
    engagements: int


@dataclass(frozen=True)
class Cell:
    weekday: int  # 0 = Monday
    hour: int
    posts: int
    rate: float  # the cell's own mean engagement rate
    score: float  # the rate shrunk toward the account mean

    @property
    def label(self) -> str:
        day = WEEKDAYS[self.weekday].title()
        return f"{day} {self.hour:02d}:00-{(self.hour + 1) % 24:02d}:00"

    @property
    def slot(self) -> Slot:
        return (WEEKDAYS[self.weekday], f"{self.hour:02d}:00")


@dataclass(frozen=True)
class BestTimes:
    timezone: str
    posts: int  # posts the analysis rests on
    overall_rate: float | None
    min_posts: int
    cells: tuple[Cell, ...] = ()
    suggestions: tuple[Cell, ...] = ()
    evidence: tuple[str, ...] = field(default=())

    @property
    def enough_data(self) -> bool:
        return self.posts >= self.min_posts

    @property
    def summary(self) -> str:
        if not self.enough_data:
            return (
                f"Not enough data yet: {self.posts} published post(s) with impressions; "
                f"suggestions start at {self.min_posts}."
            )
        if not self.suggestions:
            return (
                f"Based on {self.posts} posts, no hour stands out from the "
                f"{_pct(self.overall_rate)} average yet."
            )
        return f"Based on {self.posts} posts; " + "; ".join(self.evidence)

    @property
    def slots(self) -> list[Slot]:
        return [c.slot for c in self.suggestions]


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def analyse(
    samples: Iterable[Sample],
    zone_name: str,
    *,
    min_posts: int = MIN_POSTS,
    prior_posts: float = PRIOR_POSTS,
    top: int = TOP,
) -> BestTimes:
    """The grid, its shrunk scores and the top cells that beat the account's mean."""
    tz = zone(zone_name)
    by_cell: dict[tuple[int, int], list[float]] = {}
    rates: list[float] = []
    for s in samples:
        if s.impressions <= 0:
            continue  # no audience reached: says nothing about the hour
        rate = s.engagements / s.impressions
        local = s.published_at.astimezone(tz)
        by_cell.setdefault((local.weekday(), local.hour), []).append(rate)
        rates.append(rate)
    if not rates:
        return BestTimes(zone_name, 0, None, min_posts)
    overall = sum(rates) / len(rates)
    cells = tuple(
        Cell(
            day,
            hour,
            len(values),
            sum(values) / len(values),
            (sum(values) + prior_posts * overall) / (len(values) + prior_posts),
        )
        for (day, hour), values in sorted(by_cell.items())
    )
    if len(rates) < min_posts:
        return BestTimes(zone_name, len(rates), overall, min_posts, cells)
    ranked = sorted(
        (c for c in cells if c.posts >= MIN_CELL_POSTS and c.score > overall),
        key=lambda c: (-c.score, c.weekday, c.hour),
    )[:top]
    evidence = tuple(
        f"{c.label} averages {_pct(c.rate)} over {c.posts} posts vs "
        f"{_pct(overall)} overall"
        for c in ranked
    )
    return BestTimes(
        zone_name, len(rates), overall, min_posts, cells, tuple(ranked), evidence
    )


def samples_for(
    session: Session, workspace_id: str, account_id: str, *, now: datetime
) -> list[Sample]:
    """The account's published posts of the last HISTORY_DAYS with their latest metrics."""
    m = PostMetricRow
    rows = session.execute(
        select(
            PublishedPostRow.published_at,
            m.impressions,
            m.likes + m.comments + m.shares + m.saves,
        )
        .join(m, (m.post_id == PublishedPostRow.id) & m.is_latest)
        .where(
            PublishedPostRow.workspace_id == workspace_id,
            PublishedPostRow.account_id == account_id,
            PublishedPostRow.published_at >= now - timedelta(days=HISTORY_DAYS),
            PublishedPostRow.published_at < now,
        )
    ).all()
    return [Sample(at, int(imp or 0), int(eng or 0)) for at, imp, eng in rows]


def merged_slots(current: Sequence[Slot], suggested: Sequence[Slot]) -> list[Slot]:
    """The queue's slots with the suggestions added ("use suggested slots" never removes)."""
    return list(dict.fromkeys([*current, *suggested]))


def best_times_for(
    session: Session, workspace_id: str, account_id: str, *, now: datetime
) -> BestTimes:
    """The analysis in the account's queue zone (NotFound for another workspace's account)."""
    settings = queue_settings(session, workspace_id, account_id)
    samples = samples_for(session, workspace_id, account_id, now=now)
    return analyse(samples, settings.timezone)


def use_suggested_slots(
    session: Session, *, actor: Member, account_id: str, now: datetime
) -> QueueSettings:
    """Add the suggested hours to the account's queue slots."""
    best = best_times_for(session, actor.workspace.id, account_id, now=now)
    if not best.suggestions:
        raise Conflict(best.summary, field="slots")
    current = queue_settings(session, actor.workspace.id, account_id)
    return configure_queue(
        session,
        actor=actor,
        account_id=account_id,
        now=now,
        slots=merged_slots(current.slots, best.slots),
    )
