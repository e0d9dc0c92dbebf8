"""A scripted OAuth platform for connect and refresh tests: PKCE is checked, refresh tokens
rotate (each works once, like X's), and publishing needs the current access token."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from tandem.connectors.sandbox.grants import s256
from tandem.publish.ports import (
    AccountRef,
    ErrorKind,
    Identity,
    OAuthApp,
    OutboundPost,
    PublishedRef,
    PublishError,
    RemotePost,
    TokenSet,
)

T_EXPIRES = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@dataclass
class FakeOAuth:
    identities_: list[Identity] = field(
        default_factory=lambda: [Identity("fake-1", "brand", "Brand", 42)]
    )
    refresh_delay: float = 0.0
    refuse_refresh: str = ""  # a message: the next refreshes fail with RECONNECT
    expires_at: datetime = T_EXPIRES
    refresh_calls: int = 0
    published: list[str] = field(default_factory=list)
    challenges: dict[str, str] = field(default_factory=dict)
    _serial: int = 0
    _live_access: set[str] = field(default_factory=set)
    _live_refresh: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _issue(self) -> TokenSet:
        self._serial += 1
        tokens = TokenSet(
            f"at-{self._serial}", f"rt-{self._serial}", self.expires_at, "write"
        )
        self._live_access.add(tokens.access_token)
        self._live_refresh.add(tokens.refresh_token)
        return tokens

    def expire_access_tokens(self) -> None:
        self._live_access.clear()

    def authorize_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        self.challenges[state] = code_challenge
        query = {"client_id": app.client_id, "redirect_uri": app.redirect_uri}
        query |= {"state": state, "code_challenge": code_challenge}
        return "https://fake.test/authorize?" + urlencode(query)

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> TokenSet:
        if s256(code_verifier) not in self.challenges.values() or code != "good-code":
            raise PublishError(
                "invalid_grant: bad code or verifier", kind=ErrorKind.PERMANENT
            )
        with self._lock:
            return self._issue()

    def refresh(self, app: OAuthApp, tokens: TokenSet) -> TokenSet:
        with self._lock:
            self.refresh_calls += 1
            if self.refuse_refresh:
                raise PublishError(
                    self.refuse_refresh, kind=ErrorKind.RECONNECT, status=400
                )
            if tokens.refresh_token not in self._live_refresh:
                raise PublishError(
                    "refresh token already used", kind=ErrorKind.RECONNECT, status=400
                )
            self._live_refresh.discard(tokens.refresh_token)
        time.sleep(self.refresh_delay)
        with self._lock:
            return self._issue()

    def identities(self, tokens: TokenSet) -> Sequence[Identity]:
        return list(self.identities_)

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        if account.credentials.get("access_token") not in self._live_access:
            raise PublishError(
                "The access token expired.", kind=ErrorKind.RECONNECT, status=401
            )
        self.published.append(post.parts[0])
        return PublishedRef(
            f"p{len(self.published)}", "https://fake.test/p", datetime.now(UTC)
        )

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]:
        return ()

    def delete(self, account: AccountRef, platform_post_id: str) -> None:
        return None
