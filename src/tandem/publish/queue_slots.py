"""Queue time slots per account, and "add to queue": the next free slot, never given twice.

An account's queue is a set of weekly wall-time slots ("mon 09:00") in the account's zone (or
the workspace's when the account has none). A slot is taken when a publication of that account
that is scheduled, publishing, published or of unknown outcome is due at that instant.

Concurrency: every writer that takes a slot (people adding to the queue, the recurring and
evergreen planners) first locks the account's row (`SELECT ... FOR UPDATE` on PostgreSQL;
SQLite transactions already begin IMMEDIATE, so writers are serialised). The second of two
simultaneous callers therefore reads the first one's publication and takes the next slot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, ForeignKey, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.accounts.audit import record_change
from tandem.accounts.model import Member
from tandem.accounts.store import WorkspaceRow
from tandem.core import Conflict, InvalidInput, NotFound
from tandem.publish.actions import edit_publication
from tandem.publish.ledger import (
    Publication,
    PublicationRow,
    PublicationState,
    to_publication,
)
from tandem.publish.scheduling import (
    WEEKDAYS,
    Slot,
    next_free_slot,
    to_local,
    zone,
)
from tandem.publish.store import SocialAccountRow
from tandem.storage import Base, JSONDict, UTCDateTime
from tandem.storage.queue import enqueue_once

S = PublicationState
# A publication in one of these states holds its slot (outcome unknown: it may be live).
OCCUPYING = (S.SCHEDULED, S.PUBLISHING, S.PUBLISHED, S.OUTCOME_UNKNOWN)
MAX_SLOTS = 70  # ten a day is already more than any platform's audience wants
GAP_DAYS = (1, 365)
LOOKAHEAD_DAYS = (1, 30)
PLAN_QUEUES = (
    "plan_queues"  # the job that materialises recurring and recycles evergreen posts
)


class AccountQueueRow(Base):
    """One row per account that has a queue: its slots and its evergreen recycling settings."""

    __tablename__ = "account_queues"
    account_id: Mapped[str] = mapped_column(
        ForeignKey("social_accounts.id", ondelete="CASCADE"), primary_key=True
    )
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    slots: Mapped[dict[str, list[list[str]]]] = mapped_column(JSONDict())
    evergreen: Mapped[bool] = mapped_column(Boolean, default=False)
    evergreen_gap_days: Mapped[int] = mapped_column(default=30)
    evergreen_lookahead_days: Mapped[int] = mapped_column(default=3)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class QueueSettings:
    account_id: str
    timezone: str  # the zone slots are read in
    zone_is_default: bool  # True: the workspace's zone (the account has no override)
    slots: tuple[Slot, ...]
    evergreen: bool = False
    evergreen_gap_days: int = 30
    evergreen_lookahead_days: int = 3


@dataclass(frozen=True)
class QueuedPost:
    """Where "add to queue" put a post: the publication and the slot's wall time and zone."""

    publication: Publication
    local_time: str
    timezone: str


def normalise_slots(slots: Sequence[Slot], field: str = "slots") -> tuple[Slot, ...]:
    """Sorted, deduplicated ("mon", "HH:MM") pairs, or InvalidInput naming the bad entry."""
    out: set[Slot] = set()
    for day, hhmm in slots:
        key = day.strip().lower()[:3]
        if key not in WEEKDAYS:
            raise InvalidInput(
                f"Unknown weekday {day!r}; use mon, tue, wed, thu, fri, sat or sun.",
                field=field,
            )
        text = hhmm.strip()
        parts = text.split(":")
        if (
            len(parts) != 2
            or not all(p.isdigit() for p in parts)
            or not (0 <= int(parts[0]) < 24 and 0 <= int(parts[1]) < 60)
        ):
            raise InvalidInput(
                f"Invalid slot time {hhmm!r} on {key}; use 24-hour HH:MM such as 09:00.",
                field=f"{field}.{key}",
            )
        out.add((key, f"{int(parts[0]):02d}:{int(parts[1]):02d}"))
    if len(out) > MAX_SLOTS:
        raise InvalidInput(
            f"{len(out)} slots is too many; keep at most {MAX_SLOTS} a week.",
            field=field,
        )
    return tuple(sorted(out, key=lambda s: (WEEKDAYS.index(s[0]), s[1])))


