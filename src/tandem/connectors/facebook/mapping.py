"""Graph API JSON for Facebook Pages <-> Tandem's dataclasses."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from tandem.connectors.meta.graph import metric_values, parse_time
from tandem.inbox.ports import Interaction, InteractionKind
from tandem.publish.ports import Identity, PostMetrics, PublishedRef, RemotePost

WEB_ROOT = "https://www.facebook.com"
_URL = re.compile(r"https?://[^\s<>\"']+")
# Post insights after the Nov 2025 deprecation of impressions metrics: views replace them.
# https://developers.facebook.com/docs/platforminsights/page/deprecated-metrics
INSIGHT_METRICS = ("post_media_view", "post_total_media_view_unique", "post_clicks")
ENGAGEMENT_FIELDS = "shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)"
POST_FIELDS = "id,message,created_time,permalink_url"
COMMENT_FIELDS = "id,message,created_time,from{id,name},parent{id},permalink_url"
PAGE_FIELDS = "id,name,username,access_token,followers_count,fan_count"


def first_link(text: str) -> str:
    """The first URL in the text: Facebook shows a preview card only for the `link` field."""
    match = _URL.search(text)
    return match.group(0).rstrip(".,;:!?)") if match else ""


def attached_media(photo_ids: Sequence[str]) -> dict[str, str]:
    return {
        f"attached_media[{index}]": json.dumps({"media_fbid": photo_id})
        for index, photo_id in enumerate(photo_ids)
    }


def post_url(post_id: str) -> str:
    return f"{WEB_ROOT}/{post_id}"


def published_ref(post_id: str, details: Mapping[str, Any] | None) -> PublishedRef:
    """From the post's id and, when the follow-up read worked, its permalink and time."""
    details = details or {}
    url = details.get("permalink_url")
    created = details.get("created_time")
    return PublishedRef(
        platform_post_id=post_id,
        url=url if isinstance(url, str) and url else post_url(post_id),
        published_at=parse_time(created) if created else datetime.now(UTC),
    )


def remote_post(item: Mapping[str, Any]) -> RemotePost:
    post_id = str(item["id"])
    url = item.get("permalink_url")
    return RemotePost(
        platform_post_id=post_id,
        url=url if isinstance(url, str) and url else post_url(post_id),
        # `message` is the plain text exactly as written; absent on photo-only posts.
        text=str(item.get("message") or ""),
        published_at=parse_time(item["created_time"]),
    )


def _summary_total(body: Mapping[str, Any], edge: str) -> int | None:
    summary = (body.get(edge) or {}).get("summary") or {}
    total = summary.get("total_count")
    return total if isinstance(total, int) else None


def post_metrics(
    post_id: str,
    engagement: Mapping[str, Any],
    insights: Mapping[str, Any] | None,
    at: datetime,
) -> PostMetrics:
    shares = (engagement.get("shares") or {}).get("count")
    values = metric_values(insights or {})
    return PostMetrics(
        platform_post_id=post_id,
        at=at,
        impressions=values.get("post_media_view"),
        reach=values.get("post_total_media_view_unique"),
        likes=_summary_total(engagement, "reactions"),
        comments=_summary_total(engagement, "comments"),
        # Facebook omits `shares` on a post nobody shared yet: that is a measured zero.
        shares=shares if isinstance(shares, int) else 0,
        clicks=values.get("post_clicks"),
    )


def interaction(
    item: Mapping[str, Any], kind: InteractionKind, *, post_id: str = ""
) -> Interaction:
    author = item.get("from") or {}
    parent = (item.get("parent") or {}).get("id")
    url = item.get("permalink_url")
    return Interaction(
        platform_id=str(item["id"]),
        kind=kind,
        text=str(item.get("message") or ""),
        # People have no public username on Facebook: the app-scoped id stands in for it.
        author_handle=str(author.get("id") or ""),
        author_name=str(author.get("name") or ""),
        created_at=parse_time(item["created_time"]),
        url=url if isinstance(url, str) else "",
        post_platform_id=post_id,
        in_reply_to=str(parent or post_id),
        conversation_id=post_id or str(item["id"]),
    )


def identity(page: Mapping[str, Any]) -> Identity:
    """A Page the user manages, with the Page's own access token."""
    page_id = str(page["id"])
    followers = page.get("followers_count", page.get("fan_count"))
    return Identity(
        platform_account_id=page_id,
        handle=str(page.get("username") or page_id),
        display_name=str(page.get("name") or page_id),
        followers=followers if isinstance(followers, int) else None,
        extra={"page_id": page_id, "page_access_token": str(page["access_token"])},
    )
