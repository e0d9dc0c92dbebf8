"""Idempotency keys for API writes: a retried request returns the first answer, once.

The first request with a key in a workspace stores the request's fingerprint and the
response, in the same transaction as whatever the request created, so a failed request
leaves no key. A retry with the same key and the same request gets the stored response; the
same key with another request is a conflict. Two concurrent requests with one key race on
the unique (workspace_id, key): the loser waits for the winner's commit, then replays it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.core import Conflict, new_id
from tandem.storage import Base, UTCDateTime

KEY_FIELD = "Idempotency-Key"
MAX_KEY_LENGTH = 200


class IdempotencyKeyRow(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE")
    )
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH))
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of the request body
    response_status: Mapped[int] = mapped_column()
    response_body: Mapped[str] = mapped_column(Text)  # the exact bytes sent, as text
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: str  # JSON text
    replayed: bool


def request_fingerprint(body: Mapping[str, Any]) -> str:
    """sha256 of the request's JSON body, canonical (sorted keys, no spaces)."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _stored(session: Session, workspace_id: str, key: str) -> IdempotencyKeyRow | None:
    return session.scalar(
        select(IdempotencyKeyRow).where(
            IdempotencyKeyRow.workspace_id == workspace_id,
            IdempotencyKeyRow.key == key,
        )
    )


def _replay(row: IdempotencyKeyRow, fingerprint: str) -> StoredResponse:
    if row.fingerprint != fingerprint:
        raise Conflict(
            "This Idempotency-Key was used with a different request; "
            "send a new key for a new request.",
            field=KEY_FIELD,
        )
    return StoredResponse(row.response_status, row.response_body, replayed=True)


def run_once(
    session: Session,
    *,
    workspace_id: str,
    key: str,
    fingerprint: str,
    now: datetime,
    produce: Callable[[], tuple[int, str]],
) -> StoredResponse:
    """The stored response for (workspace, key), or `produce()`'s, stored with the key.

    The key row is inserted first, in a savepoint, so a concurrent twin fails on the unique
    constraint before it creates anything (on PostgreSQL it waits for the winner's commit; on
    SQLite writers are serialised at BEGIN). Any exception from `produce` propagates and the
    request's transaction rolls back, key included.
    """
    existing = _stored(session, workspace_id, key)
    if existing is not None:
        return _replay(existing, fingerprint)
    row = IdempotencyKeyRow(
        id=new_id(),
        workspace_id=workspace_id,
        key=key,
        fingerprint=fingerprint,
        response_status=0,
        response_body="",
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        winner = _stored(session, workspace_id, key)
        if winner is None:  # the winner rolled back between our insert and this read
            raise Conflict(
                "Another request with this Idempotency-Key is in progress; retry shortly.",
                field=KEY_FIELD,
            ) from None
        return _replay(winner, fingerprint)
    status, body = produce()
    row.response_status, row.response_body = status, body
    session.flush()
    return StoredResponse(status, body, replayed=False)
