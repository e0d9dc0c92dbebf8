"""Replies to the account's recent posts (whole conversations, any depth), mentions, and
keyword / topic-tag search.

The cursor is the ISO time of the newest item already returned; what is not newer is
dropped again here. The account's own replies (its thread parts, its answers) are skipped.
https://developers.facebook.com/docs/threads/retrieve-and-manage-replies
https://developers.facebook.com/docs/threads/threads-mentions
https://developers.facebook.com/docs/threads/keyword-search
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tandem.connectors.meta.graph import GraphClient, data_list, unix
from tandem.connectors.threads import mapping
from tandem.inbox.ports import Interaction, InteractionKind, InteractionPage
from tandem.listen.ports import FoundPost

RECENT_POSTS = 25


def interactions(
    graph: GraphClient, user_id: str, handle: str, token: str, cursor: str | None
) -> InteractionPage:
    since = datetime.fromisoformat(cursor) if cursor else None
    items: list[Interaction] = []
    posts = graph.get(
        f"{user_id}/threads", token, {"fields": "id", "limit": str(RECENT_POSTS)}
    )
    for post in data_list(posts, "posts"):
        body = graph.get(
            f"{post['id']}/conversation",
            token,
            {"fields": mapping.REPLY_FIELDS, "reverse": "true"},
        )
        items.extend(
            mapping.interaction(item, InteractionKind.COMMENT)
            for item in data_list(body, "replies")
            if item.get("username") != handle
        )
    params = {"fields": mapping.REPLY_FIELDS}
    if since:
        params["since"] = unix(since)
    mentions = graph.get(f"{user_id}/mentions", token, params)
    items.extend(
        mapping.interaction(item, InteractionKind.MENTION)
        for item in data_list(mentions, "mentions")
    )
    fresh = [i for i in items if since is None or i.created_at > since]
    fresh.sort(key=lambda i: i.created_at, reverse=True)
    newest = fresh[0].created_at.isoformat() if fresh else cursor
    return InteractionPage(items=fresh, cursor=newest)


def search(
    graph: GraphClient,
    token: str,
    query: str,
    *,
    since: datetime | None,
    limit: int,
) -> Sequence[FoundPost]:
    """Recent public posts by keyword, or by topic tag when the query is `#tag`."""
    text = query.strip()
    params = {
        "q": text.removeprefix("#") if text.startswith("#") else text,
        "search_type": "RECENT",
        "fields": mapping.SEARCH_FIELDS,
        "limit": str(min(max(limit, 1), 100)),
    }
    if text.startswith("#"):
        params["search_mode"] = "TAG"
    if since:
        params["since"] = unix(since)
    body = graph.get("keyword_search", token, params)
    posts = [mapping.found_post(item) for item in data_list(body, "search results")]
    return posts[:limit]
