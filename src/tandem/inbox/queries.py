"""Finding conversations: filters, search and the order the team works in.

Default order is the triage priority (highest first), then the oldest waiting first, so
the top of the list is always "answer this next". Search matches words in the text and the
author by prefix, every word must match, through a word index (inbox/search.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, select
from sqlalchemy.orm import Session, aliased

from tandem.core import InvalidInput
from tandem.inbox.intent import Intent
from tandem.inbox.model import Item, Status
from tandem.inbox.search import postgres_matches, sqlite_matches, words
from tandem.inbox.sentiment import Polarity
from tandem.inbox.store import InboxItemRow, to_item

SORTS = ("priority", "newest", "oldest")
MAX_LIMIT = 200
COUNT_CAP = (
    10_000  # beyond this a queue says "10,000+": counting 100k rows costs a second
)


@dataclass(frozen=True)
class Count:
    """How many items match, exactly up to the cap; `exact` is False when there are more."""

    value: int
    exact: bool

    @property
    def label(self) -> str:
        return f"{self.value:,}" if self.exact else f"{self.value:,}+"


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)


@dataclass(frozen=True)
class ItemQuery:
    account_id: str | None = None
    platform: str | None = None
    intent: str | None = None
    polarity: str | None = None
    status: str | None = None  # None: everything not closed; "all": everything
    assignee: str | None = None  # a user id, "role:<role>", "none", or None for anyone
    q: str = ""
    show_hidden: bool = False
    sort: str = "priority"
    limit: int = 50
    offset: int = 0


def _choice(value: str | None, allowed: tuple[str, ...], field: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in allowed:
        raise InvalidInput(f"{field} must be one of {', '.join(allowed)}.", field=field)
    return value


Rows = type[InboxItemRow]  # the table, or (searching on PostgreSQL) its matches


def _rows(session: Session, query: ItemQuery) -> tuple[Rows, list[ColumnElement[bool]]]:
    """What the query reads, and the search condition on it.

    On PostgreSQL a search reads its matches first (MATERIALIZED): left to itself the planner
    may walk the queue index and compute each row's vector until a page is full, a second
    for a word whose messages sit at the low-priority end. Reading matches costs in
    proportion to them (~1 µs each), bounded by the workspace's size.
    """
    if not query.q.strip():
        return InboxItemRow, []
    found = words(query.q)
    if not found:
        return InboxItemRow, [false()]
    if session.get_bind().dialect.name == "postgresql":
        hits = (
            select(InboxItemRow)
            .where(postgres_matches(found))
            .cte("search_hits")
            .prefix_with("MATERIALIZED")
        )
        return aliased(InboxItemRow, hits), []
    return InboxItemRow, [sqlite_matches(found)]


def _conditions(
    c: Rows, workspace_id: str, query: ItemQuery
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [
        c.workspace_id == workspace_id,
        c.deleted_at.is_(None),
    ]
    if not query.show_hidden:
        where.append(c.hidden.is_(False))
    if query.account_id:
        where.append(c.account_id == query.account_id)
    if query.platform:
        where.append(c.platform == query.platform)
    intent = _choice(query.intent, tuple(i.value for i in Intent), "intent")
    if intent:
        where.append(c.intent == intent)
    polarity = _choice(query.polarity, tuple(p.value for p in Polarity), "sentiment")
    if polarity:
        where.append(c.polarity == polarity)
    if query.status == "all":
        pass
    elif query.status:
        status = _choice(query.status, tuple(s.value for s in Status), "status")
        where.append(c.status == status)
    else:
        where.append(c.status.in_([s.value for s in OPEN_STATUSES]))
    if query.assignee == "none":
        where.append(and_(c.assignee_id.is_(None), c.assignee_role.is_(None)))
    elif query.assignee and query.assignee.startswith("role:"):
        where.append(c.assignee_role == query.assignee.removeprefix("role:"))
    elif query.assignee:
        where.append(c.assignee_id == query.assignee)
    return where


def _order(c: Rows, sort: str) -> list[Any]:
    if sort == "newest":
        return [c.received_at.desc(), c.id]
    if sort == "oldest":
        return [c.received_at.asc(), c.id]
    return [c.priority.desc(), c.received_at.asc(), c.id]


def find_items(session: Session, workspace_id: str, query: ItemQuery) -> list[Item]:
    _choice(query.sort, SORTS, "sort")
    if not 1 <= query.limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}.", field="limit")
    if query.offset < 0:
        raise InvalidInput("offset cannot be negative.", field="offset")
    source, search = _rows(session, query)
    rows = session.scalars(
        select(source)
        .where(*_conditions(source, workspace_id, query), *search)
        .order_by(*_order(source, query.sort))
        .limit(query.limit)
        .offset(query.offset)
    )
    return [to_item(r) for r in rows]


def count_items(
    session: Session, workspace_id: str, query: ItemQuery, *, cap: int = COUNT_CAP
) -> Count:
    """Counts at most `cap` matches: the database stops scanning there."""
    source, search = _rows(session, query)
    matches = (
        select(source.id)
        .where(*_conditions(source, workspace_id, query), *search)
        .limit(cap + 1)
        .subquery()
    )
    n = int(session.scalar(select(func.count()).select_from(matches)) or 0)
    return Count(min(n, cap), n <= cap)


def status_counts(session: Session, workspace_id: str) -> dict[str, int]:
    c = InboxItemRow
    rows = session.execute(
        select(c.status, func.count())
        .where(
            c.workspace_id == workspace_id, c.deleted_at.is_(None), c.hidden.is_(False)
        )
        .group_by(c.status)
    ).all()
    counts = {s.value: 0 for s in Status}
    counts.update({str(status): int(n) for status, n in rows})
    return counts


def conversation(session: Session, workspace_id: str, item: Item) -> list[Item]:
    """Every message of the item's thread on that account, oldest first."""
    rows = session.scalars(
        select(InboxItemRow)
        .where(
            InboxItemRow.workspace_id == workspace_id,
            InboxItemRow.account_id == item.account_id,
            InboxItemRow.conversation_id == item.conversation_id,
        )
        .order_by(InboxItemRow.created_at)
    )
    return [to_item(r) for r in rows]
