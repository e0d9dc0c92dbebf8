"""Local media files as the Meta platforms take them: type from the extension, bytes read
once. Facebook takes the bytes; Instagram and Threads fetch a public URL instead."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tandem.publish.ports import ErrorKind, PublishError

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".mp4": "video/mp4",
}

MediaUrlFor = Callable[[str], str]


@dataclass(frozen=True)
class MediaFile:
    path: str
    content_type: str

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")

    @property
    def name(self) -> str:
        return Path(self.path).name

    def read(self) -> bytes:
        try:
            return Path(self.path).read_bytes()
        except OSError as exc:
            raise PublishError(
                f"Cannot read the media file {self.path}: {exc}. Upload it again.",
                kind=ErrorKind.PERMANENT,
            ) from exc


def media_file(path: str) -> MediaFile:
    """PERMANENT when the extension is not one the Meta platforms take."""
    content_type = CONTENT_TYPES.get(Path(path).suffix.lower())
    if content_type is None:
        allowed = ", ".join(sorted(CONTENT_TYPES))
        raise PublishError(
            f"{Path(path).name} is not a supported media type; use one of {allowed}.",
            kind=ErrorKind.PERMANENT,
        )
    return MediaFile(path, content_type)


def no_public_media_url(platform: str) -> MediaUrlFor:
    """The default `media_url_for`: explains why the post cannot go out."""

    def refuse(path: str) -> str:
        raise PublishError(
            f"{platform} downloads media from a public URL, and this Tandem has no public "
            f"media URL configured, so {Path(path).name} cannot be posted. Serve Tandem's "
            "media at a public HTTPS address and give the connector its `media_url_for` "
            "(see docs/connectors/" + platform.lower() + ".md).",
            kind=ErrorKind.PERMANENT,
        )

    return refuse
