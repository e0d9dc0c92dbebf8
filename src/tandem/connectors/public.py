"""Public profile metrics of accounts that are not ours (competitor benchmarks): followers,
posts and, where the platform shows it, the engagement of recent posts.

Only what a platform lets anyone read without the account's own login is read. Bluesky's
public AppView answers `app.bsky.actor.getProfile` and `app.bsky.feed.getAuthorFeed` without
a token (https://docs.bsky.app/docs/advanced-guides/api-directory); the Sandbox answers its
account endpoint to any token. The other platforms are named with the reason they are not.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from tandem.connectors.bluesky.client import message_of as bluesky_message
from tandem.connectors.http import ConnectorHTTP, json_body
from tandem.connectors.registry import SANDBOX_DEFAULT_URL, SANDBOX_URL_ENV
from tandem.connectors.sandbox.client import platform_message as sandbox_message
from tandem.publish.ports import ErrorKind, PublishError

BLUESKY_APPVIEW = "https://public.api.bsky.app"
FEED_SAMPLE = 30  # recent posts averaged for engagement per post
READABLE = ("bluesky", "sandbox")
# Why a platform's public metrics are not read (shown on the dashboard as stated).
NO_PUBLIC_METRICS: dict[str, str] = {
    "x": "X's API reads other accounts only on paid access tiers",
    "instagram": "Instagram's Business Discovery needs an Instagram business login",
    "facebook": "Facebook needs Page Public Content Access approval to read other Pages",
    "linkedin": "LinkedIn's API does not give other organisations' follower counts",
    "threads": "the Threads API reads only the signed-in account's own profile",
    "mastodon": "Tandem does not read Mastodon profiles of other accounts",
    "tiktok": "TikTok's Research API is limited to approved researchers",
}


@dataclass(frozen=True)
class PublicProfile:
    followers: int
    posts: int
    engagement_per_post: float | None  # mean likes+reposts+replies+quotes, recent posts
    sampled_posts: int  # how many recent posts the mean is over


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
    ) -> None:
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
        self._sandbox_http.close()

    def read(self, platform: str, handle: str) -> PublicProfile:
        """Raises PublishError (kind PERMANENT for an unknown account or platform)."""
        if platform == "bluesky":
            return self._bluesky(handle)
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
