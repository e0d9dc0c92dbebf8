"""Mastodon JSON (Status, Account, Notification, Token, Application entities) <-> Tandem's
dataclasses. Entities: https://docs.joinmastodon.org/entities/

Functions raise KeyError/TypeError/ValueError on a payload that is not the documented shape;
the caller decides what that means (after a write: UNKNOWN).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from tandem.connectors.mastodon.content import html_to_text
from tandem.connectors.mastodon.rules import PLATFORM
from tandem.inbox.ports import Interaction, InteractionKind
from tandem.listen.ports import FoundPost
from tandem.publish.ports import (
    Identity,
    PostMetrics,
    PublishedRef,
    RemotePost,
    TokenSet,
)

Json = Mapping[str, Any]


def time_of(value: Any) -> datetime:
    """An aware datetime from Mastodon's ISO 8601 (`2019-12-08T03:48:33.901Z`)."""
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 time, got {value!r}")
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _optional_time(value: Any) -> datetime | None:
    return time_of(value) if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def status_url(status: Json) -> str:
    return str(status.get("url") or status.get("uri") or "")


def status_text(status: Json) -> str:
    """What the author typed: `text` when Mastodon sent the source (delete answers), else
    the HTML `content` turned back into plain text."""
    source = status.get("text")
    if isinstance(source, str) and source:
        return source
    return html_to_text(str(status.get("content") or ""))


def published_ref(status: Json) -> PublishedRef:
    return PublishedRef(
        platform_post_id=str(status["id"]),
        url=status_url(status),
        published_at=time_of(status["created_at"]),
    )


def remote_post(status: Json) -> RemotePost:
    return RemotePost(
        platform_post_id=str(status["id"]),
        url=status_url(status),
        text=status_text(status),
        published_at=time_of(status["created_at"]),
    )


def is_top_level(status: Json) -> bool:
    """Neither a reply (threads and first comments are self-replies) nor a boost."""
    return not status.get("in_reply_to_id") and not status.get("reblog")


def post_metrics(status: Json, at: datetime) -> PostMetrics:
    # Mastodon counts no impressions, reach, saves or clicks: those stay None.
    return PostMetrics(
        platform_post_id=str(status["id"]),
        at=at,
        likes=_int(status.get("favourites_count")),
        comments=_int(status.get("replies_count")),
        shares=_int(status.get("reblogs_count")),
    )


def full_handle(account: Json, base_url: str) -> str:
    """`user@host`: `acct` is only `user` for an account of the instance itself."""
    acct = str(account.get("acct") or account["username"])
    if "@" in acct:
        return acct
    return f"{acct}@{urlsplit(base_url).hostname}"


def identity(account: Json, base_url: str) -> Identity:
    account_id = str(account["id"])
    return Identity(
        platform_account_id=account_id,
        handle=full_handle(account, base_url),
        display_name=str(account.get("display_name") or account["username"]),
        followers=_int(account.get("followers_count")),
        extra={"account_id": account_id, "base_url": base_url},
    )


def token_set(payload: Json, base_url: str, *, now: datetime) -> TokenSet:
    """From POST /oauth/token. Mastodon's tokens do not expire unless the answer says so."""
    expires_in = _int(payload.get("expires_in"))
    return TokenSet(
        access_token=str(payload["access_token"]),
        refresh_token=str(payload.get("refresh_token") or ""),
        expires_at=now + timedelta(seconds=expires_in) if expires_in else None,
        scope=str(payload.get("scope") or ""),
        extra={"base_url": base_url},
    )


def interaction_kind(
    status: Json, notification_type: str, own_id: str
) -> InteractionKind:
    if notification_type == "quote":
        return InteractionKind.QUOTE
    if status.get("visibility") == "direct":
        return InteractionKind.MESSAGE
    if own_id and str(status.get("in_reply_to_account_id") or "") == own_id:
        return InteractionKind.COMMENT
    return InteractionKind.MENTION


def _quoted_id(status: Json) -> str:
    # Mastodon 4.5: `quote` is a Quote entity {state, quoted_status: Status | null}.
    quote = status.get("quote")
    if isinstance(quote, Mapping):
        quoted = quote.get("quoted_status")
        if isinstance(quoted, Mapping) and quoted.get("id"):
            return str(quoted["id"])
    return ""


def interaction(notification: Json, own_id: str, base_url: str) -> Interaction | None:
    """A mention/quote notification as an inbox item; None when its status is gone."""
    status = notification.get("status")
    if not isinstance(status, Mapping):
        return None
    kind = interaction_kind(status, str(notification.get("type")), own_id)
    author = status["account"]
    in_reply_to = str(status.get("in_reply_to_id") or "")
    if kind is InteractionKind.QUOTE:
        post_id = _quoted_id(status)
    elif kind is InteractionKind.COMMENT:
        post_id = in_reply_to
    else:
        post_id = ""
    return Interaction(
        platform_id=str(status["id"]),
        kind=kind,
        text=status_text(status),
        author_handle=full_handle(author, base_url),
        author_name=str(author.get("display_name") or author.get("username") or ""),
        created_at=time_of(status["created_at"]),
        url=status_url(status),
        author_followers=_int(author.get("followers_count")),
        post_platform_id=post_id,
        in_reply_to=in_reply_to,
        edited_at=_optional_time(status.get("edited_at")),
    )


def found_post(status: Json, base_url: str) -> FoundPost:
    return FoundPost(
        platform=PLATFORM,
        platform_post_id=str(status["id"]),
        text=status_text(status),
        author_handle=full_handle(status["account"], base_url),
        created_at=time_of(status["created_at"]),
        url=status_url(status),
        author_followers=_int(status["account"].get("followers_count")),
        likes=_int(status.get("favourites_count")),
        shares=_int(status.get("reblogs_count")),
        replies=_int(status.get("replies_count")),
        language=str(status.get("language") or ""),
    )


def newest_id(ids: list[str]) -> str:
    """Mastodon ids are numeric strings (snowflake-like): compare by length, then text."""
    return max(ids, key=lambda value: (len(value), value))
