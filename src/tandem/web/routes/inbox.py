"""Engage: the inbox page — a keyboard-driven queue on the left, the conversation on the right,
new arrivals pushed live over server-sent events."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from anyio import to_thread
from fastapi import APIRouter, Depends, Form, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import (
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission
from tandem.accounts.model import Role
from tandem.accounts.store import memberships_in
from tandem.core import InvalidInput
from tandem.inbox import actions, queries, saved
from tandem.inbox.ingest import AccountRefFor
from tandem.inbox.intent import Intent
from tandem.inbox.model import Item, ReplyState, Status
from tandem.inbox.moderation import (
    ModeratorFor,
    Outcome,
    allowed,
    moderate,
    moderators_from,
    parse_action,
)
from tandem.inbox.replies import begin_reply, replies_of, send_reply
from tandem.inbox.rules_store import rule_history
from tandem.inbox.sentiment import Polarity
from tandem.inbox.sla import sla_state
from tandem.inbox.store import InboxItemRow, item_row, to_item
from tandem.inbox.targets import targets_of
from tandem.inbox.variables import leftover_variables
from tandem.jobs.inbox import SourceFor, credentialed_ref, sources_from
from tandem.jobs.publishing import credential_access, publishers_for
from tandem.publish import store as posts
from tandem.publish.store import PublishedPostRow
from tandem.web.deps import SessionDep, StateDep, permit
from tandem.web.render import page
from tandem.web.state import AppState

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
STREAM_SECONDS = 25.0
STREAM_POLL = 1.0
_SOURCES: dict[int, tuple[SourceFor, ModeratorFor]] = {}


def _connectors(state: AppState) -> tuple[SourceFor, ModeratorFor]:
    """One connector set per running app (connectors hold connection pools)."""
    key = id(state.settings)
    if key not in _SOURCES:
        publishers = publishers_for(state.settings)
        _SOURCES[key] = (sources_from(publishers), moderators_from(publishers))
    return _SOURCES[key]


def inbox_sources(state: AppState) -> SourceFor:
    return _connectors(state)[0]


def inbox_moderators(state: AppState) -> ModeratorFor:
    return _connectors(state)[1]


def account_refs(state: AppState) -> AccountRefFor:
    """Account refs carrying the account's decrypted credentials, as the worker uses."""
    return credentialed_ref(credential_access(state.settings))


@dataclass(frozen=True)
class Filters:
    account: str = ""
    platform: str = ""
    intent: str = ""
    sentiment: str = ""
    status: str = ""
    assignee: str = ""
    q: str = ""
    sort: str = "priority"

    def query(self, member: Member, page_number: int) -> queries.ItemQuery:
        assignee = self.assignee
        if assignee == "me":
            assignee = member.user.id
        return queries.ItemQuery(
            account_id=self.account or None,
            platform=self.platform or None,
            intent=self.intent or None,
            polarity=self.sentiment or None,
            status=self.status or None,
            assignee=assignee or None,
            q=self.q,
            sort=self.sort,
            limit=PAGE_SIZE,
            offset=(max(1, page_number) - 1) * PAGE_SIZE,
        )

    def as_query_string(self) -> str:
        return urlencode({k: v for k, v in self.__dict__.items() if v})


def _detail(
    session: Session, member: Member, item_id: str, moderators: ModeratorFor | None
) -> dict[str, Any]:
    item = to_item(item_row(session, member.workspace.id, item_id))
    post = (
        session.get(PublishedPostRow, item.published_post_id)
        if item.published_post_id
        else None
    )
    return {
        "item": item,
        "thread": queries.conversation(session, member.workspace.id, item),
        "notes": actions.notes_of(session, member.workspace.id, item.id),
        "replies": replies_of(session, member.workspace.id, item.id),
        "rule_runs": rule_history(session, member.workspace.id, item.id),
        "post": {"url": post.url, "text": post.text} if post else None,
        "reply_key": secrets.token_urlsafe(12),
        # What the platform lets Tandem do to it there: hide, unhide, delete.
        "moderation": (
            sorted(m.value for m in allowed(moderators, item.platform))
            if moderators
            else []
        ),
    }


