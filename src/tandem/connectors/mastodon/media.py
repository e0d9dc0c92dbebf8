"""Media upload: POST /api/v2/media, then wait for the instance to finish processing.

https://docs.joinmastodon.org/methods/media/ : v2 answers 200 when the file is ready, or 202
with `url: null` while large files (video, big images) are processed in the background;
GET /api/v1/media/:id answers 206 while processing and 200 once `url` is set. A status that
names unprocessed media is refused (422), so Tandem waits, bounded, before posting.

An upload creates nothing anyone can see (the instance deletes unattached media after a
day), so a lost answer is simply RETRY, never UNKNOWN.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tandem.connectors.mastodon import rules
from tandem.connectors.mastodon.api import Session
from tandem.publish.ports import ErrorKind, PublishError

Sleep = Callable[[float], None]


def _read(path: str) -> tuple[bytes, str]:
    try:
        content_type = rules.media_type(path)
    except ValueError as exc:
        raise PublishError(str(exc), kind=ErrorKind.PERMANENT) from exc
    try:
        return Path(path).read_bytes(), content_type
    except OSError as exc:
        raise PublishError(
            f"Cannot read media file {path}: {exc.strerror or exc}; "
            f"attach the file to the post again.",
            kind=ErrorKind.PERMANENT,
        ) from exc


def _ready(attachment: Any) -> bool:
    return isinstance(attachment, dict) and bool(attachment.get("url"))


def upload_one(
    session: Session,
    path: str,
    file: tuple[bytes, str],
    *,
    poll_interval: float,
    max_polls: int,
    sleep: Sleep,
) -> str:
    """The attachment id of `path` (its bytes and type in `file`), processed and ready."""
    content, content_type = file
    files = {"file": (Path(path).name, content, content_type)}
    answer = session.json("POST", "/api/v2/media", write=False, files=files)
    try:
        media_id = str(answer["id"])
    except (KeyError, TypeError) as exc:
        raise PublishError(
            f"Mastodon's answer to the upload of {Path(path).name} has no id.",
            kind=ErrorKind.RETRY,
        ) from exc
    attachment = answer
    for _ in range(max_polls):
        if _ready(attachment):
            return media_id
        sleep(poll_interval)
        attachment = session.json("GET", f"/api/v1/media/{media_id}")
    if _ready(attachment):
        return media_id
    raise PublishError(
        f"Mastodon was still processing {Path(path).name} after "
        f"{max_polls * poll_interval:.0f} s; Tandem will try again later.",
        kind=ErrorKind.RETRY,
        retry_after=60.0,
    )


def upload_all(
    session: Session,
    paths: Sequence[str],
    *,
    poll_interval: float,
    max_polls: int,
    sleep: Sleep = time.sleep,
) -> list[str]:
    if len(paths) > rules.MAX_MEDIA:
        raise PublishError(
            f"A Mastodon post takes at most {rules.MAX_MEDIA} media files; this one has "
            f"{len(paths)}. Remove some or spread them over a thread.",
            kind=ErrorKind.PERMANENT,
        )
    # Read them all first: a bad file is refused before anything is uploaded.
    files = [_read(path) for path in paths]
    return [
        upload_one(
            session,
            path,
            file,
            poll_interval=poll_interval,
            max_polls=max_polls,
            sleep=sleep,
        )
        for path, file in zip(paths, files, strict=True)
    ]
