"""Calendar feeds: secret ICS subscription URLs for Google Calendar, Outlook and Apple Calendar.

The token is shown once and only its digest is stored. A feed reads the calendar with the
rights of the member who created it: when that person leaves the workspace, is deactivated or
loses content access, the feed answers 404 like a revoked one.

The iCalendar text is written by hand (RFC 5545); it needs only VCALENDAR and VEVENT.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.accounts import Member, Permission, allows, audit
from tandem.accounts import store as accounts_store
from tandem.compose.calendar import PUBLISHED, CalendarItem, calendar_items
from tandem.compose.model import BriefStatus
from tandem.core import Clock, InvalidInput, NotFound, new_id, new_token, token_digest
from tandem.storage import Base, UTCDateTime

TOKEN_PREFIX = "tcal_"
NAME_MAX = 100
WINDOW_BACK = timedelta(days=30)
WINDOW_AHEAD = timedelta(days=180)
EVENT_LENGTH = "PT15M"  # RFC 5545 3.3.6 duration: every post is shown as 15 minutes
CRLF = "\r\n"  # RFC 5545 3.1: content lines are delimited by CRLF
LINE_OCTETS = 75  # RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets
CONFIRMED = {BriefStatus.APPROVED.value, BriefStatus.SCHEDULED.value, PUBLISHED}
# RFC 5545 3.3.11: TEXT may not hold CONTROL characters other than HTAB (newlines are escaped).
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f]")


class CalendarFeedRow(Base):
    __tablename__ = "calendar_feeds"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[str | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    prefix: Mapped[str] = mapped_column(String(16))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class CalendarFeed:
    id: str
    workspace_id: str
    name: str
    prefix: str  # the token's first characters, to tell feeds apart
    created_by: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def to_feed(row: CalendarFeedRow) -> CalendarFeed:
    return CalendarFeed(
        row.id,
        row.workspace_id,
        row.name,
        row.prefix,
        row.created_by,
        row.created_at,
        row.last_used_at,
        row.revoked_at,
    )


def feed_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/calendar/{token}.ics"


def feeds_in(session: Session, workspace_id: str) -> list[CalendarFeed]:
    rows = session.scalars(
        select(CalendarFeedRow)
        .where(CalendarFeedRow.workspace_id == workspace_id)
        .order_by(CalendarFeedRow.created_at.desc(), CalendarFeedRow.id)
    )
    return [to_feed(r) for r in rows]


def create_feed(
    session: Session, *, actor: Member, name: str, clock: Clock
) -> tuple[str, CalendarFeed]:
    """A new feed; the secret token is returned once and never stored."""
    name = " ".join(name.split()) or "Calendar feed"
    if len(name) > NAME_MAX:
        raise InvalidInput(f"Keep the name under {NAME_MAX} characters.", field="name")
    token = new_token(TOKEN_PREFIX)
    row = CalendarFeedRow(
        id=new_id(),
        workspace_id=actor.workspace.id,
        created_by=actor.user.id,
        name=name,
        prefix=token[:9],
        token_digest=token_digest(token),
        created_at=clock.now(),
    )
    session.add(row)
    _audit(
        session,
        actor,
        row,
        "calendar_feed.create",
        f"created calendar feed {name}",
        clock,
    )
    return token, to_feed(row)


def revoke_feed(session: Session, *, actor: Member, feed_id: str, clock: Clock) -> None:
    row = session.get(CalendarFeedRow, feed_id)
    if row is None or row.workspace_id != actor.workspace.id:
        raise NotFound("No such calendar feed in this workspace.")
    if row.revoked_at is None:
        row.revoked_at = clock.now()
        _audit(
            session,
            actor,
            row,
            "calendar_feed.revoke",
            f"revoked calendar feed {row.name}",
            clock,
        )


def _audit(
    session: Session,
    actor: Member,
    row: CalendarFeedRow,
    action: str,
    summary: str,
    clock: Clock,
) -> None:
    audit.record_change(
        session,
        actor=actor,
        action=action,
        entity_type="calendar_feed",
        entity_id=row.id,
        after={"name": row.name, "prefix": row.prefix},
        summary=summary,
        now=clock.now(),
    )


def resolve_feed(session: Session, token: str, *, clock: Clock) -> Member:
    """The member a feed reads as; NotFound for unknown or revoked tokens, and when the member
    who created it may no longer see content in the workspace."""
    missing = NotFound("No such calendar feed. It may have been revoked.")
    if not token.startswith(TOKEN_PREFIX):
        raise missing
    row = session.scalar(
        select(CalendarFeedRow).where(
            CalendarFeedRow.token_digest == token_digest(token)
        )
    )
    if row is None or row.revoked_at is not None or row.created_by is None:
        raise missing
    user = accounts_store.to_user(accounts_store.get_user_row(session, row.created_by))
    workspace = accounts_store.workspace_by_id(session, row.workspace_id)
    member = (
        accounts_store.member_in(session, user, workspace) if user.is_active else None
    )
    if member is None or not allows(member.role, Permission.CONTENT_VIEW):
        raise missing
    row.last_used_at = clock.now()
    return member


def feed_ics(session: Session, *, token: str, base_url: str, clock: Clock) -> str:
    """The feed's calendar: planned and published posts from 30 days ago to 180 days ahead."""
    member = resolve_feed(session, token, clock=clock)
    now = clock.now()
    workspace = member.workspace
    items = calendar_items(
        session,
        workspace.id,
        since=now - WINDOW_BACK,
        until=now + WINDOW_AHEAD,
        zone=workspace.timezone,
    )
    brief_base = f"{base_url.rstrip('/')}/w/{workspace.slug}/create/"
    return render_calendar(
        (event_of(item, brief_base) for item in items),
        name=f"Tandem · {workspace.name}",
    )


