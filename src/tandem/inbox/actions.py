"""Working the queue: assign, move through statuses, tag, note, hide — one item or many.

Every change is one transaction; bulk actions apply to all the chosen items or none (an item
from another workspace makes the whole request fail with NotFound).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.accounts.model import Role
from tandem.accounts.store import MembershipRow
from tandem.core import InvalidInput, new_id
from tandem.inbox.model import Item, Note, Status
from tandem.inbox.store import (
    InboxItemRow,
    InboxNoteRow,
    item_row,
    tags_of,
    to_item,
    to_note,
)

MAX_TAG = 40
MAX_NOTE = 5000


def _rows(
    session: Session, workspace_id: str, ids: Sequence[str]
) -> list[InboxItemRow]:
    if not ids:
        raise InvalidInput("Choose at least one conversation.", field="ids")
    return [item_row(session, workspace_id, i) for i in dict.fromkeys(ids)]


def set_status(
    session: Session,
    workspace_id: str,
    ids: Sequence[str],
    status: str,
    *,
    now: datetime,
) -> list[Item]:
    try:
        target = Status(status)
    except ValueError:
        raise InvalidInput(
            f"status must be one of {', '.join(s.value for s in Status)}.",
            field="status",
        ) from None
    rows = _rows(session, workspace_id, ids)
    for row in rows:
        row.status = target
        row.closed_at = now if target is Status.CLOSED else None
    return [to_item(r) for r in rows]


def assign(
    session: Session,
    workspace_id: str,
    ids: Sequence[str],
    *,
    user_id: str | None = None,
    role: str | None = None,
) -> list[Item]:
    """Assign to a member of this workspace, or to everyone with a role; neither: unassign."""
    if user_id and role:
        raise InvalidInput(
            "Assign to a person or to a role, not both.", field="assignee"
        )
    if user_id:
        member = session.scalar(
            select(MembershipRow).where(
                MembershipRow.workspace_id == workspace_id,
                MembershipRow.user_id == user_id,
            )
        )
        if member is None:
            raise InvalidInput(
                "That person is not a member of this workspace.", field="assignee"
            )
    if role:
        try:
            Role(role)
        except ValueError:
            raise InvalidInput(
                f"role must be one of {', '.join(r.value for r in Role)}.",
                field="assignee",
            ) from None
    rows = _rows(session, workspace_id, ids)
    for row in rows:
        row.assignee_id, row.assignee_role = user_id or None, role or None
        if row.status == Status.NEW and (user_id or role):
            row.status = Status.OPEN
    return [to_item(r) for r in rows]


def _clean_tag(tag: str) -> str:
    cleaned = " ".join(tag.strip().lower().split())
    if not cleaned or len(cleaned) > MAX_TAG:
        raise InvalidInput(f"A tag has 1 to {MAX_TAG} characters.", field="tag")
    return cleaned


def tag(
    session: Session,
    workspace_id: str,
    ids: Sequence[str],
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
) -> list[Item]:
    adding = [_clean_tag(t) for t in add]
    removing = {_clean_tag(t) for t in remove}
    rows = _rows(session, workspace_id, ids)
    for row in rows:
        current = [t for t in tags_of(row) if t not in removing]
        row.tags = {"tags": list(dict.fromkeys([*current, *adding]))}
    return [to_item(r) for r in rows]


def hide(
    session: Session, workspace_id: str, ids: Sequence[str], *, hidden: bool = True
) -> list[Item]:
    """Hide from the queue (spam). Hiding on the platform is the connector's job, when its
    API allows it; this is Tandem's side."""
    rows = _rows(session, workspace_id, ids)
    for row in rows:
        row.hidden = hidden
    return [to_item(r) for r in rows]


def add_note(
    session: Session,
    workspace_id: str,
    item_id: str,
    *,
    author_id: str,
    body: str,
    now: datetime,
) -> Note:
    text = body.strip()
    if not text:
        raise InvalidInput("Write something in the note.", field="body")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"A note has at most {MAX_NOTE} characters.", field="body")
    item_row(session, workspace_id, item_id)
    row = InboxNoteRow(
        id=new_id(), item_id=item_id, author_id=author_id, body=text, created_at=now
    )
    session.add(row)
    session.flush()
    return to_note(row)


def notes_of(session: Session, workspace_id: str, item_id: str) -> list[Note]:
    item_row(session, workspace_id, item_id)
    rows = session.scalars(
        select(InboxNoteRow)
        .where(InboxNoteRow.item_id == item_id)
        .order_by(InboxNoteRow.created_at)
    )
    return [to_note(r) for r in rows]
