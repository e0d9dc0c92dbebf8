"""What publishing needs from a platform connector. Connectors implement these Protocols;
`tandem.connectors.registry` maps a platform name to its connector.

Errors: a connector raises `PublishError` with `kind` saying what the worker should do and
`message` in the platform's own words for the user.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    """Every connector implements this. `publish` sends `post.parts` as one post or a thread
    (each part replying to the previous), with `post.media_paths` attached to the first part
    and `post.first_comment` as a reply to it; it returns the first part's reference."""

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef: ...

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]: ...

    def delete(self, account: AccountRef, platform_post_id: str) -> None: ...


PublisherFor = Callable[[str], Publisher]  # platform name -> its connector


# --- metrics (pulled by connectors for Measure / social analytics) -----------------------


@dataclass(frozen=True)
class PostMetrics:
    """A post's cumulative public metrics at `at`; a platform that does not report a metric
    leaves it None (never 0, which would be a claim)."""

    platform_post_id: str
    at: datetime
    impressions: int | None = None
    reach: int | None = None
    likes: int | None = None
    comments: int | None = None
    shares: int | None = None
    saves: int | None = None
    clicks: int | None = None


@dataclass(frozen=True)
class AccountMetrics:
    at: datetime
    followers: int | None = None
    following: int | None = None
    posts: int | None = None


class MetricsSource(Protocol):
    def post_metrics(
        self, account: AccountRef, platform_post_ids: Sequence[str]
    ) -> Sequence[PostMetrics]: ...

    def account_metrics(self, account: AccountRef) -> AccountMetrics: ...


# --- connecting accounts ------------------------------------------------------------------


@dataclass(frozen=True)
class OAuthApp:
    """The user's own app registration on a platform (they bring their own credentials).

    `base_url` is the instance for Mastodon (https://mastodon.social), empty elsewhere.
    """

    client_id: str
    client_secret: str
    redirect_uri: str
    base_url: str = ""


@dataclass(frozen=True)
class TokenSet:
    """What a platform handed back when the user authorised Tandem.

    `extra` carries what a connector needs later (Bluesky: did and pds_url; Facebook: page_id;
    Instagram: ig_user_id; LinkedIn: author URN; Mastodon: base_url). Stored encrypted.
    """

    access_token: str
    refresh_token: str = ""
    expires_at: datetime | None = None
    scope: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def as_credentials(self) -> dict[str, str]:
        """The flat credentials bag an `AccountRef` carries."""
        bag = dict(self.extra)
        bag["access_token"] = self.access_token
        if self.refresh_token:
            bag["refresh_token"] = self.refresh_token
        if self.expires_at is not None:
            bag["expires_at"] = self.expires_at.isoformat()
        if self.scope:
            bag["scope"] = self.scope
        return bag


@dataclass(frozen=True)
class Identity:
    """Who the token acts as: one connectable account (a person, a Page, a business account)."""

    platform_account_id: str
    handle: str
    display_name: str
    followers: int | None = None
    # Credentials specific to this identity (e.g. a Facebook Page's own access token).
    extra: dict[str, str] = field(default_factory=dict)


class OAuthConnector(Protocol):
    """OAuth 2 authorisation-code flow; `code_challenge` is the S256 PKCE challenge (platforms
    that do not use PKCE ignore it, and `exchange_code` then ignores the verifier)."""

    def authorize_url(
        self, app: OAuthApp, *, state: str, code_challenge: str
    ) -> str: ...

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> TokenSet: ...

    def refresh(self, app: OAuthApp, tokens: TokenSet) -> TokenSet:
        """A fresh token set; raises PublishError(kind=RECONNECT) when the grant is gone."""
        ...

    def identities(self, tokens: TokenSet) -> Sequence[Identity]:
        """The accounts this token can act as (several for Facebook Pages, one elsewhere)."""
        ...


class PasswordConnector(Protocol):
    """Handle + app password (Bluesky): `service_url` is the PDS (https://bsky.social)."""

    def login(self, service_url: str, handle: str, password: str) -> TokenSet: ...

    def refresh(self, app: OAuthApp, tokens: TokenSet) -> TokenSet: ...

    def identities(self, tokens: TokenSet) -> Sequence[Identity]: ...
