"""What the inbox needs from a platform connector: conversations in, replies out.

Connectors implement `ConversationSource` where the platform's API allows it (each connector's
docs/connectors page says which kinds it can read), and `Moderator` where the platform lets an
account hide or delete what others wrote under its posts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from tandem.publish.ports import AccountRef, PublishedRef


class InteractionKind(StrEnum):
    COMMENT = "comment"  # a comment or reply under one of the account's posts
    MENTION = "mention"  # a post elsewhere naming the account
    QUOTE = "quote"  # a quote-post of one of the account's posts
    MESSAGE = "message"  # a direct message


@dataclass(frozen=True)
class Interaction:
    platform_id: str  # unique per platform; the dedup key
    kind: InteractionKind
    text: str
    author_handle: str
    author_name: str
    created_at: datetime
    url: str = ""
    author_followers: int | None = None
    # The account's own post this belongs to (platform post id), when there is one.
    post_platform_id: str = ""
    # What it answers (platform id of the parent post/comment), and the thread it is part of.
    in_reply_to: str = ""
    conversation_id: str = ""
    edited_at: datetime | None = None
    deleted: bool = False


@dataclass(frozen=True)
class InteractionPage:
    items: Sequence[Interaction]
    # Opaque; pass back to get only what is newer. None: the platform gave no cursor.
    cursor: str | None


class ConversationSource(Protocol):
    def interactions(
        self, account: AccountRef, *, cursor: str | None = None
    ) -> InteractionPage: ...

    def reply(
        self, account: AccountRef, to_platform_id: str, text: str
    ) -> PublishedRef: ...


class Moderation(StrEnum):
    HIDE = "hide"  # hidden from the public on the platform; reversible
    UNHIDE = "unhide"
    DELETE = "delete"  # removed on the platform for good


class Moderator(Protocol):
    """Hiding or deleting a comment under one of the account's posts, on the platform."""

    # What this platform's API allows (empty: nothing; Tandem then hides in Tandem only).
    moderation: frozenset[Moderation]

    def moderate(
        self, account: AccountRef, platform_id: str, action: Moderation
    ) -> None: ...
