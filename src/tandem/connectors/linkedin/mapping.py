"""LinkedIn JSON <-> Tandem's dataclasses (Posts, Comments, Social Metadata, userinfo)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from tandem.connectors.linkedin import text as little
from tandem.inbox.ports import Interaction, InteractionKind
from tandem.publish.ports import Identity, PostMetrics, RemotePost

WEB = "https://www.linkedin.com"


def post_url(urn: str) -> str:
    return f"{WEB}/feed/update/{urn}/"


def from_millis(value: Any) -> datetime:
    if not isinstance(value, int):
        raise ValueError(f"expected epoch milliseconds, got {value!r}")
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def post_body(
    author: str, commentary: str, images: Sequence[str] = ()
) -> dict[str, Any]:
    """A Posts API create body: public, in the main feed, published now."""
    body: dict[str, Any] = {
        "author": author,
        "commentary": little.escape(commentary),
        "visibility": "PUBLIC",
        "distribution": {
            "feedDistribution": "MAIN_FEED",
            "targetEntities": [],
            "thirdPartyDistributionChannels": [],
        },
        "lifecycleState": "PUBLISHED",
        "isReshareDisabledByAuthor": False,
    }
    if len(images) == 1:
        body["content"] = {"media": {"id": images[0]}}
    elif images:
        body["content"] = {"multiImage": {"images": [{"id": i} for i in images]}}
    return body


def comment_body(
    actor: str, post_urn: str, message: str, parent: str = ""
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "actor": actor,
        "object": post_urn,
        "message": {"text": message},
    }
    if parent:
        body["parentComment"] = parent
    return body


def remote_post(element: Mapping[str, Any]) -> RemotePost:
    urn = str(element["id"])
    when = element.get("publishedAt") or element.get("createdAt")
    return RemotePost(
        platform_post_id=urn,
        url=post_url(urn),
        text=little.unescape(str(element.get("commentary") or "")),
        published_at=from_millis(when),
    )


def elements(payload: Any) -> Sequence[Mapping[str, Any]]:
    if not isinstance(payload, Mapping) or not isinstance(
        payload.get("elements", []), list
    ):
        raise ValueError("the answer has no `elements` list")
    return payload.get("elements") or []


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def social_metrics(urn: str, summary: Mapping[str, Any], at: datetime) -> PostMetrics:
    """From socialActions/{urn}: likes (all reactions) and comments, nothing else."""
    likes = summary.get("likesSummary") or {}
    comments = summary.get("commentsSummary") or {}
    return PostMetrics(
        platform_post_id=urn,
        at=at,
        likes=_int(likes.get("aggregatedTotalLikes", likes.get("totalLikes"))),
        comments=_int(
            comments.get(
                "aggregatedTotalComments", comments.get("totalFirstLevelComments")
            )
        ),
    )


def with_share_statistics(
    base: PostMetrics, statistics: Mapping[str, Any]
) -> PostMetrics:
    """Adds an organization post's share statistics (impressions, reach, clicks...)."""
    totals = statistics.get("totalShareStatistics") or {}
    return PostMetrics(
        platform_post_id=base.platform_post_id,
        at=base.at,
        impressions=_int(totals.get("impressionCount")),
        reach=_int(totals.get("uniqueImpressionsCount")),
        likes=_int(totals.get("likeCount")) if base.likes is None else base.likes,
        comments=_int(totals.get("commentCount"))
        if base.comments is None
        else base.comments,
        shares=_int(totals.get("shareCount")),
        clicks=_int(totals.get("clickCount")),
    )


def statistics_target(element: Mapping[str, Any]) -> str:
    return str(element.get("share") or element.get("ugcPost") or "")


def comment(element: Mapping[str, Any], post_urn: str) -> Interaction:
    """A comment on one of our posts. LinkedIn names the commenter only by URN: the
    profile lookup that would give the name is not open to most apps."""
    actor = str(element.get("actor") or "")
    created = element.get("created") or {}
    modified = element.get("lastModified") or {}
    created_at = from_millis(created.get("time"))
    edited = modified.get("time")
    urn = str(element.get("commentUrn") or element.get("$URN") or element["id"])
    return Interaction(
        platform_id=urn,
        kind=InteractionKind.COMMENT,
        text=str((element.get("message") or {}).get("text") or ""),
        author_handle=actor,
        author_name=actor,
        created_at=created_at,
        url=post_url(post_urn),
        post_platform_id=post_urn,
        in_reply_to=str(element.get("parentComment") or post_urn),
        conversation_id=post_urn,
        edited_at=from_millis(edited)
        if isinstance(edited, int) and edited != created.get("time")
        else None,
    )


def person_identity(userinfo: Mapping[str, Any]) -> Identity:
    urn = f"urn:li:person:{userinfo['sub']}"
    name = (
        str(userinfo.get("name") or "").strip()
        or " ".join(
            str(userinfo.get(k) or "") for k in ("given_name", "family_name")
        ).strip()
    )
    return Identity(
        platform_account_id=urn,
        handle=name or urn,
        display_name=name or urn,
        extra={"author_urn": urn, "person_urn": urn},
    )


def organization_identity(
    urn: str, organization: Mapping[str, Any], person_urn: str
) -> Identity:
    name = str(organization.get("localizedName") or urn)
    return Identity(
        platform_account_id=urn,
        handle=str(organization.get("vanityName") or name),
        display_name=name,
        extra={"author_urn": urn, "person_urn": person_urn},
    )
