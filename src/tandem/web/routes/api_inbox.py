"""REST API: the inbox — list and read conversations, reply (idempotent), change them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from pydantic import BaseModel, Field

from tandem.accounts import Member, Permission
from tandem.core import InvalidInput
from tandem.inbox import actions, queries
from tandem.inbox.model import Item, Note, Reply
from tandem.inbox.replies import begin_reply, replies_of, send_reply
from tandem.inbox.store import item_row, to_item
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.routes import inbox as inbox_pages

router = APIRouter(prefix="/api/v1/workspaces/{ws}/inbox", tags=["inbox"])


@dataclass(frozen=True)
class ItemPage:
    items: list[Item]
    total: int
    total_exact: bool  # False: at least `total` items match (the count stops at 10,000)
    limit: int
    offset: int


@dataclass(frozen=True)
class ItemDetail:
    item: Item
    thread: list[Item]
    notes: list[Note]
    replies: list[Reply]


class ReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=5000)


class ChangeIn(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=500)
    action: str = Field(
        description="status, assign, tag, untag, hide or unhide",
        max_length=16,
    )
    value: str = Field(
        "",
        max_length=200,
        description="status name; user id or role:<role> (empty: unassign); comma-separated tags",
    )


class NoteIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


@router.get(
    "/items", summary="Conversations, most urgent first, with filters and search"
)
def list_items(
    session: SessionDep,
    account: str | None = None,
    platform: str | None = None,
    intent: str | None = None,
    sentiment: str | None = None,
    status: Annotated[
        str | None,
        Query(description="new, open, waiting, closed, or all (default: not closed)"),
    ] = None,
    assignee: Annotated[
        str | None, Query(description="a user id, role:<role>, or none")
    ] = None,
    q: Annotated[str, Query(max_length=200)] = "",
    sort: str = "priority",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    member: Member = Depends(permit(Permission.INBOX_VIEW)),
) -> ItemPage:
    query = queries.ItemQuery(
        account_id=account,
        platform=platform,
        intent=intent,
        polarity=sentiment,
        status=status,
        assignee=assignee,
        q=q,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    ws = member.workspace.id
    count = queries.count_items(session, ws, query)
    return ItemPage(
        queries.find_items(session, ws, query), count.value, count.exact, limit, offset
    )


@router.get(
    "/items/{item_id}",
    summary="One conversation item with its thread, notes and replies",
)
def get_item(
    item_id: str,
    session: SessionDep,
    member: Member = Depends(permit(Permission.INBOX_VIEW)),
) -> ItemDetail:
    ws = member.workspace.id
    item = to_item(item_row(session, ws, item_id))
    return ItemDetail(
        item,
        queries.conversation(session, ws, item),
        actions.notes_of(session, ws, item_id),
        replies_of(session, ws, item_id),
    )


@router.post(
    "/items/{item_id}/replies",
    status_code=201,
    summary="Reply on the platform; the Idempotency-Key makes retries safe",
)
def create_reply(
    item_id: str,
    body: ReplyIn,
    session: SessionDep,
    state: StateDep,
    idempotency_key: Annotated[
        str,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            description="Required: the same key returns the first reply instead of sending again.",
        ),
    ],
    member: Member = Depends(permit(Permission.INBOX_WORK)),
) -> Reply:
    item = to_item(item_row(session, member.workspace.id, item_id))
    inbox_pages.refuse_placeholders(body.text)
    session.commit()  # the reply is recorded in transactions of its own (see replies.py)
    source = inbox_pages.inbox_sources(state)(item.platform)
    if source is None:
        raise InvalidInput(
            f"Tandem cannot reply on {item.platform} through its API.", field="text"
        )
    begun = begin_reply(
        state.database,
        member.workspace.id,
        item_id,
        text=body.text,
        key=idempotency_key,
        user_id=member.user.id,
        now=state.clock.now(),
    )
    if not begun.fresh:
        return begun.reply
    return send_reply(
        state.database,
        begun.reply.id,
        source,
        state.clock,
        account_ref=inbox_pages.account_refs(state),
    )


@router.post("/items/change", summary="One action on one or many items (all or none)")
def change_items(
    body: ChangeIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.INBOX_WORK)),
) -> list[Item]:
    return inbox_pages.apply_action(
        session, state, member, body.ids, body.action, body.value
    )


@router.post("/items/{item_id}/notes", status_code=201, summary="Add an internal note")
def create_note(
    item_id: str,
    body: NoteIn,
    session: SessionDep,
    state: StateDep,
    member: Member = Depends(permit(Permission.INBOX_WORK)),
) -> Note:
    return actions.add_note(
        session,
        member.workspace.id,
        item_id,
        author_id=member.user.id,
        body=body.body,
        now=state.clock.now(),
    )
