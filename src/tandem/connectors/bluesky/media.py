"""Media for a post: checked whole before anything is sent, then uploaded as blobs.

Images go up with com.atproto.repo.uploadBlob and into an app.bsky.embed.images embed (at most
4, each at most 1,000,000 bytes); one mp4 video goes the documented "simple method" way:
uploadBlob, then app.bsky.embed.video (https://docs.bsky.app/docs/tutorials/video). Images and
a video cannot share a post.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tandem.connectors.bluesky.rules import (
    MAX_IMAGE_BYTES,
    MAX_IMAGES,
    MAX_VIDEO_BYTES,
    MEDIA_TYPES,
)
from tandem.publish.ports import ErrorKind, PublishError


@dataclass(frozen=True)
class MediaFile:
    path: Path
    mime_type: str
    data: bytes

    @property
    def is_video(self) -> bool:
        return self.mime_type.startswith("video/")


def _refuse(message: str) -> PublishError:
    return PublishError(message, kind=ErrorKind.PERMANENT)


def _load(raw: str) -> MediaFile:
    path = Path(raw)
    mime_type = MEDIA_TYPES.get(path.suffix.lower())
    if mime_type is None:
        kinds = ", ".join(sorted(MEDIA_TYPES))
        raise _refuse(
            f"Bluesky cannot take {path.name}: use one of {kinds} (the type comes from the "
            "file extension)."
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _refuse(f"Cannot read media file {path}: {exc.strerror or exc}.") from exc
    limit = MAX_VIDEO_BYTES if mime_type.startswith("video/") else MAX_IMAGE_BYTES
    if len(data) > limit:
        raise _refuse(
            f"{path.name} is {len(data):,} bytes; Bluesky accepts at most {limit:,} bytes "
            f"per {'video' if limit == MAX_VIDEO_BYTES else 'image'}. Resize or compress it."
        )
    return MediaFile(path, mime_type, data)


def load_media(paths: Sequence[str]) -> list[MediaFile]:
    """Every file read and checked; raises PERMANENT naming the first file that cannot go."""
    files = [_load(p) for p in paths]
    videos = [f for f in files if f.is_video]
    if videos and len(files) > 1:
        raise _refuse(
            "A Bluesky post carries either up to 4 images or one video; "
            f"this one has {len(files)} files including {videos[0].path.name}."
        )
    if len(files) > MAX_IMAGES:
        raise _refuse(
            f"A Bluesky post carries at most {MAX_IMAGES} images; this one has {len(files)}. "
            "Remove some, or spread them over a thread."
        )
    return files
