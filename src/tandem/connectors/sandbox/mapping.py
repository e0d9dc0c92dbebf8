"""The Sandbox's JSON <-> Tandem's publishing dataclasses (tandem.publish.ports)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tandem.publish.ports import OutboundPost, PublishedRef, RemotePost

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