def parse_day_times(day: str, text: str) -> list[Slot]:
    """Form input for one weekday ("09:00, 12:30") -> slots; errors name `slots.<day>`."""
    times = [t for t in text.replace(";", ",").replace(" ", ",").split(",") if t]
    return list(normalise_slots([(day, t) for t in times], field="slots"))


def _account(session: Session, workspace_id: str, account_id: str) -> SocialAccountRow:
    row = session.get(SocialAccountRow, account_id)
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such social account in this workspace.")
    return row


def lock_account(
    session: Session, workspace_id: str, account_id: str
) -> SocialAccountRow:
    """The account's row, locked until the transaction ends (see the module docstring)."""
    row = session.scalar(
        select(SocialAccountRow)
        .where(SocialAccountRow.id == account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row is None or row.workspace_id != workspace_id:
        raise NotFound("No such social account in this workspace.")
    return row


def account_zone(session: Session, account: SocialAccountRow) -> tuple[str, bool]:
    """(zone, is_workspace_default): the account's override, else the workspace's zone."""
    if account.timezone:
        return account.timezone, False
    workspace = session.get(WorkspaceRow, account.workspace_id)
    assert workspace is not None  # foreign key
    return workspace.timezone, True


def queue_settings(
    session: Session, workspace_id: str, account_id: str
) -> QueueSettings:
    account = _account(session, workspace_id, account_id)
    tz, default = account_zone(session, account)
    row = session.get(AccountQueueRow, account_id)
    if row is None:
        return QueueSettings(account_id, tz, default, ())
    return QueueSettings(
        account_id,
        tz,
        default,
        tuple((d, t) for d, t in row.slots.get("slots", ())),
        row.evergreen,
        row.evergreen_gap_days,
        row.evergreen_lookahead_days,
    )


def _in_range(value: int, bounds: tuple[int, int], field: str, what: str) -> int:
    low, high = bounds
    if not low <= value <= high:
        raise InvalidInput(f"{what} must be between {low} and {high}.", field=field)
    return value


def configure_queue(
    session: Session,
    *,
    actor: Member,
    account_id: str,
    now: datetime,
    slots: Sequence[Slot] | None = None,
    timezone: str | None = None,
    evergreen: bool | None = None,
    evergreen_gap_days: int | None = None,
    evergreen_lookahead_days: int | None = None,
) -> QueueSettings:
    """Change what is given (None: unchanged). timezone "" returns to the workspace's zone."""
    account = _account(session, actor.workspace.id, account_id)
    before = queue_settings(session, actor.workspace.id, account_id)
    # Validate everything before changing anything, so a bad field leaves the queue as it was.
    clean = None if slots is None else normalise_slots(slots)
    override = None
    if timezone is not None and timezone.strip():
        override = zone(timezone.strip()).key
    row = session.get(AccountQueueRow, account_id)
    if row is None:
        row = AccountQueueRow(
            account_id=account_id,
            workspace_id=actor.workspace.id,
            slots={"slots": []},
            evergreen=False,
            evergreen_gap_days=30,
            evergreen_lookahead_days=3,
            updated_at=now,
        )
        session.add(row)
    if clean is not None:
        row.slots = {"slots": [list(s) for s in clean]}
    if timezone is not None:
        account.timezone = override
    if evergreen is not None:
        row.evergreen = evergreen
    if evergreen_gap_days is not None:
        row.evergreen_gap_days = _in_range(
            evergreen_gap_days, GAP_DAYS, "evergreen_gap_days", "The gap in days"
        )
    if evergreen_lookahead_days is not None:
        row.evergreen_lookahead_days = _in_range(
            evergreen_lookahead_days,
            LOOKAHEAD_DAYS,
            "evergreen_lookahead_days",
            "The look-ahead in days",
        )
    row.updated_at = now
    session.flush()
    if row.evergreen:
        ensure_planned(session, now=now)
    after = queue_settings(session, actor.workspace.id, account_id)
    record_change(
        session,
        actor=actor,
        action="queue.configure",
        entity_type="social_account",
        entity_id=account_id,
        before=before,
        after=after,
        summary=f"changed the queue of @{account.handle}",
        now=now,
    )
    return after


def taken_instants(
    session: Session,
    account_id: str,
    *,
    since: datetime,
    exclude: str | None = None,
) -> set[datetime]:
    """Due instants (UTC) of the account's slot-holding publications from `since` on."""
    query = select(PublicationRow.due_at).where(
        PublicationRow.account_id == account_id,
        PublicationRow.state.in_([str(s) for s in OCCUPYING]),
        PublicationRow.due_at >= since,
    )
    if exclude is not None:
        query = query.where(PublicationRow.id != exclude)
    return set(session.scalars(query))


def free_slots(
    session: Session,
    settings: QueueSettings,
    *,
    after: datetime,
    until: datetime | None = None,
    limit: int = 50,
    exclude: str | None = None,
) -> list[datetime]:
    """The account's next free slot instants after `after` (and before `until`), in order."""
    taken = taken_instants(session, settings.account_id, since=after, exclude=exclude)
    found: list[datetime] = []
    cursor = after
    while len(found) < limit:
        instant = next_free_slot(settings.slots, settings.timezone, cursor, taken)
        if instant is None or (until is not None and instant >= until):
            break
        found.append(instant)
        cursor = instant
    return found


def next_slot(
    session: Session,
    *,
    workspace_id: str,
    account_id: str,
    now: datetime,
    exclude: str | None = None,
) -> tuple[datetime, QueueSettings]:
    """Lock the account and return its next free slot (Conflict when there is none)."""
    lock_account(session, workspace_id, account_id)
    settings = queue_settings(session, workspace_id, account_id)
    if not settings.slots:
        raise Conflict(
            "This account has no queue slots yet; add some on its queue page "
            "(Publish > Queue) first.",
            field="slots",
        )
    found = free_slots(session, settings, after=now, limit=1, exclude=exclude)
    if not found:
        raise Conflict(
            "Every queue slot of this account is taken for the next year; add slots.",
            field="slots",
        )
    return found[0], settings


def add_publication_to_queue(
    session: Session, *, actor: Member, publication_id: str, now: datetime
) -> QueuedPost:
    """Move a post that is not out yet (scheduled, failed or missed) to the next free slot."""
    row = session.get(PublicationRow, publication_id)
    if row is None or row.workspace_id != actor.workspace.id:
        raise NotFound("No such scheduled post in this workspace.")
    instant, settings = next_slot(
        session,
        workspace_id=actor.workspace.id,
        account_id=row.account_id,
        now=now,
        exclude=row.id,
    )
    local = to_local(instant, settings.timezone)
    moved = edit_publication(
        session,
        actor=actor,
        publication_id=publication_id,
        now=now,
        local_time=local,
        timezone=settings.timezone,
    )
    return QueuedPost(moved, local, settings.timezone)


def upcoming(
    session: Session, workspace_id: str, account_id: str, *, now: datetime, days: int
) -> list[Publication]:
    """The account's slot-holding publications due in the next `days` days."""
    rows = session.scalars(
        select(PublicationRow)
        .where(
            PublicationRow.workspace_id == workspace_id,
            PublicationRow.account_id == account_id,
            PublicationRow.state.in_([str(s) for s in OCCUPYING]),
            PublicationRow.due_at >= now,
            PublicationRow.due_at < now + timedelta(days=days),
        )
        .order_by(PublicationRow.due_at, PublicationRow.id)
    )
    return [to_publication(r) for r in rows]


def waiting(
    session: Session, workspace_id: str, account_id: str, *, limit: int = 50
) -> list[Publication]:
    """The account's posts that need a new time (failed or missed): candidates for the queue."""
    rows = session.scalars(
        select(PublicationRow)
        .where(
            PublicationRow.workspace_id == workspace_id,
            PublicationRow.account_id == account_id,
            PublicationRow.state.in_([str(S.FAILED), str(S.MISSED)]),
        )
        .order_by(PublicationRow.due_at.desc(), PublicationRow.id)
        .limit(limit)
    )
    return [to_publication(r) for r in rows]


def ensure_planned(
    session: Session, *, now: datetime, delay: timedelta = timedelta(0)
) -> None:
    """Queue one plan_queues run `delay` from now unless one already waits (the job then
    re-queues itself, so planning continues for as long as the app runs)."""
    enqueue_once(session, PLAN_QUEUES, now=now, delay=delay)
