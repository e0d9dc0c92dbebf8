"""The Sandbox's JSON <-> Tandem's dataclasses (tandem.publish.ports for posts and metrics,
tandem.inbox.ports for conversations, tandem.listen.ports for search)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tandem.inbox.ports import Interaction, InteractionKind, InteractionPage
from tandem.listen.ports import FoundPost
from tandem.publish.ports import (
    AccountMetrics,
    OutboundPost,
    PostMetrics,
    PublishedRef,
    RemotePost,
)

PART_SEPARATOR = "\n\n"  # how the Sandbox joins a thread's parts into its `text`


def post_text(post: OutboundPost) -> str:
    """The text the Sandbox will show for `post`: compare with `RemotePost.text`."""
    return PART_SEPARATOR.join(post.parts)


def create_payload(post: OutboundPost) -> dict[str, Any]:
    # The fingerprint travels as client_ref: the Sandbox records it (no dedup, like most
    # platforms), which makes a duplicate traceable to the attempt that caused it.
    return {
        "parts": list(post.parts),
        "first_comment": post.first_comment,
        "client_ref": post.fingerprint,
    }


def _time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 time, got {value!r}")
    return datetime.fromisoformat(value)


def published_ref(payload: Mapping[str, Any]) -> PublishedRef:
    """From the 201 answer to a create; ValueError/KeyError when it is not one."""
    return PublishedRef(
        platform_post_id=str(payload["id"]),
        url=str(payload["url"]),
        published_at=_time(payload["created_at"]),
    )


def remote_post(payload: Mapping[str, Any]) -> RemotePost:
    parts = payload.get("parts") or []
    text = payload.get("text")
    return RemotePost(
        platform_post_id=str(payload["id"]),
        url=str(payload["url"]),
        text=str(text) if text is not None else PART_SEPARATOR.join(parts),
        published_at=_time(payload["created_at"]),
    )


def remote_posts(payload: Mapping[str, Any]) -> list[RemotePost]:
    posts = payload.get("posts")
    if not isinstance(posts, list):
        raise ValueError("the answer has no `posts` list")
    return [remote_post(item) for item in posts]


# --- reading: metrics, conversations, search -------------------------------------------


def _optional_time(value: Any) -> datetime | None:
    return None if value is None else _time(value)


def post_metrics(payload: Mapping[str, Any]) -> PostMetrics:
    return PostMetrics(
        platform_post_id=str(payload["id"]),
        at=_time(payload["at"]),
        impressions=int(payload["impressions"]),
        reach=int(payload["reach"]),
        likes=int(payload["likes"]),
        comments=int(payload["comments"]),
        shares=int(payload["shares"]),
        saves=int(payload["saves"]),
        clicks=int(payload["clicks"]),
    )


def account_metrics(payload: Mapping[str, Any]) -> AccountMetrics:
    return AccountMetrics(
        at=_time(payload["at"]),
        followers=int(payload["followers"]),
        following=int(payload["following"]),
        posts=int(payload["posts"]),
    )


def interaction(payload: Mapping[str, Any]) -> Interaction:
    author = payload["author"]
    return Interaction(
        platform_id=str(payload["id"]),
        kind=InteractionKind(payload["kind"]),
        text=str(payload["text"]),
        author_handle=str(author["handle"]),
        author_name=str(author.get("name") or author["handle"]),
        created_at=_time(payload["created_at"]),
        url=str(payload.get("url") or ""),
        author_followers=author.get("followers"),
        post_platform_id=str(payload.get("post_id") or ""),
        in_reply_to=str(payload.get("in_reply_to") or ""),
        conversation_id=str(payload.get("conversation_id") or ""),
        edited_at=_optional_time(payload.get("edited_at")),
        deleted=bool(payload.get("deleted")),
    )


def interaction_page(payload: Mapping[str, Any]) -> InteractionPage:
    items = payload.get("items")
    if not isinstance(items, list):
        raise ValueError("the answer has no `items` list")
    cursor = payload.get("next_cursor")
    return InteractionPage(
        items=[interaction(item) for item in items],
        cursor=None if cursor is None else str(cursor),
    )


def reply_ref(payload: Mapping[str, Any]) -> PublishedRef:
    return PublishedRef(
        platform_post_id=str(payload["id"]),
        url=str(payload["url"]),
        published_at=_time(payload["created_at"]),
    )


def found_post(payload: Mapping[str, Any]) -> FoundPost:
    """A search result: a post (with its metrics) or a comment or mention."""
    if payload["type"] == "post":
        metrics = payload.get("metrics") or {}
        return FoundPost(
            platform="sandbox",
            platform_post_id=str(payload["id"]),
            text=str(payload["text"]),
            author_handle=str(payload["account"]),
            created_at=_time(payload["created_at"]),
            url=str(payload.get("url") or ""),
            likes=metrics.get("likes"),
            shares=metrics.get("shares"),
            replies=metrics.get("comments"),
        )
    author = payload["author"]
    return FoundPost(
        platform="sandbox",
        platform_post_id=str(payload["id"]),
        text=str(payload["text"]),
        author_handle=str(author["handle"]),
        created_at=_time(payload["created_at"]),
        url=str(payload.get("url") or ""),
        author_followers=author.get("followers"),
        language=str(payload.get("language") or ""),
    )


def found_posts(payload: Mapping[str, Any]) -> list[FoundPost]:
    results = payload.get("results")
    if not isinstance(results, list):
        raise ValueError("the answer has no `results` list")
    return [found_post(item) for item in results]