# --- iCalendar (RFC 5545) ---------------------------------------------------------------


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    start: datetime  # aware
    stamp: datetime  # aware; when the information was last revised
    summary: str
    description: str
    url: str
    status: str  # TENTATIVE or CONFIRMED (RFC 5545 3.8.1.11)


def event_of(item: CalendarItem, brief_base: str) -> IcsEvent:
    planned = item.kind == "planned"
    details = [item.text, "", f"Status: {item.status_label}"]
    if item.campaign:
        details.append(f"Campaign: {item.campaign}")
    return IcsEvent(
        uid=f"{'variant' if planned else 'post'}-{item.id}@tandem",
        start=item.at,
        stamp=item.revised_at,
        summary=f"@{item.handle} · {item.platform}: {item.title}",
        description="\n".join(details),
        url=f"{brief_base}{item.brief_id}" if planned else item.url,
        status="CONFIRMED" if item.status in CONFIRMED else "TENTATIVE",
    )


def escape_text(value: str) -> str:
    """RFC 5545 3.3.11: escape backslash, semicolon, comma and newlines in TEXT values."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return _CONTROL.sub("", value)


def fold(line: str) -> str:
    """RFC 5545 3.1: split lines longer than 75 octets with CRLF + one space, never inside a
    UTF-8 character. The space counts toward the next line's 75 octets."""
    if len(line.encode()) <= LINE_OCTETS:
        return line
    chunks: list[str] = []
    current: list[str] = []
    size, limit = 0, LINE_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            chunks.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(char)
        size += octets
    chunks.append("".join(current))
    return (CRLF + " ").join(chunks)


def utc_stamp(value: datetime) -> str:
    """RFC 5545 3.3.5 DATE-TIME in UTC ("FORM #2"), e.g. 20260329T013000Z."""
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: IcsEvent) -> list[str]:
    return [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",  # RFC 5545 3.8.4.7
        f"DTSTAMP:{utc_stamp(event.stamp)}",  # 3.8.7.2: last revision when there is no METHOD
        f"DTSTART:{utc_stamp(event.start)}",  # 3.8.2.4
        f"DURATION:{EVENT_LENGTH}",  # 3.8.2.5
        f"SUMMARY:{escape_text(event.summary)}",  # 3.8.1.12
        f"DESCRIPTION:{escape_text(event.description)}",  # 3.8.1.5
        f"URL:{_CONTROL.sub('', event.url)}",  # 3.8.4.6: a URI, not TEXT: no escaping
        f"STATUS:{event.status}",  # 3.8.1.11
        "TRANSP:TRANSPARENT",  # 3.8.2.7: a post does not make anyone busy
        "END:VEVENT",
    ]


def render_calendar(events: Iterable[IcsEvent], *, name: str) -> str:
    """A complete VCALENDAR (RFC 5545 3.4, 3.6) with CRLF line endings and folded lines."""
    lines: Sequence[str] = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",  # 3.7.4
        "PRODID:-//Tandem//Content calendar//EN",  # 3.7.3
        "CALSCALE:GREGORIAN",  # 3.7.1
        f"NAME:{escape_text(name)}",  # RFC 7986 5.1
        f"X-WR-CALNAME:{escape_text(name)}",  # the name Google Calendar and Outlook show
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",  # RFC 7986 5.7
        "X-PUBLISHED-TTL:PT1H",  # Outlook's spelling of the refresh interval
        *(line for event in events for line in _event_lines(event)),
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + CRLF for line in lines)
