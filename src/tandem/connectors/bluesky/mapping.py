"""Bluesky JSON <-> Tandem dataclasses, and the AT Protocol identifiers in between.

Shapes follow the lexicons: app.bsky.feed.post (records), app.bsky.feed.defs#postView
(getPosts, searchPosts), app.bsky.notification.listNotifications, com.atproto.repo.listRecords.
https://github.com/bluesky-social/atproto/tree/main/lexicons
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tandem.connectors.bluesky.rules import POST_COLLECTION, WEB_ROOT
from tandem.inbox.ports import Interaction, InteractionKind
from tandem.listen.ports import FoundPost
from tandem.publish.ports import PostMetrics, RemotePost

# --- identifiers ----------------------------------------------------------------------------

_B32 = (
    "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, https://atproto.com/specs/tid
)
_tid_lock = threading.Lock()
_last_tid = 0


def new_tid() -> str:
    """A fresh, strictly increasing record key (53 bits of microseconds, 10 of clock id).

    Tandem picks each post's record key itself so it knows the post's URI before sending:
    after a lost answer it can still delete exactly that record when rolling a thread back.
    """
    global _last_tid
    with _tid_lock:
        value = (time.time_ns() // 1000) << 10 | random.randrange(1024)
        value = max(value, _last_tid + 1)
        _last_tid = value
    return "".join(_B32[(value >> (5 * i)) & 31] for i in reversed(range(13)))


@dataclass(frozen=True)
class AtUri:
    """at://<did>/<collection>/<rkey>"""

    repo: str
    collection: str
    rkey: str

    @classmethod
    def parse(cls, uri: str) -> AtUri:
        if not uri.startswith("at://"):
            raise ValueError(f"{uri!r} is not an at:// URI")
        parts = uri[len("at://") :].split("/")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"{uri!r} is not an at://<repo>/<collection>/<rkey> URI")
        return cls(*parts)

    def __str__(self) -> str:
        return f"at://{self.repo}/{self.collection}/{self.rkey}"


def post_uri(did: str, rkey: str) -> str:
    return str(AtUri(did, POST_COLLECTION, rkey))


def post_url(handle_or_did: str, uri: str) -> str:
    return f"{WEB_ROOT}/profile/{handle_or_did}/post/{AtUri.parse(uri).rkey}"


# --- time -----------------------------------------------------------------------------------


def to_datetime(value: str) -> datetime:
    """An AT Protocol datetime (RFC 3339, usually with Z) as an aware UTC datetime."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(
            tzinfo=UTC
        )  # the lexicon requires an offset; be lenient
    return moment.astimezone(UTC)


def to_atproto(moment: datetime) -> str:
    """Millisecond precision with a Z, the form the reference clients write."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


# --- records --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StrongRef:
    """com.atproto.repo.strongRef: a record pinned to one version by its CID."""

    uri: str
    cid: str

    def as_json(self) -> dict[str, str]:
        return {"uri": self.uri, "cid": self.cid}


def post_record(
    text: str,
    *,
    created_at: datetime,
    facets: list[dict[str, Any]],
    langs: tuple[str, ...] = (),
    embed: dict[str, Any] | None = None,
    reply: tuple[StrongRef, StrongRef] | None = None,
) -> dict[str, Any]:
    """An app.bsky.feed.post record; `reply` is (root, parent)."""
    record: dict[str, Any] = {
        "$type": POST_COLLECTION,
        "text": text,
        "createdAt": to_atproto(created_at),
    }
    if facets:
        record["facets"] = facets
    if langs:
        record["langs"] = list(langs)
    if embed:
        record["embed"] = embed
    if reply:
        root, parent = reply
        record["reply"] = {"root": root.as_json(), "parent": parent.as_json()}
    return record


def images_embed(blobs: list[dict[str, Any]]) -> dict[str, Any]:
    # alt is required by the lexicon; Tandem has no alt text per file yet, so it is empty.
    return {
        "$type": "app.bsky.embed.images",
        "images": [{"alt": "", "image": blob} for blob in blobs],
    }


def video_embed(blob: dict[str, Any]) -> dict[str, Any]:
    return {"$type": "app.bsky.embed.video", "video": blob}


def reply_refs(
    post_view_or_record: dict[str, Any], ref: StrongRef
) -> tuple[StrongRef, StrongRef]:
    """(root, parent) for a reply to `ref`: its own root when it is itself a reply."""
    record = post_view_or_record.get("record") or post_view_or_record.get("value") or {}
    root = (record.get("reply") or {}).get("root")
    if isinstance(root, dict) and root.get("uri") and root.get("cid"):
        return StrongRef(str(root["uri"]), str(root["cid"])), ref
    return ref, ref


# --- reading --------------------------------------------------------------------------------


def remote_post(item: dict[str, Any], handle: str) -> RemotePost | None:
    """A listRecords item as a RemotePost; None for replies (not top-level posts)."""
    value = item.get("value") or {}
    if value.get("reply"):
        return None
    uri = str(item["uri"])
    return RemotePost(
        platform_post_id=uri,
        url=post_url(handle, uri),
        text=str(value.get("text", "")),
        published_at=to_datetime(str(value["createdAt"])),
    )


def post_metrics(view: dict[str, Any], at: datetime) -> PostMetrics:
    """Bluesky reports no impressions or reach; shares = reposts + quote-posts."""
    reposts = int(view.get("repostCount") or 0)
    quotes = int(view.get("quoteCount") or 0)
    return PostMetrics(
        platform_post_id=str(view["uri"]),
        at=at,
        likes=int(view.get("likeCount") or 0),
        comments=int(view.get("replyCount") or 0),
        shares=reposts + quotes,
    )


_KINDS = {
    "reply": InteractionKind.COMMENT,
    "mention": InteractionKind.MENTION,
    "quote": InteractionKind.QUOTE,
}


def interaction(notification: dict[str, Any]) -> Interaction | None:
    """A reply/mention/quote notification as an Interaction; None for likes, follows..."""
    kind = _KINDS.get(str(notification.get("reason", "")))
    if kind is None:
        return None
    author = notification.get("author") or {}
    record = notification.get("record") or {}
    reply = record.get("reply") or {}
    uri = str(notification["uri"])
    handle = str(author.get("handle", ""))
    subject = str(notification.get("reasonSubject") or "")
    created = record.get("createdAt") or notification["indexedAt"]
    return Interaction(
        platform_id=uri,
        kind=kind,
        text=str(record.get("text", "")),
        author_handle=handle,
        author_name=str(author.get("displayName") or handle),
        created_at=to_datetime(str(created)),
        url=post_url(handle or str(author.get("did", "")), uri),
        post_platform_id=subject,
        in_reply_to=str((reply.get("parent") or {}).get("uri", "")),
        conversation_id=str((reply.get("root") or {}).get("uri", "")),
    )


def found_post(view: dict[str, Any]) -> FoundPost:
    author = view.get("author") or {}
    record = view.get("record") or {}
    handle = str(author.get("handle", ""))
    uri = str(view["uri"])
    langs = record.get("langs") or []
    created = record.get("createdAt") or view.get("indexedAt")
    return FoundPost(
        platform="bluesky",
        platform_post_id=uri,
        text=str(record.get("text", "")),
        author_handle=handle,
        created_at=to_datetime(str(created)),
        url=post_url(handle or str(author.get("did", "")), uri),
        likes=view.get("likeCount"),
        shares=int(view.get("repostCount") or 0) + int(view.get("quoteCount") or 0),
        replies=view.get("replyCount"),
        language=str(langs[0]) if langs else "",
    )
