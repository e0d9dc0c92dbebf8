"""Public profile metrics of accounts that are not ours (competitor benchmarks): followers,
posts and, where the platform shows it, the engagement of recent posts.

Only what a platform lets anyone read without the account's own login is read. Bluesky's
public AppView answers `app.bsky.actor.getProfile` and `app.bsky.feed.getAuthorFeed` without
a token (https://docs.bsky.app/docs/advanced-guides/api-directory); a Mastodon instance
answers `GET /api/v1/accounts/lookup` and `GET /api/v1/accounts/:id/statuses` without one
unless its admin requires a login for the public API
(https://docs.joinmastodon.org/methods/accounts/#lookup, #statuses); the Sandbox answers its
account endpoint to any token. The other platforms are named with the reason they are not.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from tandem.connectors.bluesky.client import message_of as bluesky_message
from tandem.connectors.http import ConnectorHTTP, json_body
from tandem.connectors.mastodon.api import classify as mastodon_classify
from tandem.connectors.mastodon.api import message_of as mastodon_message
from tandem.connectors.mastodon.rules import PAGE_SIZE as MASTODON_PAGE
from tandem.connectors.registry import SANDBOX_DEFAULT_URL, SANDBOX_URL_ENV
from tandem.connectors.sandbox.client import platform_message as sandbox_message
from tandem.publish.ports import ErrorKind, PublishError

BLUESKY_APPVIEW = "https://public.api.bsky.app"
FEED_SAMPLE = 30  # recent posts averaged for engagement per post
READABLE = ("bluesky", "mastodon", "sandbox")
# user@instance: Mastodon's username characters (letters, digits, _ and inner dots or
# dashes) and a host name with a dot (the instance the account lives on).
MASTODON_ACCOUNT = re.compile(
    r"^@?(?P<user>[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)"
    r"@(?P<instance>(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63})$"
)
# Why a platform's public metrics are not read (shown on the dashboard as stated).
NO_PUBLIC_METRICS: dict[str, str] = {
    "x": "X's API reads other accounts only on paid access tiers",
    "instagram": "Instagram's Business Discovery needs an Instagram business login",
    "facebook": "Facebook needs Page Public Content Access approval to read other Pages",
    "linkedin": "LinkedIn's API does not give other organisations' follower counts",
    "threads": "the Threads API reads only the signed-in account's own profile",
    "tiktok": "TikTok's Research API is limited to approved researchers",
}


@dataclass(frozen=True)
class PublicProfile:
    followers: int
    posts: int
    engagement_per_post: float | None  # mean engagements of recent own posts
    sampled_posts: int  # how many recent posts the mean is over


def mastodon_account(handle: str) -> tuple[str, str]:
    """(user, instance) from `user@instance`; ValueError saying the expected form."""
    found = MASTODON_ACCOUNT.match(handle.strip())
    if not found:
        raise ValueError(
            "a Mastodon account is user@instance, e.g. northwind@mastodon.social "
            "(the address shown on its profile)."
        )
    return found["user"], found["instance"].lower()


def reason_unreadable(platform: str) -> str | None:
    """None when Tandem reads the platform's public metrics, else why not."""
    if platform in READABLE:
        return None
    return NO_PUBLIC_METRICS.get(platform, f"{platform} has no public metrics API")