def inbox_data(
    session: Session,
    member: Member,
    filters: Filters,
    page_number: int,
    selected: str | None,
    now: datetime,
    moderators: ModeratorFor | None = None,
) -> dict[str, Any]:
    ws = member.workspace
    query = filters.query(member, page_number)
    items = queries.find_items(session, ws.id, query)
    total = queries.count_items(session, ws.id, query)
    accounts = posts.accounts_in(session, ws.id)
    chosen = selected or (items[0].id if items else None)
    targets = targets_of(session, ws.id)
    latest = session.scalar(
        select(func.max(InboxItemRow.received_at)).where(
            InboxItemRow.workspace_id == ws.id
        )
    )
    return {
        "items": items,
        "sla": {i.id: sla_state(i, targets, now) for i in items},
        "total": total,
        "page": max(1, page_number),
        "pages": max(1, -(-total.value // PAGE_SIZE)),
        "counts": queries.status_counts(session, ws.id),
        "filters": filters,
        "accounts": accounts,
        "handles": {a.id: a.handle for a in accounts},
        "platforms": sorted({a.platform for a in accounts}),
        "members": [
            {"id": m.user.id, "name": m.user.name or m.user.email}
            for m in memberships_in(session, ws.id)
        ],
        "roles": [r.value for r in Role],
        "intents": [i.value for i in Intent],
        "polarities": [p.value for p in Polarity],
        "statuses": [s.value for s in Status],
        "detail": _detail(session, member, chosen, moderators) if chosen else None,
        "suggestions_partial": "inbox/_suggestions.html",
        "since": latest.isoformat() if latest else "",
    }


@router.get("/w/{ws}/inbox")
def inbox_page(
    request: Request,
    session: SessionDep,
    state: StateDep,
    account: str = "",
    platform: str = "",
    intent: str = "",
    sentiment: str = "",
    status: str = "",
    assignee: str = "",
    q: str = "",
    sort: str = "priority",
    page_number: int = 1,
    item: str | None = None,
    notice: str = "",
    member: Member = Depends(permit(Permission.INBOX_VIEW)),
) -> Response:
    filters = Filters(account, platform, intent, sentiment, status, assignee, q, sort)
    data = inbox_data(
        session,
        member,
        filters,
        page_number,
        item,
        state.clock.now(),
        inbox_moderators(state),
    )
    data["notice"] = notice
    template = (
        "inbox/_list.html"
        if request.headers.get("hx-target") == "queue"
        else "inbox/index.html"
    )
    return page(request, template, data, member=member, title="Inbox")


async def _new_since(
    state: AppState, workspace_id: str, since: datetime | None
) -> list[Item]:
    def query() -> list[Item]:
        with state.database.session() as s:
            stmt = select(InboxItemRow).where(
                InboxItemRow.workspace_id == workspace_id,
                InboxItemRow.deleted_at.is_(None),
                InboxItemRow.hidden.is_(False),
            )
            if since is not None:
                stmt = stmt.where(InboxItemRow.received_at > since)
            rows = s.scalars(stmt.order_by(InboxItemRow.received_at).limit(100))
            return [to_item(r) for r in rows]

    return await to_thread.run_sync(query)


@router.get("/w/{ws}/inbox/events")
async def inbox_events(
    request: Request,
    session: SessionDep,
    state: StateDep,
    since: str = "",
    wait: float = STREAM_SECONDS,
    member: Member = Depends(permit(Permission.INBOX_VIEW)),
) -> Response:
    """Server-sent events: `arrived` with each new item's id, intent and text. The stream
    ends after `wait` seconds; the browser's EventSource reconnects with Last-Event-ID."""
    cursor_text = request.headers.get("last-event-id") or since
    try:
        cursor = datetime.fromisoformat(cursor_text) if cursor_text else None
    except ValueError:
        raise InvalidInput("since must be an ISO 8601 time.", field="since") from None
    workspace_id = member.workspace.id
    deadline = min(max(wait, 0.0), STREAM_SECONDS)
    # The stream reads in short transactions of its own; the access check's is done.
    session.commit()
    if "text/event-stream" not in request.headers.get("accept", ""):
        # Not an EventSource: answer at once with what arrived since `since` (API polling).
        arrived = await _new_since(state, workspace_id, cursor)
        return JSONResponse(jsonable_encoder({"items": arrived}))

    async def stream() -> AsyncIterator[str]:
        nonlocal cursor
        yield "retry: 3000\n\n"
        waited = 0.0
        while True:
            for item in await _new_since(state, workspace_id, cursor):
                cursor = item.received_at
                payload = {
                    "id": item.id,
                    "intent": item.intent,
                    "priority": item.priority,
                    "author": item.author_handle,
                    "text": item.text[:200],
                }
                yield (
                    f"id: {item.received_at.isoformat()}\nevent: arrived\n"
                    f"data: {json.dumps(payload)}\n\n"
                )
            if waited >= deadline or await request.is_disconnected():
                return
            await asyncio.sleep(STREAM_POLL)
            waited += STREAM_POLL

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _back(
    member: Member, item_id: str | None, notice: str = "", query: str = ""
) -> Response:
    target = f"/w/{member.workspace.slug}/inbox?{query}"
    if item_id:
        target += f"&item={item_id}"
    if notice:
        target += f"&notice={notice}"
    return RedirectResponse(target, status_code=303)


@router.post("/w/{ws}/inbox/items/{item_id}/reply")
def reply(
    item_id: str,
    session: SessionDep,
    state: StateDep,
    text: Annotated[str, Form()] = "",
    key: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
    saved_reply: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.INBOX_WORK)),
) -> Response:
    item = to_item(item_row(session, member.workspace.id, item_id))
    refuse_placeholders(text)
    # The reply is recorded and committed before the platform call, in transactions of its
    # own: end the request's transaction so they do not wait on its lock.
    session.commit()
    source = inbox_sources(state)(item.platform)
    if source is None:
        raise InvalidInput(
            f"Tandem cannot reply on {item.platform} through its API; answer there.",
            field="text",
        )
    begun = begin_reply(
        state.database,
        member.workspace.id,
        item_id,
        text=text,
        key=key,
        user_id=member.user.id,
        now=state.clock.now(),
    )
    if not begun.fresh:
        return _back(member, item_id, "reply-already-sent", back)
    sent = send_reply(
        state.database,
        begun.reply.id,
        source,
        state.clock,
        account_ref=account_refs(state),
    )
    if saved_reply and sent.state is ReplyState.SENT:
        with state.database.session() as s:
            saved.record_use(s, member.workspace.id, saved_reply, now=state.clock.now())
    return _back(member, item_id, f"reply-{sent.state.value}", back)


