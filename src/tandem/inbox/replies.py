"""Replying through the connector, exactly once per click.

`begin_reply` records the reply with the caller's key (state "sending") and commits before
any platform call; the same key again returns that row, so a double click or an API retry
cannot send twice. `send_reply` makes the one call and records what happened: sent (the
item gets its first-response time and moves to "waiting"), failed with the platform's
words, or unknown (the answer was lost after sending: the user checks the platform; Tandem
never re-sends on its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.core import Clock, InvalidInput, new_id
from tandem.inbox.ingest import AccountRefFor, plain_ref
from tandem.inbox.model import Reply, ReplyState, Status
from tandem.inbox.ports import ConversationSource
from tandem.inbox.store import InboxItemRow, InboxReplyRow, item_row, to_reply
from tandem.publish.ports import ErrorKind, PublishError
from tandem.publish.store import SocialAccountRow
from tandem.storage import Database

MAX_REPLY = 5000
MAX_KEY = 200


@dataclass(frozen=True)
class Begun:
    reply: Reply
    fresh: bool  # False: this key was seen before; nothing will be sent again


def begin_reply(
    db: Database,
    workspace_id: str,
    item_id: str,
    *,
    text: str,
    key: str,
    user_id: str,
    now: datetime,
) -> Begun:
    body = text.strip()
    if not body:
        raise InvalidInput("Write the reply first.", field="text")
    if len(body) > MAX_REPLY:
        raise InvalidInput(f"A reply has at most {MAX_REPLY} characters.", field="text")
    if not key or len(key) > MAX_KEY:
        raise InvalidInput(
            f"Send an idempotency key of 1 to {MAX_KEY} characters.", field="key"
        )
    with db.session() as s:
        item = item_row(s, workspace_id, item_id)
        if item.deleted_at is not None:
            raise InvalidInput(
                "This message was deleted on the platform; it cannot be answered.",
                field="text",
            )
        seen = s.scalar(
            select(InboxReplyRow).where(
                InboxReplyRow.item_id == item_id, InboxReplyRow.key == key
            )
        )
        if seen is not None:
            return Begun(to_reply(seen), fresh=False)
        row = InboxReplyRow(
            id=new_id(),
            item_id=item_id,
            key=key,
            text=body,
            state=ReplyState.SENDING,
            sent_by=user_id,
            created_at=now,
        )
        s.add(row)
        s.flush()
        return Begun(to_reply(row), fresh=True)


def send_reply(
    db: Database,
    reply_id: str,
    source: ConversationSource,
    clock: Clock,
    *,
    account_ref: AccountRefFor = plain_ref,
) -> Reply:
    with db.session() as s:
        reply = s.get(InboxReplyRow, reply_id)
        if reply is None or reply.state != ReplyState.SENDING:
            raise InvalidInput("This reply is not waiting to be sent.", field="reply")
        item = s.get(InboxItemRow, reply.item_id)
        assert item is not None  # cascades with the reply
        account = s.get(SocialAccountRow, item.account_id)
        assert account is not None
        ref = account_ref(s, account)
        target, text = item.platform_id, reply.text
    values: dict[str, object]
    try:
        sent = source.reply(ref, target, text)
    except PublishError as exc:
        state = (
            ReplyState.UNKNOWN if exc.kind is ErrorKind.UNKNOWN else ReplyState.FAILED
        )
        values = {"state": state, "error": exc.message[:2000]}
    else:
        values = {
            "state": ReplyState.SENT,
            "platform_post_id": sent.platform_post_id,
            "url": sent.url,
            "sent_at": clock.now(),
            "error": "",
        }
    with db.session() as s:
        reply = s.get(InboxReplyRow, reply_id)
        assert reply is not None
        for key, value in values.items():
            setattr(reply, key, value)
        if values["state"] == ReplyState.SENT:
            item = s.get(InboxItemRow, reply.item_id)
            assert item is not None
            if item.first_response_at is None:
                item.first_response_at = clock.now()
            if item.status in (Status.NEW, Status.OPEN):
                item.status = Status.WAITING
        s.flush()
        return to_reply(reply)


def replies_of(session: Session, workspace_id: str, item_id: str) -> list[Reply]:
    item_row(session, workspace_id, item_id)
    rows = session.scalars(
        select(InboxReplyRow)
        .where(InboxReplyRow.item_id == item_id)
        .order_by(InboxReplyRow.created_at, InboxReplyRow.id)
    )
    return [to_reply(r) for r in rows]
