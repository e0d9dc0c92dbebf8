"""An in-memory ConversationSource: a platform's inbox with pages, cursors, edits, deletions
and scripted reply failures."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tandem.inbox.ports import Interaction, InteractionKind, InteractionPage
from tandem.publish.ports import AccountRef, ErrorKind, PublishedRef, PublishError


@dataclass
class FakeConversations:
    page_size: int = 50
    messages: list[Interaction] = field(default_factory=list)
    replies: list[tuple[str, str]] = field(default_factory=list)  # (to, text)
    fail_replies: list[ErrorKind] = field(default_factory=list)
    fail_reads: list[ErrorKind] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(
        self,
        text: str,
        *,
        platform_id: str | None = None,
        kind: InteractionKind = InteractionKind.COMMENT,
        author: str = "fan",
        followers: int | None = 100,
        post: str = "",
        at: datetime | None = None,
        conversation: str = "",
        deleted: bool = False,
    ) -> Interaction:
        with self._lock:
            message = Interaction(
                platform_id=platform_id or f"m{len(self.messages) + 1}",
                kind=kind,
                text=text,
                author_handle=author,
                author_name=author.title(),
                created_at=at or datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
                url=f"https://fake.test/{platform_id or len(self.messages) + 1}",
                author_followers=followers,
                post_platform_id=post,
                conversation_id=conversation,
                deleted=deleted,
            )
            self.messages.append(message)
            return message

    def interactions(
        self, account: AccountRef, *, cursor: str | None = None
    ) -> InteractionPage:
        with self._lock:
            if self.fail_reads:
                kind = self.fail_reads.pop(0)
                raise PublishError("The platform is having a moment.", kind=kind)
            start = int(cursor or 0)
            page = self.messages[start : start + self.page_size]
            return InteractionPage(tuple(page), str(start + len(page)))

    def reply(
        self, account: AccountRef, to_platform_id: str, text: str
    ) -> PublishedRef:
        with self._lock:
            if self.fail_replies:
                kind = self.fail_replies.pop(0)
                if kind is ErrorKind.UNKNOWN:
                    self.replies.append((to_platform_id, text))
                raise PublishError(f"Reply failed ({kind.value}).", kind=kind)
            self.replies.append((to_platform_id, text))
            n = len(self.replies)
            return PublishedRef(
                f"r{n}", f"https://fake.test/r{n}", datetime(2026, 11, 2, tzinfo=UTC)
            )