def moderate_items(
    state: AppState, member: Member, ids: list[str], action: str
) -> list[Outcome]:
    return moderate(
        state.database,
        member.workspace.id,
        ids,
        parse_action(action),
        inbox_moderators(state),
        state.clock,
        actor=member.user,
        account_ref=account_refs(state),
    )


def moderation_notice(
    member: Member, outcomes: list[Outcome], current: str | None, back: str
) -> Response:
    done = sum(1 for o in outcomes if o.done)
    if len(outcomes) == 1:
        message = outcomes[0].message
    else:
        message = f"{done} of {len(outcomes)} done on the platform."
        if done < len(outcomes):
            message += " The others are hidden in Tandem only: open one to see why."
    item = current or (outcomes[0].item_id if len(outcomes) == 1 else None)
    return _back(member, item, "moderation&" + urlencode({"message": message}), back)


def refuse_placeholders(text: str) -> None:
    """A reply never goes out with "{first_name}" in it (e.g. pasted from a saved reply)."""
    left = leftover_variables(text)
    if left:
        names = ", ".join("{" + name + "}" for name in left)
        raise InvalidInput(
            f"The reply still contains {names}: replace it with the real value.",
            field="text",
        )


@router.post("/w/{ws}/inbox/items/{item_id}/note")
def note(
    item_id: str,
    session: SessionDep,
    state: StateDep,
    body: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.INBOX_WORK)),
) -> Response:
    actions.add_note(
        session,
        member.workspace.id,
        item_id,
        author_id=member.user.id,
        body=body,
        now=state.clock.now(),
    )
    return _back(member, item_id, "note-added", back)


@router.post("/w/{ws}/inbox/bulk")
def bulk(
    session: SessionDep,
    state: StateDep,
    ids: Annotated[list[str], Form()],
    action: Annotated[str, Form()],
    value: Annotated[str, Form()] = "",
    back: Annotated[str, Form()] = "",
    current: Annotated[str, Form()] = "",
    member: Member = Depends(permit(Permission.INBOX_WORK)),
) -> Response:
    """One action on one or many items: status, assign, tag, untag, hide, unhide; or hide
    or delete on the platform (platform_hide, platform_delete)."""
    if action.startswith("platform_"):
        session.commit()  # one platform call per item, each in transactions of its own
        outcomes = moderate_items(state, member, ids, action.removeprefix("platform_"))
        return moderation_notice(member, outcomes, current or None, back)
    apply_action(session, state, member, ids, action, value)
    return _back(
        member, current or (ids[0] if len(ids) == 1 else None), f"done-{action}", back
    )


def apply_action(
    session: Session,
    state: AppState,
    member: Member,
    ids: list[str],
    action: str,
    value: str,
) -> list[Item]:
    ws = member.workspace.id
    if action == "status":
        return actions.set_status(session, ws, ids, value, now=state.clock.now())
    if action == "assign":
        if value.startswith("role:"):
            return actions.assign(session, ws, ids, role=value.removeprefix("role:"))
        return actions.assign(session, ws, ids, user_id=value or None)
    if action == "tag":
        return actions.tag(
            session, ws, ids, add=[t for t in value.split(",") if t.strip()]
        )
    if action == "untag":
        return actions.tag(
            session, ws, ids, remove=[t for t in value.split(",") if t.strip()]
        )
    if action in ("hide", "unhide"):
        return actions.hide(session, ws, ids, hidden=action == "hide")
    raise InvalidInput(
        "action must be one of status, assign, tag, untag, hide, unhide.",
        field="action",
    )
