"""Instagram's container flow: create a media container from a public URL, wait until it is
FINISHED, then publish it. https://developers.facebook.com/docs/instagram-platform/content-publishing

Creating a container makes nothing visible, so a lost answer there is a plain RETRY; only
`media_publish` can leave an unknown outcome. A container still IN_PROGRESS past the polling
bound raises RETRY naming the container id (it stays valid for 24 hours).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tandem.connectors.meta.graph import GraphClient, data_list
from tandem.connectors.meta.media import MediaFile, MediaUrlFor
from tandem.publish.ports import ErrorKind, PublishError

MAX_CAROUSEL = 10
DEFAULT_QUOTA = 100  # posts per rolling 24 h (content_publishing_limit's quota_total)
QUOTA_WAIT = 3600.0
IN_PROGRESS_WAIT = 60.0


@dataclass(frozen=True)
class Polling:
    interval: float
    attempts: int
    sleep: Callable[[float], None] = time.sleep


def check_quota(graph: GraphClient, ig_user_id: str, token: str) -> None:
    """RETRY in an hour when the account used its 24 h publishing quota."""
    body = graph.get(
        f"{ig_user_id}/content_publishing_limit",
        token,
        {"fields": "quota_usage,config"},
    )
    for entry in data_list(body, "the publishing limit"):
        usage = entry.get("quota_usage")
        total = (entry.get("config") or {}).get("quota_total", DEFAULT_QUOTA)
        if isinstance(usage, int) and isinstance(total, int) and usage >= total:
            raise PublishError(
                f"This Instagram account has published {usage} of its {total} posts "
                "allowed in 24 hours through the API; Tandem will try again later.",
                kind=ErrorKind.RETRY,
                retry_after=QUOTA_WAIT,
            )


def create(
    graph: GraphClient,
    ig_user_id: str,
    token: str,
    media: Sequence[MediaFile],
    caption: str,
    media_url_for: MediaUrlFor,
    polling: Polling,
) -> str:
    """The container to publish: one image/reel, or a carousel of 2-10 children (a video
    child must be FINISHED before the carousel container can name it)."""
    if len(media) == 1:
        return _container(graph, ig_user_id, token, media[0], media_url_for, caption)
    children = []
    for item in media:
        child = _container(graph, ig_user_id, token, item, media_url_for, None)
        if item.is_video:
            wait_until_finished(graph, child, token, polling)
        children.append(child)
    body = graph.call(
        "POST",
        f"{ig_user_id}/media",
        token,
        data={
            "media_type": "CAROUSEL",
            "children": ",".join(children),
            "caption": caption,
        },
        write=False,
    )
    return _container_id(body)


def _container(
    graph: GraphClient,
    ig_user_id: str,
    token: str,
    item: MediaFile,
    media_url_for: MediaUrlFor,
    caption: str | None,
) -> str:
    url = media_url_for(item.path)
    data: dict[str, str] = (
        # Feed videos are published as reels since 2023 (media_type VIDEO is refused).
        {"media_type": "REELS", "video_url": url}
        if item.is_video
        else {"image_url": url}
    )
    if caption is None:
        data["is_carousel_item"] = "true"
        if item.is_video:
            data["media_type"] = "VIDEO"
    else:
        data["caption"] = caption
    body = graph.call("POST", f"{ig_user_id}/media", token, data=data, write=False)
    return _container_id(body)


def _container_id(body: dict[str, object]) -> str:
    container = body.get("id")
    if not container:
        raise PublishError(
            "Instagram created no media container; try again.", kind=ErrorKind.RETRY
        )
    return str(container)


def wait_until_finished(
    graph: GraphClient, container: str, token: str, polling: Polling
) -> None:
    """Poll `status_code` until FINISHED (bounded)."""
    for attempt in range(max(1, polling.attempts)):
        body = graph.get(container, token, {"fields": "status_code,status"})
        code = body.get("status_code")
        if code in ("FINISHED", "PUBLISHED"):
            return
        if code in ("ERROR", "EXPIRED"):
            detail = body.get("status") or code
            raise PublishError(
                f"Instagram could not process the media (container {container}): "
                f"{detail}. Check the file's format, size and duration.",
                kind=ErrorKind.PERMANENT,
            )
        if attempt + 1 < polling.attempts:
            polling.sleep(polling.interval)
    raise PublishError(
        f"Instagram is still processing media container {container}; "
        "Tandem will try again later.",
        kind=ErrorKind.RETRY,
        retry_after=IN_PROGRESS_WAIT,
    )


def publish(graph: GraphClient, ig_user_id: str, token: str, container: str) -> str:
    body = graph.post(f"{ig_user_id}/media_publish", token, {"creation_id": container})
    media_id = body.get("id")
    if not media_id:
        raise PublishError(
            f"Instagram accepted container {container} but returned no media id; "
            "the post may exist.",
            kind=ErrorKind.UNKNOWN,
        )
    return str(media_id)
