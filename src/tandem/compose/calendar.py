"""The content calendar: planned variants and published posts in a workspace's local days.

The grid and time arithmetic are pure functions; the two queries below are the calendar's own
(only it reads variants and published posts side by side). Moving a post goes through
`actions.reschedule_variant`, which also writes the audit entry.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.accounts import Member
from tandem.compose.actions import reschedule_variant
from tandem.compose.model import Brief, BriefStatus, Variant
from tandem.compose.store import BriefRow, to_variant, variant_row, variants_between
from tandem.core import Clock, InvalidInput
from tandem.core.periods import Period
from tandem.publish import PublishedPost, SocialAccount
from tandem.publish.store import PublishedPostRow, accounts_in, to_post

VIEWS = ("month", "week")
PUBLISHED = "published"
STATUSES: tuple[str, ...] = (*(s.value for s in BriefStatus), PUBLISHED)
TITLE_CHARS = 60
MAX_RANGE_DAYS = 400
YEARS = (1970, 2999)

Kind = Literal["planned", "published"]


@dataclass(frozen=True)
class CalendarItem:
    """One entry: a planned variant (`id` is the variant's) or a published post (the post's)."""

    kind: Kind
    id: str
    brief_id: str | None
    account_id: str
    handle: str
    platform: str
    title: str
    text: str
    status: str  # a BriefStatus value, or "published"
    campaign: str
    at: datetime  # aware UTC
    local: datetime  # the same instant in the workspace's zone
    url: str  # the published post's address; "" for planned items
    revised_at: datetime  # last change of the variant or its brief (ICS DTSTAMP)

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass(frozen=True)
class CalendarFilter:
    campaign: str = ""
    account_id: str = ""
    status: str = ""

    def keeps(self, item: CalendarItem) -> bool:
        return (
            (not self.campaign or item.campaign == self.campaign)
            and (not self.account_id or item.account_id == self.account_id)
            and (not self.status or item.status == self.status)
        )


@dataclass(frozen=True)
class CalendarDay:
    day: date
    in_range: (
        bool  # False for the leading/trailing days of other months in a month grid
    )
    is_today: bool
    hours: float  # 24, or 23/25 on the days the clocks change
    items: tuple[CalendarItem, ...]

    @property
    def clock_change(self) -> str:
        if self.hours < 24:
            return f"{self.hours:g}-hour day: clocks go forward"
        if self.hours > 24:
            return f"{self.hours:g}-hour day: clocks go back"
        return ""


@dataclass(frozen=True)
class CalendarView:
    view: str  # "month" or "week"
    anchor: date
    zone: str
    start: date  # first day shown (a Monday)
    end: date  # last day shown (a Sunday)
    today: date
    previous: date
    next: date
    weeks: tuple[tuple[CalendarDay, ...], ...]

    @property
    def count(self) -> int:
        return sum(len(d.items) for week in self.weeks for d in week)

    @property
    def title(self) -> str:
        if self.view == "month":
            return self.anchor.strftime("%B %Y")
        return f"Week of {self.start:%d %b %Y}"


def status_label(status: str) -> str:
    return "Published" if status == PUBLISHED else BriefStatus(status).label


def local_day(at: datetime, zone: str) -> date:
    """The day in `zone` an instant belongs to (00:30 local belongs to that local day)."""
    return at.astimezone(ZoneInfo(zone)).date()


def day_hours(day: date, zone: str) -> float:
    """How long the local day is: 23 or 25 hours when daylight saving time starts or ends."""
    period = Period(day, day, zone)
    return (period.until - period.since).total_seconds() / 3600


def local_to_utc(day: date, wall: time, zone: str) -> datetime:
    """The instant a local wall time names, in aware UTC.

    DST policy (Python's PEP 495 semantics with fold=0): a time in the spring-forward gap
    does not exist and moves forward by the gap (02:30 becomes 03:30 in Europe/Berlin); an
    ambiguous time in the fall-back hour takes its first occurrence (summer time).
    """
    naive = wall.replace(tzinfo=None, fold=0)
    return datetime.combine(day, naive, ZoneInfo(zone)).astimezone(UTC)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def view_range(view: str, anchor: date) -> tuple[date, date]:
    """First and last day shown: whole weeks, Monday to Sunday (ISO 8601 weeks)."""
    if view == "week":
        start = monday_of(anchor)
        return start, start + timedelta(days=6)
    first = anchor.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return monday_of(first), last + timedelta(days=6 - last.weekday())


def step(view: str, anchor: date, delta: int) -> date:
    """The anchor of the previous (-1) or next (+1) month or week."""
    if view == "week":
        return monday_of(anchor) + timedelta(days=7 * delta)
    months = anchor.year * 12 + anchor.month - 1 + delta
    return date(months // 12, months % 12 + 1, 1)


def parse_filter(
    campaign: str | None, account_id: str | None, status: str | None
) -> CalendarFilter:
    if status and status not in STATUSES:
        raise InvalidInput(
            f"status must be one of {', '.join(STATUSES)}.", field="status"
        )
    return CalendarFilter(
        (campaign or "").strip().lower(), account_id or "", status or ""
    )


def _parse_day(value: str, field: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{field} must be a date like 2026-03-01, not {value!r}.", field=field
        ) from None
    if not YEARS[0] <= day.year <= YEARS[1]:  # keeps neighbouring months within `date`
        raise InvalidInput(
            f"{field} must be between the years {YEARS[0]} and {YEARS[1]}.", field=field
        )
    return day


def parse_view(view: str | None, day: str | None, *, today: date) -> tuple[str, date]:
    """The view and the day it shows (default: the month containing today)."""
    view = view or "month"
    if view not in VIEWS:
        raise InvalidInput("view must be month or week.", field="view")
    return view, _parse_day(day, "date") if day else today


def parse_range(
    since: str | None, until: str | None, *, zone: str, today: date
) -> Period:
    """Local days [since, until] for the API; default: today and the 30 days after it."""
    first = _parse_day(since, "since") if since else today
    last = _parse_day(until, "until") if until else first + timedelta(days=30)
    if first > last:
        raise InvalidInput("since must be on or before until.", field="since")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise InvalidInput(
            f"Choose a range of at most {MAX_RANGE_DAYS} days.", field="until"
        )
    return Period(first, last, zone)


def build_view(
    view: str, anchor: date, *, today: date, zone: str, items: Iterable[CalendarItem]
) -> CalendarView:
    """Place items on the days of a month grid (4 to 6 weeks) or of one week."""
    start, end = view_range(view, anchor)
    by_day: dict[date, list[CalendarItem]] = defaultdict(list)
    for item in items:
        by_day[local_day(item.at, zone)].append(item)
    days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        in_range = view == "week" or day.month == anchor.month
        found = tuple(sorted(by_day.get(day, ()), key=lambda i: (i.at, i.kind, i.id)))
        days.append(
            CalendarDay(day, in_range, day == today, day_hours(day, zone), found)
        )
    weeks = tuple(tuple(days[i : i + 7]) for i in range(0, len(days), 7))
    return CalendarView(
        view,
        anchor,
        zone,
        start,
        end,
        today,
        step(view, anchor, -1),
        step(view, anchor, 1),
        weeks,
    )


def _short_title(text: str) -> str:
    words = " ".join(text.split())
    return words if len(words) <= TITLE_CHARS else words[: TITLE_CHARS - 1] + "…"


def planned_item(
    variant: Variant, brief: Brief, account: SocialAccount, zone: str
) -> CalendarItem:
    assert variant.scheduled_at is not None
    return CalendarItem(
        "planned",
        variant.id,
        brief.id,
        variant.account_id,
        account.handle,
        variant.platform,
        brief.title,
        variant.text,
        brief.status.value,
        brief.campaign_key,
        variant.scheduled_at,
        variant.scheduled_at.astimezone(ZoneInfo(zone)),
        "",
        max(variant.updated_at, brief.updated_at),
    )


def published_item(
    post: PublishedPost, account: SocialAccount, zone: str
) -> CalendarItem:
    return CalendarItem(
        "published",
        post.id,
        None,
        post.account_id,
        account.handle,
        account.platform,
        _short_title(post.text),
        post.text,
        PUBLISHED,
        "",
        post.published_at,
        post.published_at.astimezone(ZoneInfo(zone)),
        post.url,
        post.published_at,
    )


def _posts_between(
    session: Session, workspace_id: str, since: datetime, until: datetime
) -> list[PublishedPost]:
    rows = session.scalars(
        select(PublishedPostRow)
        .where(
            PublishedPostRow.workspace_id == workspace_id,
            PublishedPostRow.published_at >= since,
            PublishedPostRow.published_at < until,
        )
        .order_by(PublishedPostRow.published_at)
    )
    return [to_post(r) for r in rows]


def calendar_items(
    session: Session,
    workspace_id: str,
    *,
    since: datetime,
    until: datetime,
    zone: str,
    only: CalendarFilter | None = None,
) -> list[CalendarItem]:
    """Planned variants and published posts in [since, until), oldest first."""
    only = only or CalendarFilter()
    accounts = {a.id: a for a in accounts_in(session, workspace_id)}
    items: list[CalendarItem] = []
    if only.status != PUBLISHED:
        pairs = variants_between(session, workspace_id, since=since, until=until)
        items += [planned_item(v, b, accounts[v.account_id], zone) for v, b in pairs]
    if only.status in ("", PUBLISHED) and not only.campaign:
        posts = _posts_between(session, workspace_id, since, until)
        items += [published_item(p, accounts[p.account_id], zone) for p in posts]
    return sorted(filter(only.keeps, items), key=lambda i: (i.at, i.kind, i.id))


def campaign_keys(session: Session, workspace_id: str) -> list[str]:
    """The campaigns briefs are tagged with, for the calendar's filter."""
    rows = session.scalars(
        select(BriefRow.campaign_key)
        .where(BriefRow.workspace_id == workspace_id, BriefRow.campaign_key != "")
        .distinct()
        .order_by(BriefRow.campaign_key)
    )
    return list(rows)


def move_variant(
    session: Session,
    *,
    actor: Member,
    variant_id: str,
    day: date,
    wall: time | None = None,
    clock: Clock,
) -> Variant:
    """Move a planned variant to `day` at local `wall` time (default: keep its local time).

    Approved and scheduled posts may move too (their content does not change); every move is
    audited by `reschedule_variant`. A time that has already passed is refused.
    """
    zone = actor.workspace.timezone
    current = to_variant(variant_row(session, actor.workspace.id, variant_id))
    if wall is None:
        if current.scheduled_at is None:
            raise InvalidInput("This post has no time yet: choose one.", field="time")
        wall = current.scheduled_at.astimezone(ZoneInfo(zone)).time()
    when = local_to_utc(day, wall, zone)
    if when <= clock.now():
        raise InvalidInput(
            "That time has already passed: choose a later day or hour.", field="date"
        )
    return reschedule_variant(
        session, actor=actor, variant_id=variant_id, when=when, clock=clock
    )


def shift_variant(
    session: Session, *, actor: Member, variant_id: str, days: int, clock: Clock
) -> Variant:
    """Move a planned variant by whole local days, keeping its local time (keyboard moves)."""
    current = to_variant(variant_row(session, actor.workspace.id, variant_id))
    if current.scheduled_at is None:
        raise InvalidInput("This post has no time yet: choose one.", field="variant_id")
    day = local_day(current.scheduled_at, actor.workspace.timezone)
    return move_variant(
        session,
        actor=actor,
        variant_id=variant_id,
        day=day + timedelta(days=days),
        clock=clock,
    )


def calendar_view(
    session: Session,
    workspace_id: str,
    *,
    view: str,
    anchor: date,
    today: date,
    zone: str,
    only: CalendarFilter,
) -> CalendarView:
    """The month or week around `anchor`, filled with its items."""
    start, end = view_range(view, anchor)
    period = Period(start, end, zone)
    items = calendar_items(
        session,
        workspace_id,
        since=period.since,
        until=period.until,
        zone=zone,
        only=only,
    )
    return build_view(view, anchor, today=today, zone=zone, items=items)
