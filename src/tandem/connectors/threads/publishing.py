"""Threads' container flow and threads of posts.

One post: POST /{user}/threads (a container) -> wait until FINISHED -> POST
/{user}/threads_publish. Meta suggests waiting ~30 s before publishing a media container; the
container's `status` is polled instead (bounded). Creating a container makes nothing
visible, so a lost answer there is a plain RETRY; only threads_publish can be UNKNOWN.

A thread is all or nothing: each part replies to the previous one (`reply_to_id`); if a
later part fails, the parts already live are deleted and the error raised. When that
clean-up fails too, UNKNOWN names what is still live.
https://developers.facebook.com/docs/threads/posts
https://developers.facebook.com/docs/threads/troubleshooting
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tandem.connectors.meta.graph import GraphClient
from tandem.connectors.meta.media import MediaFile, MediaUrlFor
from tandem.publish.ports import ErrorKind, PublishError

log = logging.getLogger(__name__)

MAX_CAROUSEL = 20
IN_PROGRESS_WAIT = 60.0


@dataclass(frozen=True)
class Polling:
    interval: float
    attempts: int
    sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class Poster:
    """Publishes for one Threads user with one token."""

    graph: GraphClient
    user_id: str
    token: str
    polling: Polling
    media_url_for: MediaUrlFor

    def post(
        self, text: str, media: Sequence[MediaFile] = (), *, reply_to: str = ""
    ) -> str:
        """Publish one post (optionally a reply) and return its media id."""
        container = self._container(text, media, reply_to)
        if media:
            self._wait(container)
        body = self.graph.post(
            f"{self.user_id}/threads_publish", self.token, {"creation_id": container}
        )
        media_id = body.get("id")
        if not media_id:
            raise PublishError(
                f"Threads accepted container {container} but returned no post id; "
                "the post may exist.",
                kind=ErrorKind.UNKNOWN,
            )
        return str(media_id)

    def _container(self, text: str, media: Sequence[MediaFile], reply_to: str) -> str:
        data: dict[str, str] = {"text": text}
        if reply_to:
            data["reply_to_id"] = reply_to
        if len(media) == 1:
            data.update(self._media_fields(media[0]))
        elif media:
            children = [self._child(item) for item in media]
            for child in children:
                self._wait(child)
            data.update({"media_type": "CAROUSEL", "children": ",".join(children)})
        else:
            data["media_type"] = "TEXT"
        return self._create(data)

    def _media_fields(self, item: MediaFile) -> dict[str, str]:
        url = self.media_url_for(item.path)
        if item.is_video:
            return {"media_type": "VIDEO", "video_url": url}
        return {"media_type": "IMAGE", "image_url": url}

    def _child(self, item: MediaFile) -> str:
        return self._create({**self._media_fields(item), "is_carousel_item": "true"})

    def _create(self, data: dict[str, str]) -> str:
        body = self.graph.call(
            "POST", f"{self.user_id}/threads", self.token, data=data, write=False
        )
        container = body.get("id")
        if not container:
            raise PublishError(
                "Threads created no media container; try again.", kind=ErrorKind.RETRY
            )
        return str(container)

    def _wait(self, container: str) -> None:
        attempts = max(1, self.polling.attempts)
        for attempt in range(attempts):
            body = self.graph.get(
                container, self.token, {"fields": "status,error_message"}
            )
            status = body.get("status")
            if status in ("FINISHED", "PUBLISHED"):
                return
            if status in ("ERROR", "EXPIRED"):
                detail = body.get("error_message") or status
                raise PublishError(
                    f"Threads could not process the media (container {container}): "
                    f"{detail}. Check the file's format, size and duration.",
                    kind=ErrorKind.PERMANENT,
                )
            if attempt + 1 < attempts:
                self.polling.sleep(self.polling.interval)
        raise PublishError(
            f"Threads is still processing media container {container}; "
            "Tandem will try again later.",
            kind=ErrorKind.RETRY,
            retry_after=IN_PROGRESS_WAIT,
        )

    def thread(self, parts: Sequence[str], media: Sequence[MediaFile]) -> list[str]:
        """All parts, each replying to the previous, media on the first; all or nothing."""
        posted: list[str] = []
        for number, text in enumerate(parts, start=1):
            try:
                posted.append(
                    self.post(
                        text,
                        media if number == 1 else (),
                        reply_to=posted[-1] if posted else "",
                    )
                )
            except PublishError as exc:
                if posted:
                    self._roll_back(posted, number, exc)
                raise
        return posted

    def _roll_back(self, posted: list[str], number: int, cause: PublishError) -> None:
        live = []
        for media_id in reversed(posted):
            try:
                self.graph.delete(media_id, self.token)
            except PublishError as exc:
                log.warning("Could not delete Threads post %s: %s", media_id, exc)
                live.append(media_id)
        if live:
            raise PublishError(
                f"Part {number} of the thread failed ({cause.message}), and deleting the "
                f"parts already posted failed too: posts {', '.join(reversed(live))} are "
                "still live on Threads. Delete them there or mark the post as published.",
                kind=ErrorKind.UNKNOWN,
            ) from cause
        cause.message = (
            f"Part {number} of the thread failed, so the parts already posted were "
            f"deleted: {cause.message}"
        )
        cause.args = (cause.message,)
