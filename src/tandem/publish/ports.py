"""What publishing needs from a platform connector. Connectors implement these Protocols;
`tandem.connectors.registry` maps a platform name to its connector.

Errors: a connector raises `PublishError` with `kind` saying what the worker should do and
`message` in the platform's own words for the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol


class ErrorKind(StrEnum):
    RETRY = (
        "retry"  # transient: 5xx, rate limit, network before sending; try again later
    )
    RECONNECT = "reconnect"  # credentials expired or revoked: the user must reconnect the account
    PERMANENT = (
        "permanent"  # the platform refused this post (validation, duplicate, policy)
    )
    UNKNOWN = "unknown"  # sent, but no answer (timeout after sending): reconcile before retrying


class PublishError(Exception):
    def __init__(
        self,
        message: str,
        *,
        kind: ErrorKind,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.retry_after = retry_after
        self.status = status


@dataclass(frozen=True)
class AccountRef:
    """The connected account a call acts for (credentials are resolved by the connector)."""

    id: str
    platform: str
    handle: str
    credentials: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OutboundPost:
    """One post to send. `parts` has one element, or several for a thread."""

    parts: tuple[str, ...]
    fingerprint: (
        str  # stable content hash, used to find the post again after an unknown outcome
    )
    media_paths: tuple[str, ...] = ()
    first_comment: str = ""


@dataclass(frozen=True)
class PublishedRef:
    platform_post_id: str
    url: str
    published_at: datetime


@dataclass(frozen=True)
class RemotePost:
    platform_post_id: str
    url: str
    text: str
    published_at: datetime


class Publisher(Protocol):
    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef: ...

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]: ...

    def delete(self, account: AccountRef, platform_post_id: str) -> None: ...
