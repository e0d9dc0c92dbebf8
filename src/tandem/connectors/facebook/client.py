"""The Facebook Pages connector (Graph API): publish, reconcile, delete, metrics, comments and
mentions, replies, and Facebook Login.

Capabilities the API does not give, and so not implemented here (docs/connectors/facebook.md):
- threads: Facebook has none; a post with several parts is refused (PERMANENT) so the
  composer sends one part — joining them would make the post unfindable by reconcile;
- public search (`Searcher`): Page public content search needs Meta's special approval;
- Messenger DMs: need `pages_messaging`, the Messenger Platform and its 24 h reply window.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from tandem.connectors.facebook import conversations, mapping
from tandem.connectors.meta import login
from tandem.connectors.meta.graph import (
    GRAPH_ROOT,
    GRAPH_VERSION,
    GraphClient,
    credential,
    data_list,
    moderate_comment,
    unix,
)
from tandem.connectors.meta.media import MediaFile, media_file
from tandem.inbox.ports import InteractionPage, Moderation
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

PLATFORM = "Facebook"
SCOPES = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_posts",
    "pages_read_user_content",
    "pages_manage_engagement",
)


class FacebookConnector:
    """Publisher, MetricsSource, ConversationSource and OAuthConnector for Facebook Pages.

    Credentials (`AccountRef.credentials`): `page_id` and `page_access_token` (from the
    chosen `Identity.extra`; a Page token made from a long-lived user token does not
    expire), `access_token` (the long-lived user token, used when no Page token is stored),
    `expires_at` (the user token's expiry).
    """

    def __init__(
        self,
        base_url: str = GRAPH_ROOT,
        *,
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
        poll_interval: float = 0.0,
        version: str = GRAPH_VERSION,
    ) -> None:
        # poll_interval: kept for the common connector signature; Facebook needs no polling.
        del poll_interval
        self.graph = GraphClient(
            PLATFORM, base_url, version, timeout=timeout, transport=transport
        )
        # Non-resumable video uploads go to the graph-video host (same API otherwise).
        self.video = GraphClient(
            PLATFORM,
            base_url.replace("://graph.", "://graph-video.", 1),
            version,
            timeout=max(timeout, 120.0),
            transport=transport,
        )

    def close(self) -> None:
        self.graph.close()
        self.video.close()

    def __enter__(self) -> FacebookConnector:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- publishing -----------------------------------------------------------------

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        if len(post.parts) != 1:
            raise PublishError(
                f"Facebook Pages have no threads, and this post has {len(post.parts)} "
                "parts. Write the Facebook variant as one post.",
                kind=ErrorKind.PERMANENT,
            )
        page_id, token = _page(account)
        text = post.parts[0]
        media = [media_file(path) for path in post.media_paths]
        post_id = self._create(page_id, token, text, media)
        ref = mapping.published_ref(post_id, self._details(post_id, token))
        if post.first_comment:
            try:
                self.graph.post(
                    f"{post_id}/comments", token, {"message": post.first_comment}
                )
            except PublishError as exc:
                log.warning(
                    "Facebook post %s is live but its first comment failed: %s",
                    post_id,
                    exc.message,
                )
        return ref

    def _create(
        self, page_id: str, token: str, text: str, media: Sequence[MediaFile]
    ) -> str:
        videos = [item for item in media if item.is_video]
        if videos and len(media) > 1:
            raise PublishError(
                "A Facebook post takes photos or one video, not both or several videos.",
                kind=ErrorKind.PERMANENT,
            )
        if videos:
            body = self.video.post(
                f"{page_id}/videos",
                token,
                {"description": text},
                files={"source": _upload(videos[0])},
            )
            return _id(body, "id")
        if len(media) == 1:
            body = self.graph.post(
                f"{page_id}/photos",
                token,
                {"message": text},
                files={"source": _upload(media[0])},
            )
            return _id(body, "post_id")
        data = {"message": text}
        if media:
            data.update(
                mapping.attached_media(self._unpublished(page_id, token, media))
            )
        elif link := mapping.first_link(text):
            data["link"] = link
        return _id(self.graph.post(f"{page_id}/feed", token, data), "id")

    def _unpublished(
        self, page_id: str, token: str, media: Sequence[MediaFile]
    ) -> list[str]:
        """Photos uploaded with published=false: invisible until a post attaches them, so a
        lost answer here is a plain retry, never an unknown outcome."""
        ids = []
        for item in media:
            body = self.graph.call(
                "POST",
                f"{page_id}/photos",
                token,
                data={"published": "false"},
                files={"source": _upload(item)},
                write=False,
            )
            ids.append(_id(body, "id"))
        return ids

    def _details(self, post_id: str, token: str) -> dict[str, Any] | None:
        """Permalink and time of a post that is live; a failure here must not fail it."""
        try:
            return self.graph.get(
                post_id, token, {"fields": "permalink_url,created_time"}
            )
        except PublishError as exc:
            log.warning(
                "Facebook post %s is live; reading it back failed: %s", post_id, exc
            )
            return None

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]:
        page_id, token = _page(account)
        body = self.graph.get(
            f"{page_id}/posts",
            token,
            {"fields": mapping.POST_FIELDS, "since": unix(since), "limit": "100"},
        )
        posts = [mapping.remote_post(item) for item in data_list(body, "posts")]
        return [p for p in posts if p.published_at >= since]

    def delete(self, account: AccountRef, platform_post_id: str) -> None:
        """Delete the post; one that is already gone counts as deleted."""
        _, token = _page(account)
        self.graph.delete(platform_post_id, token)

    # --- metrics --------------------------------------------------------------------

    def post_metrics(
        self, account: AccountRef, platform_post_ids: Sequence[str]
    ) -> Sequence[PostMetrics]:
        _, token = _page(account)
        results = []
        for post_id in platform_post_ids:
            engagement = self.graph.get(
                post_id, token, {"fields": mapping.ENGAGEMENT_FIELDS}
            )
            insights = self._insights(post_id, token)
            results.append(
                mapping.post_metrics(post_id, engagement, insights, datetime.now(UTC))
            )
        return results

    def _insights(self, post_id: str, token: str) -> dict[str, Any] | None:
        """Insights are refused for some posts (too new, shared, renamed metric): counts
        from the engagement read still stand, so only a refusal is swallowed here."""
        try:
            return self.graph.get(
                f"{post_id}/insights",
                token,
                {"metric": ",".join(mapping.INSIGHT_METRICS)},
            )
        except PublishError as exc:
            if exc.kind is not ErrorKind.PERMANENT:
                raise
            log.info("No insights for Facebook post %s: %s", post_id, exc.message)
            return None

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        page_id, token = _page(account)
        body = self.graph.get(page_id, token, {"fields": "followers_count,fan_count"})
        followers = body.get("followers_count", body.get("fan_count"))
        return AccountMetrics(
            at=datetime.now(UTC),
            followers=followers if isinstance(followers, int) else None,
        )

    # --- conversations --------------------------------------------------------------

    def interactions(
        self, account: AccountRef, *, cursor: str | None = None
    ) -> InteractionPage:
        page_id, token = _page(account)
        return conversations.interactions(self.graph, page_id, token, cursor)

    def reply(
        self, account: AccountRef, to_platform_id: str, text: str
    ) -> PublishedRef:
        _, token = _page(account)
        body = self.graph.post(f"{to_platform_id}/comments", token, {"message": text})
        comment_id = _id(body, "id")
        return PublishedRef(comment_id, mapping.post_url(comment_id), datetime.now(UTC))

    # --- moderation -----------------------------------------------------------------

    moderation = frozenset({Moderation.HIDE, Moderation.UNHIDE, Moderation.DELETE})

    def moderate(
        self, account: AccountRef, platform_id: str, action: Moderation
    ) -> None:
        """POST /{comment-id}?is_hidden=true|false, or DELETE /{comment-id}: a Page may hide
        or delete comments on its own posts (pages_manage_engagement)."""
        _, token = _page(account)
        moderate_comment(self.graph, token, platform_id, action, "is_hidden")

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
        """The Pages this user manages, each with its own Page access token."""
        body = self.graph.get(
            "me/accounts",
            tokens.access_token,
            {"fields": mapping.PAGE_FIELDS, "limit": "100"},
        )
        return [
            mapping.identity(page)
            for page in data_list(body, "Pages")
            if page.get("access_token")
        ]


def _page(account: AccountRef) -> tuple[str, str]:
    return credential(account, "page_id"), credential(
        account, "page_access_token", "access_token"
    )


def _upload(item: MediaFile) -> tuple[str, bytes, str]:
    return (item.name, item.read(), item.content_type)


def _id(body: dict[str, Any], key: str) -> str:
    value = body.get(key) or body.get("id")
    if not value:
        # Facebook said yes without saying what it made: the post may be live.
        raise PublishError(
            f"Facebook accepted the post but its answer had no {key!r}; "
            "the post may exist.",
            kind=ErrorKind.UNKNOWN,
        )
    return str(value)
