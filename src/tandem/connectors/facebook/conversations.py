"""Comments on the Page's recent posts and posts that tag the Page, newest-first, as one
incremental page of `Interaction`s.

The cursor is the ISO time of the newest item already returned: Graph's `since` filters by
creation time, and items at or before the cursor are dropped again here in case an edge
ignores `since`. Comments written by the Page itself are not inbox material and are skipped.
"""

from __future__ import annotations

from datetime import datetime

from tandem.connectors.facebook import mapping
from tandem.connectors.meta.graph import GraphClient, data_list, unix
from tandem.inbox.ports import Interaction, InteractionKind, InteractionPage

RECENT_POSTS = 25  # comments are read on this many of the Page's newest posts


def interactions(
    graph: GraphClient, page_id: str, token: str, cursor: str | None
) -> InteractionPage:
    since = datetime.fromisoformat(cursor) if cursor else None
    params = {"since": unix(since)} if since else {}
    items: list[Interaction] = []
    posts = graph.get(
        f"{page_id}/posts", token, {"fields": "id", "limit": str(RECENT_POSTS)}
    )
    for post in data_list(posts, "posts"):
        post_id = str(post["id"])
        body = graph.get(
            f"{post_id}/comments",
            token,
            {
                "fields": mapping.COMMENT_FIELDS,
                "filter": "stream",
                "order": "reverse_chronological",
                "limit": "100",
                **params,
            },
        )
        for item in data_list(body, "comments"):
            if (item.get("from") or {}).get("id") == page_id:
                continue
            items.append(
                mapping.interaction(item, InteractionKind.COMMENT, post_id=post_id)
            )
    tagged = graph.get(
        f"{page_id}/tagged",
        token,
        {"fields": "id,message,created_time,from{id,name},permalink_url", **params},
    )
    items.extend(
        mapping.interaction(item, InteractionKind.MENTION)
        for item in data_list(tagged, "posts tagging the Page")
    )
    fresh = [i for i in items if since is None or i.created_at > since]
    fresh.sort(key=lambda i: i.created_at, reverse=True)
    newest = fresh[0].created_at.isoformat() if fresh else cursor
    return InteractionPage(items=fresh, cursor=newest)
