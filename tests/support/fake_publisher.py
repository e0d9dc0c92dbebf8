"""An in-memory Publisher with scripted failures, for publishing tests.

`fail_next(kind, times)` queues failures consumed by the next publish calls; `flaky` makes
any call fail transiently with that probability. `UNKNOWN_AFTER` stores the post, then
raises UNKNOWN (the platform got it but the answer was lost). `posts` shows what went out.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tandem.publish.ports import (
    AccountRef,
    ErrorKind,
    OutboundPost,
    PublishedRef,
    PublishError,
    RemotePost,
)

UNKNOWN_AFTER = "unknown_after_publishing"


@dataclass
class FakePost:
    account_id: str
    remote: RemotePost
    fingerprint: str


@dataclass
class FakePublisher:
    flaky: float = 0.0
    seed: int = 7
    now: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    posts: list[FakePost] = field(default_factory=list)
    calls: int = 0
    _script: list[tuple[str, str, float | None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def fail_next(
        self,
        kind: ErrorKind | str,
        times: int = 1,
        *,
        message: str = "",
        retry_after: float | None = None,
    ) -> None:
        text = message or f"fake {kind}"
        self._script.extend([(str(kind), text, retry_after)] * times)

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        with self._lock:
            self.calls += 1
            if self._script:
                kind, message, retry_after = self._script.pop(0)
                if kind != UNKNOWN_AFTER:
                    raise PublishError(
                        message, kind=ErrorKind(kind), retry_after=retry_after
                    )
                self._store(account, post)
                raise PublishError(message, kind=ErrorKind.UNKNOWN)
            if self.flaky and self._rng.random() < self.flaky:
                raise PublishError("fake 503", kind=ErrorKind.RETRY, status=503)
            remote = self._store(account, post)
            return PublishedRef(
                remote.platform_post_id, remote.url, remote.published_at
            )

    def _store(self, account: AccountRef, post: OutboundPost) -> RemotePost:
        number = len(self.posts) + 1
        remote = RemotePost(
            f"p{number}", f"https://fake.test/{number}", post.parts[0], self.now
        )
        self.posts.append(FakePost(account.id, remote, post.fingerprint))
        return remote

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]:
        with self._lock:
            return [
                p.remote
                for p in self.posts
                if p.account_id == account.id and p.remote.published_at >= since
            ]

    def delete(self, account: AccountRef, platform_post_id: str) -> None:
        with self._lock:
            self.posts = [
                p for p in self.posts if p.remote.platform_post_id != platform_post_id
            ]

    def fingerprints(self) -> list[str]:
        return [p.fingerprint for p in self.posts]
