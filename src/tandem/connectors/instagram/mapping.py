"""Graph API JSON for Instagram professional accounts <-> Tandem's dataclasses."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from tandem.connectors.meta.graph import metric_values, parse_time
from tandem.inbox.ports import Interaction, InteractionKind
from tandem.listen.ports import FoundPost
from tandem.publish.ports import Identity, PostMetrics, PublishedRef, RemotePost

# Media insights after the April 2025 deprecation of `impressions`: `views` replaces it.
# https://developers.facebook.com/docs/instagram-platform/reference/instagram-media/insights
INSIGHT_METRICS = ("reach", "likes", "comments", "saved", "shares", "views")
MEDIA_FIELDS = "id,caption,timestamp,permalink"
COMMENT_FIELDS = (
    "id,text,timestamp,username,from{id,username},"
    "replies{id,text,timestamp,username,from{id,username}}"
)
TAG_FIELDS = "id,caption,timestamp,username,permalink"
HASHTAG_MEDIA_FIELDS = "id,caption,timestamp,permalink,like_count,comments_count"
ACCOUNT_FIELDS = "id,name,instagram_business_account{id,username,name,followers_count}"


def published_ref(media_id: str, details: Mapping[str, Any] | None) -> PublishedRef:
    details = details or {}
    url = details.get("permalink")
    stamp = details.get("timestamp")
    return PublishedRef(
        platform_post_id=media_id,
        url=url if isinstance(url, str) else "",
        published_at=parse_time(stamp) if stamp else datetime.now(UTC),
    )


def remote_post(item: Mapping[str, Any]) -> RemotePost:
    return RemotePost(
        platform_post_id=str(item["id"]),
        url=str(item.get("permalink") or ""),
        text=str(item.get("caption") or ""),  # the caption, plain text as written
        published_at=parse_time(item["timestamp"]),
    )


def post_metrics(
    media_id: str,
    counts: Mapping[str, Any],
    insights: Mapping[str, Any] | None,
    at: datetime,
) -> PostMetrics:
    values = metric_values(insights or {})
    likes = values.get("likes", counts.get("like_count"))
    comments = values.get("comments", counts.get("comments_count"))
    return PostMetrics(
        platform_post_id=media_id,
        at=at,
        impressions=values.get("views"),
        reach=values.get("reach"),
        likes=likes if isinstance(likes, int) else None,
        comments=comments if isinstance(comments, int) else None,
        shares=values.get("shares"),
        saves=values.get("saved"),
    )


def _author(item: Mapping[str, Any]) -> str:
    return str(item.get("username") or (item.get("from") or {}).get("username") or "")


def comments(
    item: Mapping[str, Any], media_id: str, own_id: str
) -> Iterator[Interaction]:
    """A comment and its replies, skipping what the account wrote itself."""
    replies = (item.get("replies") or {}).get("data") or []
    for entry, parent in [(item, media_id)] + [(r, str(item["id"])) for r in replies]:
        if (entry.get("from") or {}).get("id") == own_id:
            continue
        handle = _author(entry)
        yield Interaction(
            platform_id=str(entry["id"]),
            kind=InteractionKind.COMMENT,
            text=str(entry.get("text") or ""),
            author_handle=handle,
            author_name=handle,  # Instagram gives commenters' usernames only
            created_at=parse_time(entry["timestamp"]),
            post_platform_id=media_id,
            in_reply_to=parent,
            conversation_id=media_id,
        )


def mention(item: Mapping[str, Any]) -> Interaction:
    handle = _author(item)
    return Interaction(
        platform_id=str(item["id"]),
        kind=InteractionKind.MENTION,
        text=str(item.get("caption") or ""),
        author_handle=handle,
        author_name=handle,
        created_at=parse_time(item["timestamp"]),
        url=str(item.get("permalink") or ""),
        conversation_id=str(item["id"]),
    )


def found_post(item: Mapping[str, Any]) -> FoundPost:
    likes, replies = item.get("like_count"), item.get("comments_count")
    return FoundPost(
        platform="instagram",
        platform_post_id=str(item["id"]),
        text=str(item.get("caption") or ""),
        author_handle="",  # hashtag search does not reveal who posted
        created_at=parse_time(item["timestamp"]),
        url=str(item.get("permalink") or ""),
        likes=likes if isinstance(likes, int) else None,
        replies=replies if isinstance(replies, int) else None,
    )


def identity(page: Mapping[str, Any]) -> Identity | None:
    """The professional account linked to a Page, or None when the Page has none."""
    account = page.get("instagram_business_account")
    if not isinstance(account, dict) or not account.get("id"):
        return None
    ig_id = str(account["id"])
    followers = account.get("followers_count")
    return Identity(
        platform_account_id=ig_id,
        handle=str(account.get("username") or ig_id),
        display_name=str(account.get("name") or account.get("username") or ig_id),
        followers=followers if isinstance(followers, int) else None,
        extra={"ig_user_id": ig_id, "page_id": str(page["id"])},
    )
