"""Reading a post's media files for upload: the bytes and the MIME type platforms expect.

`OutboundPost.media_paths` are absolute local paths written by the media library; the type is
taken from the extension because every platform's upload flow needs it before the bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tandem.publish.ports import ErrorKind, PublishError

MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".mp4": "video/mp4",
}


@dataclass(frozen=True)
class MediaFile:
    path: str
    content: bytes
    media_type: str

    @property
    def is_video(self) -> bool:
        return self.media_type.startswith("video/")

    @property
    def name(self) -> str:
        return Path(self.path).name


def read_media(path: str, *, platform: str) -> MediaFile:
    """The file at `path`; PERMANENT when its type is not one Tandem uploads or it is gone
    (retrying would not bring it back)."""
    suffix = Path(path).suffix.lower()
    media_type = MEDIA_TYPES.get(suffix)
    if media_type is None:
        known = ", ".join(sorted(MEDIA_TYPES))
        raise PublishError(
            f"Cannot attach {Path(path).name} to a {platform} post: Tandem uploads {known} "
            "files only. Convert the file or remove it from the post.",
            kind=ErrorKind.PERMANENT,
        )
    try:
        content = Path(path).read_bytes()
    except OSError as exc:
        raise PublishError(
            f"The media file {path} could not be read ({exc.strerror}); upload it again "
            "to the post.",
            kind=ErrorKind.PERMANENT,
        ) from exc
    return MediaFile(path, content, media_type)
