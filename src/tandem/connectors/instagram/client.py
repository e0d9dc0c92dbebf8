"""The Instagram connector (Instagram API with Facebook Login, business and creator accounts):
container publishing, reconcile, delete, insights, comments and tags, hashtag search.

Not implemented, because the API does not allow it (docs/connectors/instagram.md):
- text-only posts and threads: every Instagram post needs media; several parts are refused;
- DMs: only through the Messenger Platform's Instagram messaging (webhooks, app review);
- keyword search: only hashtags (`#tag`), 30 distinct hashtags per account per 7 days.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from tandem.connectors.instagram import containers, conversations, mapping
from tandem.connectors.meta import login
from tandem.connectors.meta.graph import (
    GRAPH_ROOT,
    GRAPH_VERSION,
    GraphClient,
    credential,
    data_list,
    is_gone,
    moderate_comment,
    unix,
)
from tandem.connectors.meta.media import MediaUrlFor, media_file, no_public_media_url
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

PLATFORM = "Instagram"
SCOPES = (
    "instagram_basic",
    "instagram_content_publish",
    "instagram_manage_comments",
    "instagram_manage_insights",
    "pages_show_list",
    "pages_read_engagement",
)


class InstagramConnector:
    """Publisher, MetricsSource, ConversationSource, Searcher (#hashtags) and OAuthConnector.

    Credentials: `ig_user_id` and `page_id` (from `Identity.extra`), `access_token` (the
    long-lived Facebook user token, ~60 days), `expires_at`.

    Instagram downloads media from a public URL: `media_url_for(path)` must turn a local
    media path into one. The default refuses with a PERMANENT error saying so.
    """

    def __init__(
        self,
        base_url: str = GRAPH_ROOT,
        *,
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
        poll_interval: float = 5.0,
        poll_attempts: int = 36,
        media_url_for: MediaUrlFor | None = None,
        sleep: Callable[[float], None] = time.sleep,
        version: str = GRAPH_VERSION,
    ) -> None:
        self.graph = GraphClient(
            PLATFORM, base_url, version, timeout=timeout, transport=transport
        )
        self.polling = containers.Polling(poll_interval, poll_attempts, sleep)
        self.media_url_for = media_url_for or no_public_media_url(PLATFORM)

    def close(self) -> None:
        self.graph.close()

    def __enter__(self) -> InstagramConnector:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- publishing -----------------------------------------------------------------

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        _refuse_unpostable(post)
        ig_id, token = _ig(account)
        media = [media_file(path) for path in post.media_paths]
        containers.check_quota(self.graph, ig_id, token)
        container = containers.create(
            self.graph,
            ig_id,
            token,
            media,
            post.parts[0],
            self.media_url_for,
            self.polling,
        )
        containers.wait_until_finished(self.graph, container, token, self.polling)
        media_id = containers.publish(self.graph, ig_id, token, container)
        ref = mapping.published_ref(media_id, self._details(media_id, token))
        if post.first_comment:
            try:
                self.graph.post(
                    f"{media_id}/comments", token, {"message": post.first_comment}
                )
            except PublishError as exc:
                log.warning(
                    "Instagram post %s is live but its first comment failed: %s",
                    media_id,
                    exc.message,
                )
        return ref

    def _details(self, media_id: str, token: str) -> dict[str, Any] | None:
        try:
            return self.graph.get(media_id, token, {"fields": "permalink,timestamp"})
        except PublishError as exc:
            log.warning(
                "Instagram post %s is live; reading it back failed: %s", media_id, exc
            )
            return None

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]:
        ig_id, token = _ig(account)
        body = self.graph.get(
            f"{ig_id}/media",
            token,
            {"fields": mapping.MEDIA_FIELDS, "since": unix(since), "limit": "100"},
        )
        posts = [mapping.remote_post(item) for item in data_list(body, "media")]
        return [p for p in posts if p.published_at >= since]

    def delete(self, account: AccountRef, platform_post_id: str) -> None:
        """DELETE /{ig-media-id}. Graph answers "does not exist" (100/33) both for a post
        already gone and for a delete it does not support, so a read tells them apart."""
        _, token = _ig(account)
        try:
            self.graph.call("DELETE", platform_post_id, token)
            return
        except PublishError as exc:
            if not is_gone(exc):
                raise
        try:
            self.graph.get(platform_post_id, token, {"fields": "id"})
        except PublishError as exc:
            if is_gone(exc):
                return
            raise
        raise PublishError(
            f"Instagram refused to delete post {platform_post_id} of {account.handle}; "
            "delete it in the Instagram app.",
            kind=ErrorKind.PERMANENT,
        )

    # --- metrics --------------------------------------------------------------------

    def post_metrics(
        self, account: AccountRef, platform_post_ids: Sequence[str]
    ) -> Sequence[PostMetrics]:
        _, token = _ig(account)
        results = []
        for media_id in platform_post_ids:
            counts = self.graph.get(
                media_id, token, {"fields": "like_count,comments_count"}
            )
            insights = self._insights(media_id, token)
            results.append(
                mapping.post_metrics(media_id, counts, insights, datetime.now(UTC))
            )
        return results

    def _insights(self, media_id: str, token: str) -> dict[str, Any] | None:
        """Insights are refused for some media (too few viewers: Graph error 10, album
        children); the public counts still stand, so only such refusals are swallowed."""
        try:
            return self.graph.get(
                f"{media_id}/insights",
                token,
                {"metric": ",".join(mapping.INSIGHT_METRICS)},
            )
        except PublishError as exc:
            # Graph error 10 here is "Not enough viewers for the media to show insights",
            # not a missing permission: the account stays healthy.
            not_enough_viewers = "(Graph error 10)" in exc.message
            if exc.kind is not ErrorKind.PERMANENT and not not_enough_viewers:
                raise
            log.info("No insights for Instagram media %s: %s", media_id, exc.message)
            return None

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        ig_id, token = _ig(account)
        body = self.graph.get(
            ig_id, token, {"fields": "followers_count,follows_count,media_count"}
        )
        return AccountMetrics(
            at=datetime.now(UTC),
            followers=_int(body.get("followers_count")),
            following=_int(body.get("follows_count")),
            posts=_int(body.get("media_count")),
        )

    # --- conversations and search -----------------------------------------------------

    def interactions(
        self, account: AccountRef, *, cursor: str | None = None
    ) -> InteractionPage:
        ig_id, token = _ig(account)
        return conversations.interactions(self.graph, ig_id, token, cursor)

    def reply(
        self, account: AccountRef, to_platform_id: str, text: str
    ) -> PublishedRef:
        """Reply to a comment (Instagram replies only to comments, not to tags)."""
        _, token = _ig(account)
        body = self.graph.post(f"{to_platform_id}/replies", token, {"message": text})
        reply_id = body.get("id")
        if not reply_id:
            raise PublishError(
                "Instagram accepted the reply but returned no id; it may exist.",
                kind=ErrorKind.UNKNOWN,
            )
        return PublishedRef(str(reply_id), "", datetime.now(UTC))

    moderation = frozenset({Moderation.HIDE, Moderation.UNHIDE, Moderation.DELETE})

    def moderate(
        self, account: AccountRef, platform_id: str, action: Moderation
    ) -> None:
        """POST /{ig-comment-id}?hide=true|false, or DELETE /{ig-comment-id}: the account
        may hide or delete comments on its own media (instagram_manage_comments)."""
        _, token = _ig(account)
        moderate_comment(self.graph, token, platform_id, action, "hide")

    def search(
        self,
        account: AccountRef,
        query: str,
        *,
        since: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[FoundPost]:
        """Recent public posts with one hashtag; `query` must be `#tag`."""
        ig_id, token = _ig(account)
        return conversations.hashtag_search(
            self.graph, ig_id, token, query, since=since, limit=limit
        )

    # --- connecting -----------------------------------------------------------------

    def authorize_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        return login.dialog_url(
            app, state=state, scopes=SCOPES, version=self.graph.version
        )

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> TokenSet:
        return login.exchange_code(self.graph, app, code)

    def refresh(self, app: OAuthApp, tokens: TokenSet) -> TokenSet:
        return login.refresh(self.graph, app, tokens)

    def identities(self, tokens: TokenSet) -> Sequence[Identity]:
        """The Instagram professional accounts linked to the user's Pages."""
        body = self.graph.get(
            "me/accounts",
            tokens.access_token,
            {"fields": mapping.ACCOUNT_FIELDS, "limit": "100"},
        )
        found = (mapping.identity(page) for page in data_list(body, "Pages"))
        return [identity for identity in found if identity is not None]


def _refuse_unpostable(post: OutboundPost) -> None:
    if len(post.parts) != 1:
        raise PublishError(
            f"Instagram has no threads, and this post has {len(post.parts)} parts. "
            "Write the Instagram variant as one caption.",
            kind=ErrorKind.PERMANENT,
        )
    if not post.media_paths:
        raise PublishError(
            "Instagram posts need at least one image or video; add media to the "
            "Instagram variant.",
            kind=ErrorKind.PERMANENT,
        )
    if len(post.media_paths) > containers.MAX_CAROUSEL:
        raise PublishError(
            f"An Instagram carousel takes at most {containers.MAX_CAROUSEL} items; "
            f"this post has {len(post.media_paths)}.",
            kind=ErrorKind.PERMANENT,
        )


def _ig(account: AccountRef) -> tuple[str, str]:
    return credential(account, "ig_user_id"), credential(
        account, "access_token", "page_access_token"
    )


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None
