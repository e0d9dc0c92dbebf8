"""X API v2 JSON <-> Tandem's dataclasses.

X rewrites every link in a post's `text` to a t.co link and HTML-escapes `&`, `<` and `>`;
a long post (over 280 characters, Premium) has its full text only in `note_tweet`.
`plain_text` undoes all three so the worker's fingerprint matches what the user wrote.
https://docs.x.com/x-api/fundamentals/data-dictionary
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from tandem.inbox.ports import Interaction, InteractionKind
from tandem.listen.ports import FoundPost
from tandem.publish.ports import (
    AccountMetrics,
    Identity,
    PostMetrics,
    RemotePost,
    TokenSet,
)

WEB = "https://x.com"
PLATFORM = "x"


def tweet_url(username: str, tweet_id: str) -> str:
    return f"{WEB}/{username.lstrip('@') or 'i'}/status/{tweet_id}"


def parse_time(value: Any) -> datetime:
    """X's `created_at` (ISO 8601 with milliseconds and Z) as an aware datetime."""
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 time, got {value!r}")
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def x_time(moment: datetime) -> str:
    """The RFC 3339 form X's `start_time` accepts (seconds precision, Z)."""
    if moment.tzinfo is None:
        raise ValueError("times sent to X must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def plain_text(tweet: Mapping[str, Any]) -> str:
    """The post's text as its author wrote it: full note text, original URLs, no escapes.

    Media links (the `pic.x.com` t.co link X appends for attachments) are removed, because
    the author never typed them."""
    note = tweet.get("note_tweet")
    source: Mapping[str, Any] = (
        note if isinstance(note, Mapping) and note.get("text") else tweet
    )
    text = str(source.get("text", ""))
    entities = source.get("entities") or tweet.get("entities") or {}
    for link in entities.get("urls") or []:
        short = link.get("url")
        if not short:
            continue
        if link.get("media_key") or str(link.get("display_url", "")).startswith(
            ("pic.x.com", "pic.twitter.com")
        ):
            text = text.replace(" " + short, "").replace(short, "")
        elif link.get("expanded_url"):
            text = text.replace(short, str(link["expanded_url"]))
    return html.unescape(text).strip()


def remote_post(tweet: Mapping[str, Any], username: str) -> RemotePost:
    return RemotePost(
        platform_post_id=str(tweet["id"]),
        url=tweet_url(username, str(tweet["id"])),
        text=plain_text(tweet),
        published_at=parse_time(tweet["created_at"]),
    )


def _count(metrics: Mapping[str, Any], key: str) -> int | None:
    value = metrics.get(key)
    return int(value) if isinstance(value, int) else None


def post_metrics(tweet: Mapping[str, Any], at: datetime) -> PostMetrics:
    """From `public_metrics` (and `non_public_metrics` when X returned it: own posts under
    30 days old). Shares are reposts plus quotes; saves are bookmarks."""
    public = tweet.get("public_metrics") or {}
    private = tweet.get("non_public_metrics") or {}
    reposts, quotes = _count(public, "retweet_count"), _count(public, "quote_count")
    shares = (
        None if reposts is None and quotes is None else (reposts or 0) + (quotes or 0)
    )
    return PostMetrics(
        platform_post_id=str(tweet["id"]),
        at=at,
        impressions=_count(public, "impression_count"),
        likes=_count(public, "like_count"),
        comments=_count(public, "reply_count"),
        shares=shares,
        saves=_count(public, "bookmark_count"),
        clicks=_count(private, "url_link_clicks"),
    )


def account_metrics(user: Mapping[str, Any], at: datetime) -> AccountMetrics:
    public = user.get("public_metrics") or {}
    return AccountMetrics(
        at=at,
        followers=_count(public, "followers_count"),
        following=_count(public, "following_count"),
        posts=_count(public, "tweet_count"),
    )


def identity(user: Mapping[str, Any]) -> Identity:
    public = user.get("public_metrics") or {}
    return Identity(
        platform_account_id=str(user["id"]),
        handle=str(user["username"]),
        display_name=str(user.get("name") or user["username"]),
        followers=_count(public, "followers_count"),
        extra={"user_id": str(user["id"]), "username": str(user["username"])},
    )


def token_set(payload: Mapping[str, Any], now: datetime) -> TokenSet:
    """From the token endpoint's answer; `expires_in` is seconds (7200 for X)."""
    expires_in = payload.get("expires_in")
    return TokenSet(
        access_token=str(payload["access_token"]),
        refresh_token=str(payload.get("refresh_token") or ""),
        expires_at=now + timedelta(seconds=int(expires_in))
        if expires_in is not None
        else None,
        scope=str(payload.get("scope") or ""),
    )


def users_by_id(payload: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    users = (payload.get("includes") or {}).get("users") or []
    return {str(u["id"]): u for u in users if isinstance(u, Mapping)}


def tweets_by_id(payload: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    tweets = (payload.get("includes") or {}).get("tweets") or []
    return {str(t["id"]): t for t in tweets if isinstance(t, Mapping)}


def _references(tweet: Mapping[str, Any]) -> dict[str, str]:
    return {
        str(ref.get("type")): str(ref.get("id"))
        for ref in tweet.get("referenced_tweets") or []
        if isinstance(ref, Mapping)
    }


def interaction(
    tweet: Mapping[str, Any],
    *,
    own_user_id: str,
    users: Mapping[str, Mapping[str, Any]],
    referenced: Mapping[str, Mapping[str, Any]],
) -> Interaction:
    """A post from the mentions timeline: a reply to one of ours is a COMMENT, a quote of
    one of ours is a QUOTE, anything else naming the account is a MENTION."""
    refs = _references(tweet)
    author = users.get(str(tweet.get("author_id")), {})
    username = str(author.get("username") or "")
    kind, own_post = InteractionKind.MENTION, ""
    replied = refs.get("replied_to", "")
    quoted = refs.get("quoted", "")
    if replied and str(referenced.get(replied, {}).get("author_id")) == own_user_id:
        kind, own_post = (
            InteractionKind.COMMENT,
            str(tweet.get("conversation_id") or ""),
        )
    elif quoted and str(referenced.get(quoted, {}).get("author_id")) == own_user_id:
        kind, own_post = InteractionKind.QUOTE, quoted
    followers = (author.get("public_metrics") or {}).get("followers_count")
    return Interaction(
        platform_id=str(tweet["id"]),
        kind=kind,
        text=plain_text(tweet),
        author_handle=username,
        author_name=str(author.get("name") or username),
        created_at=parse_time(tweet["created_at"]),
        url=tweet_url(username, str(tweet["id"])),
        author_followers=int(followers) if isinstance(followers, int) else None,
        post_platform_id=own_post,
        in_reply_to=replied,
        conversation_id=str(tweet.get("conversation_id") or ""),
    )


def found_post(
    tweet: Mapping[str, Any], users: Mapping[str, Mapping[str, Any]]
) -> FoundPost:
    author = users.get(str(tweet.get("author_id")), {})
    username = str(author.get("username") or "")
    public = tweet.get("public_metrics") or {}
    followers = (author.get("public_metrics") or {}).get("followers_count")
    reposts, quotes = _count(public, "retweet_count"), _count(public, "quote_count")
    return FoundPost(
        platform=PLATFORM,
        platform_post_id=str(tweet["id"]),
        text=plain_text(tweet),
        author_handle=username,
        created_at=parse_time(tweet["created_at"]),
        url=tweet_url(username, str(tweet["id"])),
        author_followers=int(followers) if isinstance(followers, int) else None,
        likes=_count(public, "like_count"),
        shares=None
        if reposts is None and quotes is None
        else (reposts or 0) + (quotes or 0),
        replies=_count(public, "reply_count"),
        language=str(tweet.get("lang") or ""),
    )


def data_list(payload: Any) -> Sequence[Mapping[str, Any]]:
    """The `data` array of a list answer (absent when there are no results)."""
    if not isinstance(payload, Mapping):
        raise ValueError("the answer is not a JSON object")
    data = payload.get("data") or []
    if not isinstance(data, list):
        raise ValueError("`data` is not a list")
    return data
