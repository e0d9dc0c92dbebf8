"""The Threads connector (graph.threads.net): posts and threads through containers, reconcile,
delete, insights, replies and mentions, keyword search, and Threads OAuth.

Not available in the API, so not implemented (docs/connectors/threads.md): direct messages
(Threads has none in the API) and listing quote posts of the account's posts (webhooks only).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from tandem.connectors.meta.graph import (
    THREADS_ROOT,
    THREADS_VERSION,
    GraphClient,
    credential,
    data_list,
    metric_values,
    unix,
)
from tandem.connectors.meta.media import MediaUrlFor, media_file, no_public_media_url
from tandem.connectors.threads import auth, conversations, mapping, publishing
from tandem.inbox.ports import InteractionPage, Moderation
from tandem.listen.ports import FoundPost
from tandem.publish.ports import (
    AccountMetrics,
    AccountRef,
    ErrorKind,
    Identity,
    OAuthApp,
    OutboundPost,
    PostMetrics,
    PublishedRef,
    PublishError,
    RemotePost,
    TokenSet,
)

log = logging.getLogger(__name__)

PLATFORM = "Threads"


class ThreadsConnector:
    """Publisher, MetricsSource, ConversationSource, Searcher and OAuthConnector for Threads.

    Credentials: `access_token` (long-lived, 60 days; refresh before `expires_at`),
    `user_id` (the Threads user id, from the token exchange and `Identity.extra`;
    "me" is used when absent), `expires_at`.

    Threads downloads images and videos from a public URL: `media_url_for(path)` must turn
    a local media path into one. The default refuses with a PERMANENT error saying so.
    """

    def __init__(
        self,
        base_url: str = THREADS_ROOT,
        *,
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
        poll_interval: float = 5.0,
        poll_attempts: int = 36,
        media_url_for: MediaUrlFor | None = None,
        sleep: Callable[[float], None] = time.sleep,
        version: str = THREADS_VERSION,
    ) -> None:
        self.graph = GraphClient(
            PLATFORM, base_url, version, timeout=timeout, transport=transport
        )
        self.polling = publishing.Polling(poll_interval, poll_attempts, sleep)
        self.media_url_for = media_url_for or no_public_media_url(PLATFORM)

    def close(self) -> None:
        self.graph.close()

    def __enter__(self) -> ThreadsConnector:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _poster(self, account: AccountRef) -> publishing.Poster:
        user_id, token = _user(account)
        return publishing.Poster(
            self.graph, user_id, token, self.polling, self.media_url_for
        )

    # --- publishing -----------------------------------------------------------------

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        if not post.parts:
            raise PublishError(
                "A post needs at least one part.", kind=ErrorKind.PERMANENT
            )
        media = [media_file(path) for path in post.media_paths]
        if len(media) > publishing.MAX_CAROUSEL:
            raise PublishError(
                f"A Threads carousel takes at most {publishing.MAX_CAROUSEL} items; "
                f"this post has {len(media)}.",
                kind=ErrorKind.PERMANENT,
            )
        poster = self._poster(account)
        first = poster.thread(post.parts, media)[0]
        ref = mapping.published_ref(first, self._details(first, poster.token))
        if post.first_comment:
            try:
                poster.post(post.first_comment, reply_to=first)
            except PublishError as exc:
                log.warning(
                    "Threads post %s is live but its first comment failed: %s",
                    first,
                    exc.message,
                )
        return ref

    def _details(self, media_id: str, token: str) -> dict[str, Any] | None:
        try:
            return self.graph.get(media_id, token, {"fields": "permalink,timestamp"})
        except PublishError as exc:
            log.warning(
                "Threads post %s is live; reading it back failed: %s", media_id, exc
            )
            return None

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]:
        """The account's own top-level posts (replies, thus later thread parts, excluded)."""
        user_id, token = _user(account)
        body = self.graph.get(
            f"{user_id}/threads",
            token,
            {"fields": mapping.POST_FIELDS, "since": unix(since), "limit": "100"},
        )
        posts = [mapping.remote_post(item) for item in data_list(body, "posts")]
        return [p for p in posts if p.published_at >= since]

    def delete(self, account: AccountRef, platform_post_id: str) -> None:
        """DELETE /{threads-media-id} (needs threads_delete; 100 deletes a day)."""
        _, token = _user(account)
        self.graph.delete(platform_post_id, token)

    # --- metrics --------------------------------------------------------------------

    def post_metrics(
        self, account: AccountRef, platform_post_ids: Sequence[str]
    ) -> Sequence[PostMetrics]:
        _, token = _user(account)
        metric = ",".join(mapping.INSIGHT_METRICS)
        return [
            mapping.post_metrics(
                media_id,
                self.graph.get(f"{media_id}/insights", token, {"metric": metric}),
                datetime.now(UTC),
            )
            for media_id in platform_post_ids
        ]

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        user_id, token = _user(account)
        body = self.graph.get(
            f"{user_id}/threads_insights", token, {"metric": "followers_count"}
        )
        return AccountMetrics(
            at=datetime.now(UTC), followers=metric_values(body).get("followers_count")
        )

    # --- conversations and search -----------------------------------------------------

    def interactions(
        self, account: AccountRef, *, cursor: str | None = None
    ) -> InteractionPage:
        user_id, token = _user(account)
        return conversations.interactions(
            self.graph, user_id, account.handle, token, cursor
        )

    def reply(
        self, account: AccountRef, to_platform_id: str, text: str
    ) -> PublishedRef:
        poster = self._poster(account)
        media_id = poster.post(text, reply_to=to_platform_id)
        return mapping.published_ref(media_id, self._details(media_id, poster.token))

    moderation = frozenset({Moderation.HIDE, Moderation.UNHIDE})

    def moderate(
        self, account: AccountRef, platform_id: str, action: Moderation
    ) -> None:
        """POST /{reply-id}/manage_reply?hide=true|false (threads_manage_replies). Threads
        lets an account hide replies to its posts, not delete them."""
        if action not in self.moderation:
            raise PublishError(
                "Threads lets you hide replies, not delete them.",
                kind=ErrorKind.PERMANENT,
            )
        _, token = _user(account)
        hide = "true" if action is Moderation.HIDE else "false"
        body = self.graph.post(f"{platform_id}/manage_reply", token, {"hide": hide})
        if body.get("success") is False:
            raise PublishError(
                f"Threads refused to {action.value} reply {platform_id}.",
                kind=ErrorKind.PERMANENT,
            )

    def search(
        self,
        account: AccountRef,
        query: str,
        *,
        since: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[FoundPost]:
        _, token = _user(account)
        return conversations.search(self.graph, token, query, since=since, limit=limit)

    # --- connecting -----------------------------------------------------------------

    def authorize_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        return auth.authorize_url(app, state=state)

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> TokenSet:
        return auth.exchange_code(self.graph, app, code)

    def refresh(self, app: OAuthApp, tokens: TokenSet) -> TokenSet:
        return auth.refresh(self.graph, tokens)

    def identities(self, tokens: TokenSet) -> Sequence[Identity]:
        me = self.graph.get("me", tokens.access_token, {"fields": "id,username,name"})
        return [mapping.identity(me)]


def _user(account: AccountRef) -> tuple[str, str]:
    return account.credentials.get("user_id") or "me", credential(
        account, "access_token"
    )
