"""`LinkedInConnector`: Tandem's LinkedIn connector (versioned REST API, Posts API).

Implements Publisher, MetricsSource, ConversationSource (comments on our posts) and
OAuthConnector. Not implemented, because LinkedIn's API does not offer them to ordinary
apps: public search (no search API), mentions and messages (closed partner programmes),
threads (not a LinkedIn concept: a multi-part post is refused, see `publish`).
docs/connectors/linkedin.md lists which permission each call needs.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx

from tandem.connectors.http import DEFAULT_TIMEOUT, ConnectorHTTP
from tandem.connectors.linkedin import auth, errors, mapping
from tandem.connectors.linkedin.media import ImageUploader
from tandem.connectors.uploads import read_media
from tandem.core.clock import Clock, SystemClock
from tandem.inbox.ports import Interaction, InteractionPage
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

API_ROOT = "https://api.linkedin.com"
# Marketing version March 2026: supported until March 2027 (LinkedIn's migrations page).
LINKEDIN_VERSION = "202603"
PAGE_SIZE = 100
MAX_PAGES = 5
COMMENT_WINDOW = timedelta(days=30)  # our posts whose comments the inbox follows
MAX_COMMENTED_POSTS = 20
_COMMENT_URN = re.compile(r"^urn:li:comment:\((urn:li:[a-zA-Z]+:\d+),\d+\)$")

log = logging.getLogger(__name__)


def _enc(urn: str) -> str:
    return quote(urn, safe="")


class LinkedInConnector:
    """LinkedIn for one Tandem install (any number of accounts; thread-safe).

    Credentials (`AccountRef.credentials`): `access_token` (60 days), `refresh_token`
    (approved partner apps only), `expires_at`, `scope`, and from `Identity.extra`:
    `author_urn` (urn:li:person:… or urn:li:organization:…, whom posts are published as)
    and `person_urn` (the member who connected it).
    """

    def __init__(
        self,
        base_url: str = API_ROOT,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        poll_interval: float = 1.0,
        clock: Clock | None = None,
        sleep: Callable[[float], None] = time.sleep,
        version: str = LINKEDIN_VERSION,
        scopes: Sequence[str] = auth.MEMBER_SCOPES,
        oauth_base: str = auth.OAUTH_BASE,
    ) -> None:
        self.api = base_url.rstrip("/")
        self.version = version
        self.scopes = tuple(scopes)
        self._oauth_base = oauth_base.rstrip("/")
        self._clock = clock or SystemClock()
        self._http = ConnectorHTTP(
            errors.PLATFORM,
            message_of=errors.message_of,
            classify=errors.classify,
            timeout=timeout,
            transport=transport,
        )
        self._images = ImageUploader(
            self._http, self.api, poll_interval=poll_interval, sleep=sleep
        )

    def close(self) -> None:
        self._http.close()

    # --- plumbing --------------------------------------------------------------------

    def _headers(self, token: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token}",
            "LinkedIn-Version": self.version,
            "X-Restli-Protocol-Version": "2.0.0",
        }

    def _auth(self, account: AccountRef) -> dict[str, str]:
        token = account.credentials.get("access_token", "")
        if not token:
            raise PublishError(
                f"No LinkedIn access token is stored for {account.handle}; connect the "
                "account again.",
                kind=ErrorKind.RECONNECT,
            )
        return self._headers(token)

    def _author(self, account: AccountRef) -> str:
        author = account.credentials.get("author_urn", "")
        if not author:
            raise PublishError(
                f"The LinkedIn account {account.handle} has no author URN stored; "
                "reconnect it so Tandem learns whom to post as.",
                kind=ErrorKind.RECONNECT,
            )
        return author

    def _get(self, url: str, headers: Mapping[str, str]) -> Mapping[str, Any]:
        response = self._http.request("GET", url, headers=headers)
        try:
            body = response.json()
            if not isinstance(body, dict):
                raise ValueError("the answer is not a JSON object")
            return body
        except ValueError as exc:
            raise self._http.unreadable(response, exc, write=False) from exc

    def _created_id(self, response: httpx.Response) -> str:
        """The new entity's URN: LinkedIn answers 201 with it in `x-restli-id`."""
        urn = response.headers.get("x-restli-id")
        if not urn:
            try:
                body = response.json()
                urn = body.get("commentUrn") or body.get("$URN") or body.get("id")
            except (ValueError, AttributeError):
                urn = None
        if not urn:
            raise self._http.unreadable(
                response, ValueError("no x-restli-id header"), write=True
            )
        return str(urn)

    # --- Publisher -------------------------------------------------------------------

    def publish(self, account: AccountRef, post: OutboundPost) -> PublishedRef:
        """One post (LinkedIn has no threads), images attached, first comment after."""
        if len(post.parts) > 1:
            raise PublishError(
                f"LinkedIn has no threads, and this post has {len(post.parts)} parts. "
                "Merge them into one LinkedIn variant (up to 3,000 characters) and "
                "schedule it again.",
                kind=ErrorKind.PERMANENT,
            )
        headers, author = self._auth(account), self._author(account)
        files = [read_media(p, platform="LinkedIn") for p in post.media_paths]
        images = [self._images.upload(headers, author, f) for f in files]
        response = self._http.request(
            "POST",
            f"{self.api}/rest/posts",
            headers=headers,
            json=mapping.post_body(author, post.parts[0], images),
        )
        urn = self._created_id(response)
        published_at = self._clock.now()
        if post.first_comment:
            try:
                self._comment(headers, author, urn, post.first_comment)
            except PublishError as exc:
                # The post is live: failing now would make the worker post it again.
                log.warning("LinkedIn first comment on %s failed: %s", urn, exc.message)
        return PublishedRef(
            platform_post_id=urn, url=mapping.post_url(urn), published_at=published_at
        )

    def _comment(
        self,
        headers: Mapping[str, str],
        actor: str,
        target: str,
        message: str,
    ) -> str:
        """Comment on a post, or answer a comment (`target` is then its URN)."""
        nested = _COMMENT_URN.match(target)
        post_urn = nested.group(1) if nested else target
        body = mapping.comment_body(
            actor, post_urn, message, parent=target if nested else ""
        )
        response = self._http.request(
            "POST",
            f"{self.api}/rest/socialActions/{_enc(target)}/comments",
            headers=headers,
            json=body,
        )
        return self._created_id(response)

    def recent_posts(
        self, account: AccountRef, *, since: datetime
    ) -> Sequence[RemotePost]:
        """The author's posts published since `since`, newest first, commentary turned
        back from little text into what the user wrote. For a member this needs the
        restricted r_member_social permission; for a Page, r_organization_social."""
        headers, author = self._auth(account), self._author(account)
        found: list[RemotePost] = []
        for page in range(MAX_PAGES):
            url = (
                f"{self.api}/rest/posts?author={_enc(author)}&q=author"
                f"&count={PAGE_SIZE}&start={page * PAGE_SIZE}&sortBy=CREATED"
            )
            body = self._get(url, headers)
            try:
                batch = [mapping.remote_post(e) for e in mapping.elements(body)]
            except (ValueError, KeyError, TypeError) as exc:
                raise PublishError(
                    f"LinkedIn's list of posts was unreadable: {exc}",
                    kind=ErrorKind.RETRY,
                ) from exc
            found += [p for p in batch if p.published_at >= since]
            if len(batch) < PAGE_SIZE or any(p.published_at < since for p in batch):
                break
        return found

    def delete(self, account: AccountRef, platform_post_id: str) -> None:
        """Delete the post; one that is already gone counts as deleted."""
        headers = {**self._auth(account), "X-RestLi-Method": "DELETE"}
        try:
            self._http.request(
                "DELETE",
                f"{self.api}/rest/posts/{_enc(platform_post_id)}",
                headers=headers,
            )
        except PublishError as exc:
            if exc.status not in (404, 410):
                raise

    # --- MetricsSource ---------------------------------------------------------------

    def post_metrics(
        self, account: AccountRef, platform_post_ids: Sequence[str]
    ) -> Sequence[PostMetrics]:
        """Likes and comments for any post; impressions, reach, shares and clicks only for
        a Page's posts (organizationalEntityShareStatistics). LinkedIn offers members'
        post analytics to approved partners only."""
        headers, author = self._auth(account), self._author(account)
        now = self._clock.now()
        metrics = {
            urn: mapping.social_metrics(
                urn,
                self._get(f"{self.api}/rest/socialActions/{_enc(urn)}", headers),
                now,
            )
            for urn in platform_post_ids
        }
        if author.startswith("urn:li:organization:") and metrics:
            for element in self._share_statistics(headers, author, list(metrics)):
                urn = mapping.statistics_target(element)
                if urn in metrics:
                    metrics[urn] = mapping.with_share_statistics(metrics[urn], element)
        return list(metrics.values())

    def _share_statistics(
        self, headers: Mapping[str, str], organization: str, urns: Sequence[str]
    ) -> Sequence[Mapping[str, Any]]:
        shares = [_enc(u) for u in urns if u.startswith("urn:li:share:")]
        ugc = [_enc(u) for u in urns if u.startswith("urn:li:ugcPost:")]
        url = (
            f"{self.api}/rest/organizationalEntityShareStatistics"
            f"?q=organizationalEntity&organizationalEntity={_enc(organization)}"
        )
        if shares:
            url += f"&shares=List({','.join(shares)})"
        if ugc:
            url += f"&ugcPosts=List({','.join(ugc)})"
        return mapping.elements(self._get(url, headers))

    def account_metrics(self, account: AccountRef) -> AccountMetrics:
        """Followers of a Page; a member's follower count is not open to ordinary apps."""
        headers, author = self._auth(account), self._author(account)
        now = self._clock.now()
        if not author.startswith("urn:li:organization:"):
            return AccountMetrics(at=now)
        body = self._get(
            f"{self.api}/rest/networkSizes/{_enc(author)}"
            "?edgeType=COMPANY_FOLLOWED_BY_MEMBER",
            headers,
        )
        size = body.get("firstDegreeSize")
        return AccountMetrics(at=now, followers=size if isinstance(size, int) else None)

    # --- ConversationSource ----------------------------------------------------------

    def interactions(
        self, account: AccountRef, *, cursor: str | None = None
    ) -> InteractionPage:
        """Comments on the account's posts of the last 30 days, newer than `cursor`
        (the newest comment time seen, epoch milliseconds)."""
        headers = self._auth(account)
        after = int(cursor) if cursor else 0
        posts = self.recent_posts(account, since=self._clock.now() - COMMENT_WINDOW)[
            :MAX_COMMENTED_POSTS
        ]
        items: list[Interaction] = []
        for post in posts:
            body = self._get(
                f"{self.api}/rest/socialActions/{_enc(post.platform_post_id)}"
                f"/comments?count={PAGE_SIZE}",
                headers,
            )
            for element in mapping.elements(body):
                if int((element.get("created") or {}).get("time", 0)) > after:
                    items.append(mapping.comment(element, post.platform_post_id))
        newest = max([after, *(int(i.created_at.timestamp() * 1000) for i in items)])
        items.sort(key=lambda i: i.created_at)
        return InteractionPage(items=items, cursor=str(newest) if newest else cursor)

    def reply(
        self, account: AccountRef, to_platform_id: str, text: str
    ) -> PublishedRef:
        """Comment as the account on a post, or answer a comment (nested comment)."""
        headers, author = self._auth(account), self._author(account)
        urn = self._comment(headers, author, to_platform_id, text)
        nested = _COMMENT_URN.match(to_platform_id)
        post = nested.group(1) if nested else to_platform_id
        return PublishedRef(
            platform_post_id=urn,
            url=mapping.post_url(post),
            published_at=self._clock.now(),
        )

    # --- OAuthConnector --------------------------------------------------------------

    def authorize_url(self, app: OAuthApp, *, state: str, code_challenge: str) -> str:
        """LinkedIn's web flow for confidential clients takes no PKCE challenge."""
        return auth.authorize_url(
            app, state=state, scopes=self.scopes, base=self._oauth_base
        )

    def exchange_code(
        self, app: OAuthApp, *, code: str, code_verifier: str
    ) -> TokenSet:
        return auth.exchange_code(
            self._http, self._oauth_base, app, code=code, now=self._clock.now()
        )

    def refresh(self, app: OAuthApp, tokens: TokenSet) -> TokenSet:
        return auth.refresh(
            self._http, self._oauth_base, app, tokens, now=self._clock.now()
        )

    def identities(self, tokens: TokenSet) -> Sequence[Identity]:
        """The member, then each Page they administer (when Page scopes were granted)."""
        headers = self._headers(tokens.access_token)
        person = mapping.person_identity(self._get(f"{self.api}/v2/userinfo", headers))
        found = [person]
        if "rw_organization_admin" not in auth.granted(tokens):
            return found
        acls = self._get(
            f"{self.api}/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR"
            "&state=APPROVED",
            headers,
        )
        for acl in mapping.elements(acls):
            urn = str(acl.get("organization") or "")
            if not urn.startswith("urn:li:organization:"):
                continue
            org_id = urn.rsplit(":", 1)[1]
            organization = self._get(f"{self.api}/rest/organizations/{org_id}", headers)
            found.append(
                mapping.organization_identity(
                    urn, organization, person.platform_account_id
                )
            )
        return found
