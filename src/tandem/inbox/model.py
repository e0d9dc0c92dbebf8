"""The inbox's vocabulary: items, their workflow status, and what leaves this capability."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Status(StrEnum):
    NEW = "new"  # nobody has looked at it
    OPEN = "open"  # someone is on it
    WAITING = "waiting"  # we answered or asked; waiting for the author
    CLOSED = "closed"


class ReplyState(StrEnum):
    SENDING = "sending"  # recorded before the platform call: a retry finds it
    SENT = "sent"
    FAILED = "failed"
    UNKNOWN = "unknown"  # sent, no answer: never resent blindly


@dataclass(frozen=True)
class Item:
    id: str
    workspace_id: str
    account_id: str
    platform: str
    platform_id: str
    kind: str
    text: str
    author_handle: str
    author_name: str
    author_followers: int | None
    url: str
    created_at: datetime
    received_at: datetime
    conversation_id: str
    in_reply_to: str
    post_platform_id: str
    published_post_id: str | None
    sentiment: float
    polarity: str
    intent: str
    language: str
    priority: float
    sarcastic: bool
    status: Status
    assignee_id: str | None
    assignee_role: str | None
    tags: tuple[str, ...]
    hidden: bool
    edited_at: datetime | None
    deleted_at: datetime | None
    first_response_at: datetime | None
    closed_at: datetime | None
    platform_state: str = ""  # "" | "hidden" | "deleted" on the platform, by Tandem


@dataclass(frozen=True)
class Note:
    id: str
    item_id: str
    author_id: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class Reply:
    id: str
    item_id: str
    text: str
    state: ReplyState
    sent_by: str
    created_at: datetime
    platform_post_id: str
    url: str
    error: str
