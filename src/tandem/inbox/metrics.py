"""How well the team responds: per member, platform and ISO week over a date range.

Definitions (docs/inbox-rules.md has the reasoning):
- an item belongs to the range, week and platform by its `created_at` in the workspace's zone;
- needing an answer: not spam, not hidden, not deleted (`sla.needs_answer`);
- answered: has a first response (a reply sent through Tandem);
- first-response time: first_response_at - created_at, over answered items that needed one;
- resolution time: closed_at - created_at, over closed items;
- response rate: answered / needing an answer (None when nothing needed one);
- median: the middle value (mean of the two middle ones for an even count); p90: the
  nearest-rank 90th percentile (the ceil(0.9 n)-th smallest);
- SLA breaches: items whose first answer came after, or is still missing past, its due time;
- member: who sent the first reply, else the person assigned, else "Unassigned".
Empty groups have None for every time and rate, shown as "-", never a crash.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.accounts import store as people
from tandem.core.periods import Period
from tandem.inbox.intent import Intent
from tandem.inbox.model import Item, ReplyState, Status
from tandem.inbox.sentiment import Polarity
from tandem.inbox.sla import SlaTarget, needs_answer, sla_state
from tandem.inbox.store import InboxItemRow, InboxReplyRow, to_item

UNASSIGNED = ""


@dataclass(frozen=True)
class Record:
    """The facts about one item that the metrics need."""

    created_at: datetime
    first_response_at: datetime | None
    closed_at: datetime | None
    platform: str
    intent: str
    polarity: str
    needs_answer: bool
    breached: bool
    member: str  # user id, or UNASSIGNED


@dataclass(frozen=True)
class Stats:
    items: int
    needing: int
    answered: int
    response_rate: float | None
    first_response_median: float | None  # seconds
    first_response_p90: float | None
    resolution_median: float | None
    resolution_p90: float | None
    breaches: int
    by_intent: dict[str, int]
    by_polarity: dict[str, int]


@dataclass(frozen=True)
class Group:
    key: str  # ISO week ("2026-W45"), platform, or user id
    label: str
    stats: Stats


@dataclass(frozen=True)
class Report:
    period: Period
    total: Stats
    weeks: list[Group]
    platforms: list[Group]
    members: list[Group]


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def p90(values: Sequence[float]) -> float | None:
    """Nearest rank: the ceil(0.9 n)-th smallest value."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[math.ceil(0.9 * len(ordered)) - 1])


def stats(records: Iterable[Record]) -> Stats:
    rows = list(records)
    needing = [r for r in rows if r.needs_answer]
    answered = [r for r in needing if r.first_response_at is not None]
    # Clamped at zero: a platform's clock a little ahead of ours must not give negative times.
    first = [
        max(0.0, (r.first_response_at - r.created_at).total_seconds())
        for r in answered
        if r.first_response_at is not None
    ]
    resolved = [
        max(0.0, (r.closed_at - r.created_at).total_seconds())
        for r in rows
        if r.closed_at is not None
    ]
    intents = Counter(r.intent for r in rows)
    moods = Counter(r.polarity for r in rows)
    return Stats(
        items=len(rows),
        needing=len(needing),
        answered=len(answered),
        response_rate=len(answered) / len(needing) if needing else None,
        first_response_median=median(first),
        first_response_p90=p90(first),
        resolution_median=median(resolved),
        resolution_p90=p90(resolved),
        breaches=sum(1 for r in needing if r.breached),
        by_intent={i.value: intents.get(i.value, 0) for i in Intent},
        by_polarity={p.value: moods.get(p.value, 0) for p in Polarity},
    )


def iso_week(moment: datetime, zone: str) -> str:
    year, week, _ = moment.astimezone(ZoneInfo(zone)).isocalendar()
    return f"{year}-W{week:02d}"


def weeks_in(period: Period) -> list[str]:
    """Every ISO week that touches the period, in order (empty ones included)."""
    out: list[str] = []
    day = period.start
    while day <= period.end:
        year, week, _ = day.isocalendar()
        label = f"{year}-W{week:02d}"
        if label not in out:
            out.append(label)
        day += timedelta(days=1)
    return out


def _grouped(
    records: Sequence[Record],
    key: Callable[[Record], str],
    keys: Sequence[str],
    label: Callable[[str], str],
) -> list[Group]:
    buckets: dict[str, list[Record]] = {k: [] for k in keys}
    for r in records:
        buckets.setdefault(key(r), []).append(r)
    return [Group(k, label(k), stats(rs)) for k, rs in buckets.items()]


def summarise(
    records: Sequence[Record],
    period: Period,
    *,
    member_names: dict[str, str],
) -> Report:
    """Group the records by week (every week of the period), platform and member. Pure."""
    zone = period.zone
    platforms = sorted({r.platform for r in records})
    members = sorted(
        {r.member for r in records},
        key=lambda m: (m == UNASSIGNED, member_names.get(m, "~").lower()),
    )
    return Report(
        period,
        stats(records),
        _grouped(
            records, lambda r: iso_week(r.created_at, zone), weeks_in(period), str
        ),
        _grouped(records, lambda r: r.platform, platforms, str),
        _grouped(
            records,
            lambda r: r.member,
            members,
            lambda m: (
                "Unassigned"
                if m == UNASSIGNED
                else member_names.get(m, "A former member")
            ),
        ),
    )


def _first_repliers(session: Session, item_ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for chunk in range(0, len(item_ids), 500):
        rows = session.execute(
            select(InboxReplyRow.item_id, InboxReplyRow.sent_by)
            .where(
                InboxReplyRow.item_id.in_(item_ids[chunk : chunk + 500]),
                InboxReplyRow.state == ReplyState.SENT.value,
            )
            .order_by(InboxReplyRow.sent_at, InboxReplyRow.id)
        ).all()
        for item_id, user_id in rows:
            found.setdefault(str(item_id), str(user_id))
    return found


def record_of(
    item: Item, targets: Sequence[SlaTarget], now: datetime, replier: str | None
) -> Record:
    closed = item.closed_at if item.status is Status.CLOSED else None
    return Record(
        created_at=item.created_at,
        first_response_at=item.first_response_at,
        closed_at=closed,
        platform=item.platform,
        intent=item.intent,
        polarity=item.polarity,
        needs_answer=needs_answer(item),
        breached=sla_state(item, targets, now).breached,
        member=replier or item.assignee_id or UNASSIGNED,
    )


def inbox_report(
    session: Session,
    workspace_id: str,
    period: Period,
    *,
    targets: Sequence[SlaTarget],
    now: datetime,
) -> Report:
    """The metrics of every item written in the period."""
    items = [
        to_item(row)
        for row in session.scalars(
            select(InboxItemRow)
            .where(
                InboxItemRow.workspace_id == workspace_id,
                InboxItemRow.created_at >= period.since,
                InboxItemRow.created_at < period.until,
            )
            .order_by(InboxItemRow.created_at, InboxItemRow.id)
        )
    ]
    repliers = _first_repliers(session, [i.id for i in items])
    records = [record_of(i, targets, now, repliers.get(i.id)) for i in items]
    names = {
        m.user.id: m.user.name or m.user.email
        for m in people.memberships_in(session, workspace_id)
    }
    return summarise(records, period, member_names=names)


def span_words(seconds: float | None) -> str:
    """A duration for tables: "-" when there is none."""
    if seconds is None:
        return "-"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest:02d} min"
    return f"{minutes / 1440:.1f} days"