class PublicProfiles:
    """Reads public profiles; one instance per job run (holds an HTTP client)."""

    def __init__(
        self,
        *,
        sandbox_url: str | None = None,
        bluesky_url: str = BLUESKY_APPVIEW,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
        mastodon_instances: Mapping[str, str] | None = None,
    ) -> None:
        """`mastodon_instances` maps an instance to the address it is reached at (tests
        serve recordings on loopback); others are https://<instance>, never private."""
        self.sandbox_url = (
            sandbox_url or os.environ.get(SANDBOX_URL_ENV) or SANDBOX_DEFAULT_URL
        ).rstrip("/")
        self.bluesky_url = bluesky_url.rstrip("/")
        self._bluesky_http = ConnectorHTTP(
            "Bluesky",
            message_of=bluesky_message,
            timeout=timeout,
            transport=transport,
            allow_private=transport is not None,  # tests answer from a recording
        )
        self.mastodon_instances = dict(mastodon_instances or {})
        self._mastodon_http = ConnectorHTTP(
            "Mastodon",
            message_of=mastodon_message,
            classify=mastodon_classify,
            timeout=timeout,
            transport=transport,
            allow_private=bool(self.mastodon_instances) or transport is not None,
        )
        # The Sandbox is on loopback by design.
        self._sandbox_http = ConnectorHTTP(
            "The Sandbox",
            message_of=sandbox_message,
            timeout=timeout,
            transport=transport,
            allow_private=True,
        )

    def close(self) -> None:
        self._bluesky_http.close()
        self._mastodon_http.close()
        self._sandbox_http.close()

    def read(self, platform: str, handle: str) -> PublicProfile:
        """Raises PublishError (kind PERMANENT for an unknown account or platform)."""
        if platform == "bluesky":
            return self._bluesky(handle)
        if platform == "mastodon":
            return self._mastodon(handle)
        if platform == "sandbox":
            return self._sandbox(handle)
        raise PublishError(
            f"No public metrics on {platform}: {reason_unreadable(platform)}.",
            kind=ErrorKind.PERMANENT,
        )

    @staticmethod
    def _get(http: ConnectorHTTP, url: str, **kwargs: Any) -> dict[str, Any]:
        response = http.request("GET", url, **kwargs)
        body = json_body(response)
        if not isinstance(body, dict):
            raise http.unreadable(
                response, ValueError("not a JSON object"), write=False
            )
        return body

    def _bluesky(self, handle: str) -> PublicProfile:
        actor = handle.lstrip("@")
        base = f"{self.bluesky_url}/xrpc"
        profile = self._get(
            self._bluesky_http,
            f"{base}/app.bsky.actor.getProfile",
            params={"actor": actor},
        )
        feed = self._get(
            self._bluesky_http,
            f"{base}/app.bsky.feed.getAuthorFeed",
            params={"actor": actor, "limit": FEED_SAMPLE, "filter": "posts_no_replies"},
        )
        own = [
            item["post"]
            for item in feed.get("feed", [])
            if "reason" not in item  # a repost of someone else's post
        ]
        totals = [
            sum(
                int(p.get(k) or 0)
                for k in ("likeCount", "repostCount", "replyCount", "quoteCount")
            )
            for p in own
        ]
        return PublicProfile(
            followers=int(profile.get("followersCount") or 0),
            posts=int(profile.get("postsCount") or 0),
            engagement_per_post=sum(totals) / len(totals) if totals else None,
            sampled_posts=len(totals),
        )

    def _sandbox(self, handle: str) -> PublicProfile:
        account = self._get(
            self._sandbox_http,
            f"{self.sandbox_url}/api/v1/accounts/{quote(handle.lstrip('@'), safe='')}",
            headers={"Authorization": "Bearer sandbox:public"},
        )
        return PublicProfile(
            followers=int(account["followers"]),
            posts=int(account["posts"]),
            engagement_per_post=None,
            sampled_posts=0,
        )

    def _mastodon(self, handle: str) -> PublicProfile:
        try:
            user, instance = mastodon_account(handle)
        except ValueError as exc:
            raise PublishError(f"@{handle}: {exc}", kind=ErrorKind.PERMANENT) from exc
        base = self.mastodon_instances.get(instance, f"https://{instance}")
        try:
            account = self._get(
                self._mastodon_http,
                f"{base}/api/v1/accounts/lookup",
                params={"acct": f"{user}@{instance}"},
            )
            statuses = self._mastodon_http.request(
                "GET",
                f"{base}/api/v1/accounts/{quote(str(account['id']), safe='')}/statuses",
                params={"exclude_reblogs": "true", "limit": MASTODON_PAGE},
            )
        except PublishError as exc:
            raise _mastodon_refusal(exc, user, instance) from exc
        except KeyError as exc:
            raise PublishError(
                f"{instance} answered an account without an id; try again later.",
                kind=ErrorKind.RETRY,
            ) from exc
        return _mastodon_profile(account, json_body(statuses), instance)


def _mastodon_refusal(exc: PublishError, user: str, instance: str) -> PublishError:
    """Mastodon's errors in words about a public read (there is no login to renew)."""
    if exc.status in (404, 410):
        return PublishError(
            f"No such account on {instance}: @{user} ({exc.message}). Check the address "
            "on the account's profile.",
            kind=ErrorKind.PERMANENT,
            status=exc.status,
        )
    if exc.status in (401, 403):
        return PublishError(
            f"{instance} does not let visitors read its accounts (its public API needs a "
            f"login: {exc.message}).",
            kind=ErrorKind.PERMANENT,
            status=exc.status,
        )
    wait = "" if exc.retry_after is None else f" (retry after {exc.retry_after:.0f} s)"
    return PublishError(  # rate limits, 5xx, timeouts: the daily job reads again
        f"{instance}: {exc.message}{wait}",
        kind=exc.kind,
        retry_after=exc.retry_after,
        status=exc.status,
    )


def _mastodon_profile(
    account: dict[str, Any], statuses: Any, instance: str
) -> PublicProfile:
    """Account and Status entities (https://docs.joinmastodon.org/entities/Account/,
    /Status/); engagement = replies + boosts + favourites of its own statuses."""
    if not isinstance(statuses, list):
        raise PublishError(
            f"{instance} answered statuses that are not a list; try again later.",
            kind=ErrorKind.RETRY,
        )
    own = [s for s in statuses if isinstance(s, dict) and not s.get("reblog")]
    totals = [
        sum(
            int(s.get(k) or 0)
            for k in ("replies_count", "reblogs_count", "favourites_count")
        )
        for s in own
    ]
    return PublicProfile(
        followers=int(account.get("followers_count") or 0),
        posts=int(account.get("statuses_count") or 0),
        engagement_per_post=sum(totals) / len(totals) if totals else None,
        sampled_posts=len(totals),
    )
