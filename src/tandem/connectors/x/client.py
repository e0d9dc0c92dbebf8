"""`XConnector`: Tandem's X (API v2) connector.

Implements Publisher, MetricsSource, ConversationSource, Searcher and OAuthConnector.
What X's API does not allow (and so is not here): reading DMs needs the `dm.read` scope
and a DM-enabled access level, which Tandem does not request; quotes of our posts that do
not also mention the account are not fetched (that costs one request per post). See
docs/connectors/x.md for the access levels and what each call costs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

import httpx

from tandem.connectors.http import DEFAULT_TIMEOUT, ConnectorHTTP
from tandem.connectors.uploads import read_media
from tandem.connectors.x import auth, errors, mapping
from tandem.connectors.x.media import MediaUploader
from tandem.core.clock import Clock, SystemClock
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

API_ROOT = "https://api.x.com"
TWEET_FIELDS = "created_at,author_id,conversation_id,in_reply_to_user_id,referenced_tweets,entities,note_tweet"
USER_FIELDS = "username,name,public_metrics"
MAX_PAGES = 5  # 100 posts a page: enough for any reconcile window, bounded in cost
LOOKUP_BATCH = 100  # ids per GET /2/tweets

log = logging.getLogger(__name__)


class XConnector:
    """X API v2 for one Tandem install (any number of accounts; thread-safe).

    Credentials (`AccountRef.credentials`): `access_token` (OAuth 2.0 user token, 2 h),
    `refresh_token`, `expires_at`, `scope`, plus `user_id` and `username` from
    `Identity.extra`. Without `user_id` the connector asks GET /2/users/me once per call.
    """

    def __init__(
        self,
        base_url: str = API_ROOT,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        poll_interval: float = 2.0,
        clock: Clock | None = None,
        sleep: Callable[[float], None] = time.sleep,
        authorize_base: str = auth.AUTHORIZE_URL,
    ) -> None:
        self.api = base_url.rstrip("/")
        self._clock = clock or SystemClock()
        self._authorize_base = authorize_base
        self._http = ConnectorHTTP(
            errors.PLATFORM,
            message_of=errors.message_of,
            classify=errors.classify,
            timeout=timeout,
            transport=transport,
        )
        self._media = MediaUploader(
            self._http, self.api, poll_interval=poll_interval, sleep=sleep
        )

    def close(self) -> None:
        self._http.close()

    # --- plumbing --------------------------------------------------------------------

    def _headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def _auth(self, account: AccountRef) -> dict[str, str]:
        token = account.credentials.get("access_token", "")
        if not token:
            raise PublishError(
                f"No X access token is stored for {account.handle}; connect the account "
                "again.",
                kind=ErrorKind.RECONNECT,
            )
        return self._headers(token)

    def _json(self, response: httpx.Response, *, write: bool) -> Mapping[str, Any]:
        try:
            body = response.json()
            if not isinstance(body, dict):
                raise ValueError("the answer is not a JSON object")
            return body
        except ValueError as exc:
            raise self._http.unreadable(response, exc, write=write) from exc

    def _get(
        self, path: str, headers: Mapping[str, str], params: Mapping[str, Any]
    ) -> Mapping[str, Any]:
        response = self._http.request(
            "GET", self.api + path, headers=headers, params=params
        )
        return self._json(response, write=False)

    def _user_id(self, account: AccountRef, headers: Mapping[str, str]) -> str:
        stored = account.credentials.get("user_id")
        if stored:
            return stored
        me = self._get("/2/users/me", headers, {"user.fields": USER_FIELDS})
        return str(me["data"]["id"])

    def _username(self, account: AccountRef) -> str:
        return account.credentials.get("username") or account.handle.lstrip("@")

    # --- Publisher -------------------------------------------------------------------

    def _create(self, headers: Mapping[str, str], body: Mapping[str, Any]) -> str:
        response = self._http.request(
            "POST", self.api + "/2/tweets", headers=headers, json=body
        )
        try:
            return str(self._json(response, write=True)["data"]["id"])
        except (KeyError, TypeError) as exc:
            raise self._http.unreadable(response, exc, write=True) from exc

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        """The thread's parts in order, each replying to the previous; media on the first.
        All or nothing: a failed later part deletes the parts already posted."""
        headers = self._auth(account)
        media_ids = [
            self._media.upload(headers, read_media(path, platform="X"))
            for path in post.media_paths
        ]
        posted: list[str] = []
        for number, text in enumerate(post.parts, start=1):
            body: dict[str, Any] = {"text": text}
            if number == 1 and media_ids:
                body["media"] = {"media_ids": media_ids}
            if posted:
                body["reply"] = {"in_reply_to_tweet_id": posted[-1]}
            try:
                posted.append(self._create(headers, body))
            except PublishError as exc:
                if not posted:
                    raise
                raise self._roll_back(
                    headers, posted, exc, number, len(post.parts)
                ) from exc
        published_at = self._clock.now()
        if post.first_comment:
            self._first_comment(headers, posted[0], post.first_comment)
        return PublishedRef(
            platform_post_id=posted[0],
            url=mapping.tweet_url(self._username(account), posted[0]),
            published_at=published_at,
        )

    def _first_comment(
        self, headers: Mapping[str, str], tweet_id: str, text: str
    ) -> None:
        body = {"text": text, "reply": {"in_reply_to_tweet_id": tweet_id}}
        try:
            self._create(headers, body)
        except PublishError as exc:
            # The post is live: failing the publish now would make the worker resend it.
            log.warning("X first comment on %s failed: %s", tweet_id, exc.message)

    def _roll_back(
        self,
        headers: Mapping[str, str],
        posted: Sequence[str],
        failure: PublishError,
        number: int,
        total: int,
    ) -> PublishError:
        live = []
        for tweet_id in reversed(posted):
            try:
                self._delete(headers, tweet_id)
            except PublishError:
                live.append(tweet_id)
        if live:
            return PublishError(
                f"Part {number} of {total} of the thread failed on X ({failure.message}) "
                f"and removing the parts already posted failed too: posts "
                f"{', '.join(sorted(live))} are still live. Delete them on X, or mark the "
                "post published.",
                kind=ErrorKind.UNKNOWN,
                status=failure.status,
            )
        maybe = (
            " (that part may exist on X: check the account's replies)"
            if failure.kind is ErrorKind.UNKNOWN
            else ""
        )
        return PublishError(
            f"Part {number} of {total} of the thread failed on X, so the {len(posted)} "
            f"part(s) already posted were deleted{maybe}: {failure.message}",
            kind=failure.kind,
            retry_after=failure.retry_after,
            status=failure.status,
        )

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]:
        """The account's own top-level posts since `since` (replies, so later thread parts,
        and reposts excluded), with `text` restored to what the author wrote."""
        headers = self._auth(account)
        user_id = self._user_id(account, headers)
        params: dict[str, Any] = {
            "exclude": "replies,retweets",
            "tweet.fields": "created_at,entities,note_tweet",
            "start_time": mapping.x_time(since),
            "max_results": 100,
        }
        username = self._username(account)
        found: list[RemotePost] = []
        for _ in range(MAX_PAGES):
            page = self._get(f"/2/users/{user_id}/tweets", headers, params)
            try:
                found += [
                    mapping.remote_post(t, username) for t in mapping.data_list(page)
                ]
            except (ValueError, KeyError, TypeError) as exc:
                raise PublishError(
                    f"X's list of posts was unreadable: {exc}", kind=ErrorKind.RETRY
                ) from exc
            token = (page.get("meta") or {}).get("next_token")
            if not token:
                break
            params["pagination_token"] = token
        return found

    def _delete(self, headers: Mapping[str, str], tweet_id: str) -> None:
        try:
            response = self._http.request(
                "DELETE", f"{self.api}/2/tweets/{tweet_id}", headers=headers
            )
        except PublishError as exc:
            if exc.status == 404:
                return  # already gone: that is what we wanted
            raise
        body = self._json(response, write=True)
        if (body.get("data") or {}).get("deleted") is not True:
            raise PublishError(
                f"X did not confirm deleting post {tweet_id}; try again.",
                kind=ErrorKind.RETRY,
                status=response.status_code,
            )

    def delete(self, account: AccountRef, platform_post_id: str) -> None:
        """Delete the post; one that is already gone counts as deleted."""
        self._delete(self._auth(account), platform_post_id)

    # --- MetricsSource ---------------------------------------------------------------

    def post_metrics(
        self, account: AccountRef, platform_post_ids: Sequence[str]
    ) -> Sequence[PostMetrics]:
        """Public metrics (impressions included); posts X no longer has are left out."""
        headers = self._auth(account)
        now = self._clock.now()
        metrics: list[PostMetrics] = []
        ids = list(platform_post_ids)
        for start in range(0, len(ids), LOOKUP_BATCH):
            params = {
                "ids": ",".join(ids[start : start + LOOKUP_BATCH]),
                "tweet.fields": "public_metrics",
            }
            page = self._get("/2/tweets", headers, params)
            metrics += [mapping.post_metrics(t, now) for t in mapping.data_list(page)]
        return metrics

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        me = self._get(
            "/2/users/me", self._auth(account), {"user.fields": "public_metrics"}
        )
        return mapping.account_metrics(me["data"], self._clock.now())

    # --- ConversationSource ----------------------------------------------------------

    def interactions(
        self, account: AccountRef, *, cursor: str | None = None
    ) -> InteractionPage:
        """Replies, quotes and mentions from the mentions timeline, newer than `cursor`
        (X's `since_id`: the newest post id seen). The first call without a cursor reads
        the latest page only."""
        headers = self._auth(account)
        user_id = self._user_id(account, headers)
        params: dict[str, Any] = {
            "tweet.fields": TWEET_FIELDS,
            "expansions": "author_id,referenced_tweets.id",
            "user.fields": USER_FIELDS,
            "max_results": 100,
        }
        if cursor:
            params["since_id"] = cursor
        items = []
        newest = cursor
        for _ in range(MAX_PAGES if cursor else 1):
            page = self._get(f"/2/users/{user_id}/mentions", headers, params)
            users, referenced = mapping.users_by_id(page), mapping.tweets_by_id(page)
            items += [
                mapping.interaction(
                    t, own_user_id=user_id, users=users, referenced=referenced
                )
                for t in mapping.data_list(page)
            ]
            meta = page.get("meta") or {}
            if newest == cursor and meta.get("newest_id"):
                newest = str(meta["newest_id"])  # the first page holds the newest
            if not meta.get("next_token"):
                break
            params["pagination_token"] = meta["next_token"]
        return InteractionPage(items=items, cursor=newest)

    def reply(
        self, account: AccountRef, to_platform_id: str, text: str
    ) -> PublishedRef:
        headers = self._auth(account)
        body = {"text": text, "reply": {"in_reply_to_tweet_id": to_platform_id}}
        tweet_id = self._create(headers, body)
        return PublishedRef(
            platform_post_id=tweet_id,
            url=mapping.tweet_url(self._username(account), tweet_id),
            published_at=self._clock.now(),
        )

    # --- moderation -------------------------------------------------------------------

    moderation = frozenset({Moderation.HIDE, Moderation.UNHIDE})

    def moderate(
        self, account: AccountRef, platform_id: str, action: Moderation
    ) -> None:
        """PUT /2/tweets/:id/hidden {"hidden": bool}: the author of a conversation may hide
        replies to it; X has no way to delete someone else's reply."""
        if action not in self.moderation:
            raise PublishError(
                "X lets you hide replies, not delete them.", kind=ErrorKind.PERMANENT
            )
        hidden = action is Moderation.HIDE
        response = self._http.request(
            "PUT",
            f"{self.api}/2/tweets/{platform_id}/hidden",
            headers=self._auth(account),
            json={"hidden": hidden},
        )
        data = self._json(response, write=True).get("data")
        if not isinstance(data, dict) or data.get("hidden") is not hidden:
            raise self._http.unreadable(
                response, ValueError("no data.hidden in the answer"), write=True
            )

    # --- Searcher --------------------------------------------------------------------

    def search(
        self,
        account: AccountRef,
        query: str,
        *,
        since: datetime | None = None,
        limit: int = 50,
    ) -> Sequence[FoundPost]:
        """Recent search (the last 7 days; X's query syntax). X bills each post returned."""
        params: dict[str, Any] = {
            "query": query,
            "max_results": min(100, max(10, limit)),
            "tweet.fields": "created_at,author_id,public_metrics,lang,entities,note_tweet",
            "expansions": "author_id",
            "user.fields": USER_FIELDS,
        }
        if since is not None:
            params["start_time"] = mapping.x_time(since)
        page = self._get("/2/tweets/search/recent", self._auth(account), params)
        users = mapping.users_by_id(page)
        return [mapping.found_post(t, users) for t in mapping.data_list(page)][:limit]

    # --- OAuthConnector --------------------------------------------------------------

    def authorize_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        return auth.authorize_url(
            app, state=state, code_challenge=code_challenge, base=self._authorize_base
        )

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> TokenSet:
        return auth.exchange_code(
            self._http,
            self.api + auth.TOKEN_PATH,
            app,
            code=code,
            code_verifier=code_verifier,
            now=self._clock.now(),
        )

    def refresh(self, app: OAuthApp, tokens: TokenSet) -> TokenSet:
        return auth.refresh(
            self._http, self.api + auth.TOKEN_PATH, app, tokens, now=self._clock.now()
        )

    def identities(self, tokens: TokenSet) -> Sequence[Identity]:
        me = self._get(
            "/2/users/me",
            self._headers(tokens.access_token),
            {"user.fields": "public_metrics"},
        )
        return [mapping.identity(me["data"])]
