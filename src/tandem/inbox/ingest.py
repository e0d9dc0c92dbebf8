"""Ingestion: pull each account's new comments, mentions and messages into the inbox.

Idempotent by (account, platform id): a message seen twice updates one row. Edits update the
text (and its triage) and keep the workflow state; deletions mark the item deleted (it stays
for the record but leaves the queue). Triage runs on arrival. The cursor moves only after the
page is stored, in the same transaction, so a crash re-reads a page instead of skipping it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tandem.core import Clock, new_id
from tandem.inbox.model import Status
from tandem.inbox.ports import ConversationSource, Interaction
from tandem.inbox.rules_apply import apply_rules
from tandem.inbox.store import InboxCursorRow, InboxItemRow
from tandem.inbox.triage import triage
from tandem.publish.ports import AccountRef, PublishError
from tandem.publish.store import PublishedPostRow, SocialAccountRow
from tandem.storage import Database

log = logging.getLogger(__name__)

AccountRefFor = Callable[[Session, SocialAccountRow], AccountRef]


def plain_ref(_session: Session, row: SocialAccountRow) -> AccountRef:
    return AccountRef(row.id, row.platform, row.handle)


@dataclass(frozen=True)
class IngestResult:
    account_id: str
    new: int = 0
    edited: int = 0
    deleted: int = 0
    error: str = ""
    new_ids: tuple[str, ...] = ()


def _triage_values(message: Interaction) -> dict[str, Any]:
    result = triage(message.text, author_followers=message.author_followers)
    return {
        "sentiment": result.sentiment,
        "polarity": result.polarity.value,
        "intent": result.intent.value,
        "language": result.language,
        "priority": result.priority,
        "sarcastic": result.sarcastic,
    }


def _insert_new(
    session: Session,
    account: SocialAccountRow,
    message: Interaction,
    now: datetime,
    post_ids: dict[str, str],
) -> str | None:
    """Insert unless another poller got there first; returns the new id or None."""
    item_id = new_id()
    values = {
        "id": item_id,
        "workspace_id": account.workspace_id,
        "account_id": account.id,
        "platform": account.platform,
        "platform_id": message.platform_id,
        "kind": message.kind.value,
        "text": message.text,
        "author_handle": message.author_handle,
        "author_name": message.author_name or message.author_handle,
        "author_followers": message.author_followers,
        "url": message.url,
        "created_at": message.created_at,
        "received_at": now,
        "conversation_id": message.conversation_id or message.platform_id,
        "in_reply_to": message.in_reply_to,
        "post_platform_id": message.post_platform_id,
        "published_post_id": post_ids.get(message.post_platform_id),
        "status": Status.NEW.value,
        "tags": {"tags": []},
        "hidden": False,
        "edited_at": message.edited_at,
        **_triage_values(message),
    }
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
        InboxItemRow
    )
    statement = (
        insert.values(**values)
        .on_conflict_do_nothing(index_elements=["account_id", "platform_id"])
        .returning(InboxItemRow.id)
    )
    return session.scalar(statement)


def store_page(
    session: Session,
    account: SocialAccountRow,
    messages: list[Interaction],
    now: datetime,
) -> IngestResult:
    ids = [m.platform_id for m in messages]
    existing = {
        row.platform_id: row
        for row in session.scalars(
            select(InboxItemRow).where(
                InboxItemRow.account_id == account.id,
                InboxItemRow.platform_id.in_(ids),
            )
        )
    }
    post_ids = dict(
        session.execute(
            select(PublishedPostRow.platform_post_id, PublishedPostRow.id).where(
                PublishedPostRow.account_id == account.id,
                PublishedPostRow.platform_post_id.in_(
                    {m.post_platform_id for m in messages if m.post_platform_id}
                ),
            )
        ).all()
    )
    new_ids: list[str] = []
    edited = deleted = 0
    for message in messages:
        row = existing.get(message.platform_id)
        if row is None:
            if message.deleted:
                continue  # appeared and vanished between two polls
            created = _insert_new(session, account, message, now, post_ids)
            if created:
                new_ids.append(created)
            continue
        if message.deleted and row.deleted_at is None:
            row.deleted_at = now
            deleted += 1
        elif not message.deleted and message.text != row.text:
            row.text = message.text
            row.edited_at = message.edited_at or now
            for key, value in _triage_values(message).items():
                setattr(row, key, value)
            edited += 1
    apply_rules(session, account.workspace_id, new_ids, now=now)  # same transaction
    return IngestResult(
        account.id, len(new_ids), edited, deleted, new_ids=tuple(new_ids)
    )


def ingest_account(
    db: Database,
    account_id: str,
    source: ConversationSource,
    clock: Clock,
    *,
    account_ref: AccountRefFor = plain_ref,
    max_pages: int = 10,
) -> IngestResult:
    """Read everything new for one account (up to `max_pages` pages per run)."""
    total = IngestResult(account_id)
    for _ in range(max_pages):
        with db.session() as s:
            account = s.get(SocialAccountRow, account_id)
            if account is None:
                return total
            cursor_row = s.get(InboxCursorRow, account_id)
            cursor = cursor_row.cursor if cursor_row else None
            ref = account_ref(s, account)
        try:
            page = source.interactions(ref, cursor=cursor)
        except PublishError as exc:
            with db.session() as s:
                _save_cursor(s, account_id, cursor, clock.now(), exc.message)
            log.warning("inbox poll failed", extra={"account": account_id})
            return IngestResult(
                account_id,
                total.new,
                total.edited,
                total.deleted,
                exc.message,
                total.new_ids,
            )
        with db.session() as s:
            account = s.get(SocialAccountRow, account_id)
            if account is None:
                return total
            got = store_page(s, account, list(page.items), clock.now())
            _save_cursor(s, account_id, page.cursor or cursor, clock.now(), "")
        total = IngestResult(
            account_id,
            total.new + got.new,
            total.edited + got.edited,
            total.deleted + got.deleted,
            "",
            total.new_ids + got.new_ids,
        )
        if not page.items or page.cursor in (None, cursor):
            break
    return total


def _save_cursor(
    session: Session, account_id: str, cursor: str | None, now: datetime, error: str
) -> None:
    row = session.get(InboxCursorRow, account_id)
    if row is None:
        session.add(
            InboxCursorRow(
                account_id=account_id, cursor=cursor, polled_at=now, error=error
            )
        )
    else:
        row.cursor, row.polled_at, row.error = cursor, now, error
