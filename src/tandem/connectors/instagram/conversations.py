"""Comments (and their replies) on the account's recent media, media the account is tagged
in, and hashtag search.

The cursor is the ISO time of the newest item already returned. Instagram's comment and
tag edges page by cursor only (no `since`), so older items are dropped here.
https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/hashtag-search
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tandem.connectors.instagram import mapping
from tandem.connectors.meta.graph import GraphClient, data_list
from tandem.inbox.ports import Interaction, InteractionPage
from tandem.listen.ports import FoundPost
from tandem.publish.ports import ErrorKind, PublishError

RECENT_MEDIA = 25  # comments are read on this many of the account's newest posts


def interactions(
    graph: GraphClient, ig_user_id: str, token: str, cursor: str | None
) -> InteractionPage:
    since = datetime.fromisoformat(cursor) if cursor else None
    items: list[Interaction] = []
    media = graph.get(
        f"{ig_user_id}/media", token, {"fields": "id", "limit": str(RECENT_MEDIA)}
    )
    for post in data_list(media, "media"):
        media_id = str(post["id"])
        body = graph.get(
            f"{media_id}/comments",
            token,
            {"fields": mapping.COMMENT_FIELDS, "limit": "50"},
        )
        for comment in data_list(body, "comments"):
            items.extend(mapping.comments(comment, media_id, ig_user_id))
    tags = graph.get(
        f"{ig_user_id}/tags", token, {"fields": mapping.TAG_FIELDS, "limit": "50"}
    )
    items.extend(mapping.mention(item) for item in data_list(tags, "tagged media"))
    fresh = [i for i in items if since is None or i.created_at > since]
    fresh.sort(key=lambda i: i.created_at, reverse=True)
    newest = fresh[0].created_at.isoformat() if fresh else cursor
    return InteractionPage(items=fresh, cursor=newest)


def hashtag_search(
    graph: GraphClient,
    ig_user_id: str,
    token: str,
    query: str,
    *,
    since: datetime | None,
    limit: int,
) -> Sequence[FoundPost]:
    tag = query.strip()
    if not tag.startswith("#") or len(tag) < 2 or " " in tag:
        raise PublishError(
            f"Instagram can only search one hashtag, written like #coffee; got {query!r}.",
            kind=ErrorKind.PERMANENT,
        )
    found = graph.get("ig_hashtag_search", token, {"user_id": ig_user_id, "q": tag[1:]})
    hashtags = data_list(found, "hashtags")
    if not hashtags:
        return []
    body = graph.get(
        f"{hashtags[0]['id']}/recent_media",
        token,
        {
            "user_id": ig_user_id,
            "fields": mapping.HASHTAG_MEDIA_FIELDS,
            "limit": str(min(max(limit, 1), 50)),
        },
    )
    posts = [mapping.found_post(item) for item in data_list(body, "hashtag media")]
    return [p for p in posts if since is None or p.created_at >= since][:limit]
