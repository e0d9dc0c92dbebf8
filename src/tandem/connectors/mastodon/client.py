"""`MastodonConnector`: Tandem's connector for any Mastodon instance (API 4.x).

Implements `Publisher`, `MetricsSource` (tandem.publish.ports), `ConversationSource`
(tandem.inbox.ports), `Searcher` (tandem.listen.ports) and `OAuthConnector`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from tandem.connectors.http import DEFAULT_TIMEOUT
from tandem.connectors.mastodon import auth, mapping, media, publishing, rules
from tandem.connectors.mastodon.api import Session, malformed, new_http, session_for
from tandem.inbox.ports import Interaction, InteractionPage
from tandem.listen.ports import FoundPost
from tandem.publish.ports import (
    AccountMetrics,
    AccountRef,
    Identity,
    OAuthApp,
    OutboundPost,
    PostMetrics,
    PublishedRef,
    PublishError,
    RemotePost,
    TokenSet,
)

# Mastodon 4.5 notifies `quote` when someone quotes a post; older instances ignore the type.
# Replies to the account arrive as `mention` (a reply mentions its parent's author).
NOTIFICATION_TYPES = ("mention", "quote")


class MastodonConnector:
    """Publishes to, reads from and connects accounts of Mastodon instances.

    The instance is per account: `base_url` in the credentials (or `OAuthApp.base_url`);
    the constructor's `base_url` is only the default for credentials without one. Any https
    instance is allowed; private addresses are refused (tandem.core.http).

    Credential keys (`AccountRef.credentials`): `access_token` (required), `base_url` (the
    instance, https://host), `account_id` (the account's id on that instance; looked up
    with verify_credentials when absent), and `refresh_token`/`expires_at`/`scope` when
    the instance issued them.

    Not implemented because the API does not offer them: impressions, reach, saves and
    clicks (PostMetrics leaves them None). Direct messages are read (as mentions with
    visibility `direct`) and answered with `reply`, which keeps the conversation direct.
    """

    def __init__(
        self,
        base_url: str = rules.DEFAULT_INSTANCE,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        poll_interval: float = 2.0,
        max_media_polls: int = 90,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url
        self._http = new_http(timeout=timeout, transport=transport)
        self._poll_interval = poll_interval
        self._max_media_polls = max_media_polls
        self._sleep = sleep

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> MastodonConnector:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _session(self, account: AccountRef) -> Session:
        return session_for(self._http, account, self.base_url)

    def _account_id(self, session: Session, account: AccountRef) -> str:
        known = account.credentials.get("account_id")
        if known:
            return known
        me = session.json("GET", auth.VERIFY_CREDENTIALS)
        try:
            return str(me["id"])
        except (KeyError, TypeError) as exc:
            raise malformed(exc, write=False) from exc

    # --- Publisher ------------------------------------------------------------------------

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        session = self._session(account)
        media_ids = media.upload_all(
            session,
            post.media_paths,
            poll_interval=self._poll_interval,
            max_polls=self._max_media_polls,
            sleep=self._sleep,
        )
        return publishing.publish(session, post, media_ids)

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]:
        """The account's own top-level statuses created at or after `since`, newest first,
        with the text as typed (threads' later parts and first comments are replies and
        are left out)."""
        if since.tzinfo is None:
            raise ValueError("`since` must be timezone-aware")
        session = self._session(account)
        path = f"/api/v1/accounts/{self._account_id(session, account)}/statuses"
        params: dict[str, Any] = {
            "exclude_replies": "true",
            "exclude_reblogs": "true",
            "limit": rules.PAGE_SIZE,
        }
        found: list[RemotePost] = []
        for _ in range(rules.MAX_PAGES):
            page = session.json("GET", path, params=params)
            try:
                posts = [
                    mapping.remote_post(s) for s in page if mapping.is_top_level(s)
                ]
                oldest_id = str(page[-1]["id"]) if page else ""
                reached = any(mapping.time_of(s["created_at"]) < since for s in page)
            except (KeyError, TypeError, ValueError) as exc:
                raise malformed(exc, write=False) from exc
            found.extend(p for p in posts if p.published_at >= since)
            if reached or len(page) < rules.PAGE_SIZE:
                break
            params = {**params, "max_id": oldest_id}
        return found

    def delete(self, account: AccountRef, platform_post_id: str) -> None:
        """Delete the status; one already gone counts as deleted."""
        publishing.delete_status(self._session(account), platform_post_id)

    # --- MetricsSource --------------------------------------------------------------------

    def post_metrics(
        self, account: AccountRef, platform_post_ids: Sequence[str]
    ) -> Sequence[PostMetrics]:
        """Counts as the account's instance knows them; a deleted status is left out."""
        session = self._session(account)
        metrics: list[PostMetrics] = []
        for post_id in platform_post_ids:
            try:
                status = session.json("GET", f"/api/v1/statuses/{post_id}")
            except PublishError as exc:
                if exc.status == 404:
                    continue
                raise
            try:
                metrics.append(mapping.post_metrics(status, datetime.now(UTC)))
            except (KeyError, TypeError) as exc:
                raise malformed(exc, write=False) from exc
        return metrics

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        me = self._session(account).json("GET", auth.VERIFY_CREDENTIALS)
        if not isinstance(me, dict):
            raise malformed(TypeError("not an Account"), write=False)
        return AccountMetrics(
            at=datetime.now(UTC),
            followers=me.get("followers_count"),
            following=me.get("following_count"),
            posts=me.get("statuses_count"),
        )

    # --- ConversationSource ---------------------------------------------------------------

    def interactions(
        self, account: AccountRef, *, cursor: str | None = None
    ) -> InteractionPage:
        """Mentions, replies, quotes and direct messages since `cursor` (a notification id).

        Uses `min_id`, not `since_id`: `since_id` answers the newest page and would skip
        the middle of a burst larger than a page; `min_id` walks forward without gaps.
        """
        session = self._session(account)
        own_id = self._account_id(session, account)
        items: list[Interaction] = []
        newest = cursor
        for _ in range(rules.MAX_PAGES):
            params: list[tuple[str, str | int]] = [
                ("types[]", kind) for kind in NOTIFICATION_TYPES
            ]
            params.append(("limit", rules.PAGE_SIZE))
            if newest:
                params.append(("min_id", newest))
            page = session.json("GET", "/api/v1/notifications", params=params)
            try:
                ids = [str(n["id"]) for n in page]
                found = [mapping.interaction(n, own_id, session.base_url) for n in page]
            except (KeyError, TypeError, ValueError) as exc:
                raise malformed(exc, write=False) from exc
            items.extend(i for i in found if i is not None)
            if ids:
                newest = mapping.newest_id(ids)
            if cursor is None or len(page) < rules.PAGE_SIZE:
                break  # a first read takes only the newest page
        items.sort(key=lambda i: i.created_at)
        return InteractionPage(items=items, cursor=newest)

    def reply(
        self, account: AccountRef, to_platform_id: str, text: str
    ) -> PublishedRef:
        """Reply to a status, mentioning its author (Mastodon only notifies accounts a
        status mentions) and keeping its visibility (a direct message stays direct)."""
        session = self._session(account)
        parent = session.json("GET", f"/api/v1/statuses/{to_platform_id}")
        try:
            author = parent["account"]
            acct, author_id = str(author["acct"]), str(author["id"])
            visibility = str(parent.get("visibility") or publishing.VISIBILITY)
        except (KeyError, TypeError) as exc:
            raise malformed(exc, write=False) from exc
        own_id = account.credentials.get("account_id", "")
        body = text
        if author_id != own_id and f"@{acct}".lower() not in text.lower():
            body = f"@{acct} {text}"
        payload = {
            "status": body,
            "in_reply_to_id": to_platform_id,
            "visibility": visibility,
        }
        key = publishing.derived_key(account.id, "reply", to_platform_id, text)
        answer = publishing.create_status(session, payload, key)
        try:
            return mapping.published_ref(answer)
        except (KeyError, TypeError, ValueError) as exc:
            raise malformed(exc, write=True) from exc

    # --- Searcher -------------------------------------------------------------------------

    def search(
        self,
        account: AccountRef,
        query: str,
        *,
        since: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[FoundPost]:
        """Statuses matching `query` as the account's instance sees them. Needs a token;
        full-text search covers only what the instance indexed (often only posts whose
        authors opted in, and only with Elasticsearch/OpenSearch configured); hashtags
        work everywhere."""
        session = self._session(account)
        found: list[FoundPost] = []
        offset = 0
        for _ in range(rules.MAX_PAGES):
            size = min(rules.PAGE_SIZE, limit - len(found))
            if size <= 0:
                break
            params = {"q": query, "type": "statuses", "limit": size, "offset": offset}
            answer = session.json("GET", "/api/v2/search", params=params)
            try:
                statuses = answer["statuses"]
                posts = [mapping.found_post(s, session.base_url) for s in statuses]
            except (KeyError, TypeError, ValueError) as exc:
                raise malformed(exc, write=False) from exc
            found.extend(p for p in posts if since is None or p.created_at >= since)
            offset += len(statuses)
            if len(statuses) < size:
                break
        return found[:limit]

    # --- OAuthConnector -------------------------------------------------------------------

    def authorize_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        return auth.authorize_url(app, state=state, code_challenge=code_challenge)

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> TokenSet:
        return auth.exchange_code(
            self._http, app, code=code, code_verifier=code_verifier
        )

    def refresh(self, app: OAuthApp, tokens: TokenSet) -> TokenSet:
        return auth.refresh(self._http, app, tokens)

    def identities(self, tokens: TokenSet) -> Sequence[Identity]:
        return auth.identities(self._http, tokens)
