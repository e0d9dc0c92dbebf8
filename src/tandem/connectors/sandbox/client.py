"""The Sandbox connector: `SandboxPublisher` implements `tandem.publish.ports.Publisher`,
`MetricsSource` and `OAuthConnector` (authorisation code + PKCE S256, refresh, identities;
see oauth.py), `tandem.inbox.ports.ConversationSource` and `tandem.listen.ports.Searcher`.

Errors follow the one shared mapping in `tandem.connectors.http` (401/403 -> RECONNECT,
429 and 5xx -> RETRY with Retry-After, other 4xx -> PERMANENT with the Sandbox's message;
a write that got no answer -> UNKNOWN, to be reconciled with `recent_posts`).

Credentials: `access_token` (from the OAuth flow), else `token` (older form), else
whatever `token_for(account)` returns when given.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from tandem.connectors.http import ConnectorHTTP, json_body
from tandem.connectors.sandbox import mapping
from tandem.connectors.sandbox.oauth import SandboxOAuth
from tandem.inbox.ports import InteractionPage, Moderation
from tandem.listen.ports import FoundPost
from tandem.publish.ports import (
    AccountMetrics,
    AccountRef,
    ErrorKind,
    OutboundPost,
    PostMetrics,
    PublishedRef,
    PublishError,
    RemotePost,
)

DEFAULT_TIMEOUT = 10.0
PAGE_SIZE = 100
PLATFORM = "The Sandbox"
TokenFor = Callable[[AccountRef], str]


def _require_loopback(base_url: str) -> str:
    host = urlsplit(base_url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(
            f"The Sandbox runs on a loopback address; {base_url!r} is not one."
        )
    return base_url.rstrip("/")


def platform_message(response: httpx.Response) -> str | None:
    """The Sandbox's words: `error_description` (OAuth endpoints) or `error`."""
    body = json_body(response)
    if isinstance(body, dict):
        for key in ("error_description", "error"):
            if isinstance(body.get(key), str):
                return str(body[key])
    return None


def classify(response: httpx.Response, message: str) -> PublishError | None:
    """An OAuth `invalid_grant` (HTTP 400) means the grant is gone: reconnect."""
    body = json_body(response)
    if isinstance(body, dict) and body.get("error") == "invalid_grant":
        return PublishError(
            message, kind=ErrorKind.RECONNECT, status=response.status_code
        )
    return None


