"""Threads API JSON <-> Tandem's dataclasses. Threads returns `text` as plain text."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from tandem.connectors.meta.graph import metric_values, parse_time
from tandem.inbox.ports import Interaction, InteractionKind
from tandem.listen.ports import FoundPost
from tandem.publish.ports import Identity, PostMetrics, PublishedRef, RemotePost

POST_FIELDS = "id,text,timestamp,permalink,media_type"
REPLY_FIELDS = "id,text,username,timestamp,permalink,replied_to,root_post"
SEARCH_FIELDS = "id,text,username,timestamp,permalink,media_type"
# https://developers.facebook.com/docs/threads/insights (media insights, lifetime)
INSIGHT_METRICS = ("views", "likes", "replies", "reposts", "quotes", "shares")


def published_ref(media_id: str, details: Mapping[str, Any] | None) -> PublishedRef:
    details = details or {}
    stamp = details.get("timestamp")
    return PublishedRef(
        platform_post_id=media_id,
        url=str(details.get("permalink") or ""),
        published_at=parse_time(stamp) if stamp else datetime.now(UTC),
    )


def remote_post(item: Mapping[str, Any]) -> RemotePost:
    return RemotePost(
        platform_post_id=str(item["id"]),
        url=str(item.get("permalink") or ""),
        text=str(item.get("text") or ""),
        published_at=parse_time(item["timestamp"]),
    )


def post_metrics(
    media_id: str, insights: Mapping[str, Any], at: datetime
) -> PostMetrics:
    values = metric_values(insights)
    reposts, quotes = values.get("reposts"), values.get("quotes")
    shares = (
        None if reposts is None and quotes is None else (reposts or 0) + (quotes or 0)
    )
    return PostMetrics(
        platform_post_id=media_id,
        at=at,
        impressions=values.get("views"),
        likes=values.get("likes"),
        comments=values.get("replies"),
        shares=shares,  # reposts + quotes: both re-share the post to other feeds
    )


def _ref(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    return str(value.get("id") or "") if isinstance(value, dict) else ""


def interaction(item: Mapping[str, Any], kind: InteractionKind) -> Interaction:
    handle = str(item.get("username") or "")
    root = _ref(item, "root_post")
    return Interaction(
        platform_id=str(item["id"]),
        kind=kind,
        text=str(item.get("text") or ""),
        author_handle=handle,
        author_name=handle,  # the Threads API gives usernames, not display names
        created_at=parse_time(item["timestamp"]),
        url=str(item.get("permalink") or ""),
        post_platform_id=root if kind is InteractionKind.COMMENT else "",
        in_reply_to=_ref(item, "replied_to"),
        conversation_id=root or str(item["id"]),
    )


def found_post(item: Mapping[str, Any]) -> FoundPost:
    return FoundPost(
        platform="threads",
        platform_post_id=str(item["id"]),
        text=str(item.get("text") or ""),
        author_handle=str(item.get("username") or ""),
        created_at=parse_time(item["timestamp"]),
        url=str(item.get("permalink") or ""),
    )


def identity(me: Mapping[str, Any]) -> Identity:
    user_id = str(me["id"])
    handle = str(me.get("username") or user_id)
    return Identity(
        platform_account_id=user_id,
        handle=handle,
        display_name=str(me.get("name") or handle),
        extra={"user_id": user_id},
    )