class SandboxPublisher(SandboxOAuth):
    """Publishes to a Sandbox server at `base_url` (a loopback URL).

    One instance may be shared by threads: httpx's connection pool is thread-safe.
    """

    def __init__(
        self,
        base_url: str,
        token_for: TokenFor | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = _require_loopback(base_url)
        self._token_for = token_for
        # allow_private: the Sandbox is on loopback by design (checked above).
        self._http = ConnectorHTTP(
            PLATFORM,
            message_of=platform_message,
            classify=classify,
            timeout=timeout,
            transport=transport,
            allow_private=True,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SandboxPublisher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _token(self, account: AccountRef) -> str:
        bag = account.credentials
        token = bag.get("access_token") or bag.get("token") or ""
        if not token and self._token_for is not None:
            token = self._token_for(account)
        if not token:
            raise PublishError(
                f"No Sandbox token for {account.handle}; connect the account again.",
                kind=ErrorKind.RECONNECT,
            )
        return token

    def _request(
        self,
        method: str,
        path: str,
        account: AccountRef,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        headers = {**(headers or {}), "Authorization": f"Bearer {self._token(account)}"}
        return self._http.request(
            method, self.base_url + path, headers=headers, json=json, params=params
        )

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        path = f"/api/v1/accounts/{quote(account.handle, safe='')}/posts"
        response = self._request(
            "POST", path, account, json=mapping.create_payload(post)
        )
        try:
            return mapping.published_ref(response.json())
        except (ValueError, KeyError, TypeError) as exc:
            # It answered 2xx, so the post probably exists: reconcile, do not resend.
            raise self._http.unreadable(response, exc, write=True) from exc

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]:
        if since.tzinfo is None:
            raise ValueError("`since` must be timezone-aware")
        path = f"/api/v1/accounts/{quote(account.handle, safe='')}/posts"
        response = self._request(
            "GET", path, account, params={"since": since.isoformat()}
        )
        try:
            return mapping.remote_posts(response.json())
        except (ValueError, KeyError, TypeError) as exc:
            raise self._http.unreadable(response, exc, write=False) from exc

    def delete(self, account: AccountRef, platform_post_id: str) -> None:
        """Delete the post; a post that is already gone counts as deleted."""
        path = f"/api/v1/posts/{quote(platform_post_id, safe='')}"
        try:
            self._request("DELETE", path, account)
        except PublishError as exc:
            if exc.status != 404:
                raise

    def _read(self, response: httpx.Response, parse: Callable[[Any], Any]) -> Any:
        try:
            return parse(response.json())
        except (ValueError, KeyError, TypeError) as exc:
            raise self._http.unreadable(response, exc, write=False) from exc

    # --- MetricsSource --------------------------------------------------------------------

    def post_metrics(
        self, account: AccountRef, platform_post_ids: Sequence[str]
    ) -> Sequence[PostMetrics]:
        """Metrics of each post that still exists (a deleted post is left out)."""
        found = []
        for post_id in platform_post_ids:
            path = f"/api/v1/posts/{quote(post_id, safe='')}/metrics"
            try:
                response = self._request("GET", path, account)
            except PublishError as exc:
                if exc.status == 404:
                    continue
                raise
            found.append(self._read(response, mapping.post_metrics))
        return found

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        path = f"/api/v1/accounts/{quote(account.handle, safe='')}"
        result: AccountMetrics = self._read(
            self._request("GET", path, account), mapping.account_metrics
        )
        return result

    # --- ConversationSource -----------------------------------------------------------------

    def interactions(
        self, account: AccountRef, *, cursor: str | None = None
    ) -> InteractionPage:
        """Comments under the account's posts and mentions of it, by others, oldest first;
        edits and deletions come back as the item again (`edited_at`, `deleted`)."""
        path = f"/api/v1/accounts/{quote(account.handle, safe='')}/interactions"
        params = {"limit": str(PAGE_SIZE)}
        if cursor:
            params["cursor"] = cursor
        page: InteractionPage = self._read(
            self._request("GET", path, account, params=params), mapping.interaction_page
        )
        return page

    def reply(
        self,
        account: AccountRef,
        to_platform_id: str,
        text: str,
        *,
        idempotency_key: str | None = None,
    ) -> PublishedRef:
        """Answer a post, comment or mention. The Sandbox honours Idempotency-Key; without
        one, the key is derived from (account, target, text), so a retry after a lost answer
        never posts the same reply twice."""
        key = idempotency_key or reply_key(account, to_platform_id, text)
        path = f"/api/v1/accounts/{quote(account.handle, safe='')}/replies"
        response = self._request(
            "POST",
            path,
            account,
            json={"in_reply_to": to_platform_id, "text": text},
            headers={"Idempotency-Key": key},
        )
        try:
            return mapping.reply_ref(response.json())
        except (ValueError, KeyError, TypeError) as exc:
            raise self._http.unreadable(response, exc, write=True) from exc

    # --- moderation ------------------------------------------------------------------------

    moderation = frozenset({Moderation.DELETE})

    def moderate(
        self, account: AccountRef, platform_id: str, action: Moderation
    ) -> None:
        """The Sandbox lets a post's owner delete comments under it (no hiding)."""
        if action not in self.moderation:
            raise PublishError(
                "The Sandbox lets you delete comments, not hide them.",
                kind=ErrorKind.PERMANENT,
            )
        handle = quote(account.handle, safe="")
        path = f"/api/v1/accounts/{handle}/comments/{quote(platform_id, safe='')}"
        try:
            self._request("DELETE", path, account)
        except PublishError as exc:
            if exc.status != 404:  # already gone counts as deleted
                raise

    # --- Searcher ---------------------------------------------------------------------------

    def search(
        self,
        account: AccountRef,
        query: str,
        *,
        since: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[FoundPost]:
        """Posts and comments across the whole Sandbox containing every word of `query`."""
        params = {"q": query, "limit": str(limit)}
        if since is not None:
            if since.tzinfo is None:
                raise ValueError("`since` must be timezone-aware")
            params["since"] = since.isoformat()
        found: list[FoundPost] = self._read(
            self._request("GET", "/api/v1/search", account, params=params),
            mapping.found_posts,
        )
        return found


def reply_key(account: AccountRef, to_platform_id: str, text: str) -> str:
    digest = hashlib.sha256(f"{account.id}\x1f{to_platform_id}\x1f{text}".encode())
    return f"tandem-{digest.hexdigest()[:32]}"
