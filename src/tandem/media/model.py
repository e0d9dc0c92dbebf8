"""Media files and what Tandem knows about them: the pure part."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, Protocol

from tandem.core import Problem, Severity


class MediaKind(StrEnum):
    IMAGE = "image"
    GIF = "gif"  # animated images are rated separately by most platforms
    VIDEO = "video"


@dataclass(frozen=True)
class MediaInfo:
    """What platform rules need to judge one attached file.

    `width`/`height` in pixels, `duration_seconds` for video (None when unknown).
    """

    kind: MediaKind
    mime_type: str
    size_bytes: int
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    alt_text: str = ""

    @property
    def aspect_ratio(self) -> float | None:
        if not self.width or not self.height:
            return None
        return self.width / self.height


MAX_ALT_TEXT = 1500  # the longest alt text any supported platform accepts (X, Mastodon)


@dataclass(frozen=True)
class Probe:
    """What Tandem read from a file's bytes. `note` says what it could not read, and why."""

    kind: MediaKind
    mime_type: str
    format: str  # a name people know: "JPEG", "MP4", "WebM"
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    note: str = ""


@dataclass(frozen=True)
class MediaItem:
    """One file in a workspace's library. `filename` is for display only, never a path."""

    id: str
    workspace_id: str
    filename: str
    sha256: str
    size_bytes: int
    kind: MediaKind
    mime_type: str
    width: int | None
    height: int | None
    duration_seconds: float | None
    alt_text: str
    note: str
    created_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class PlatformCheck:
    """How one platform would take one file. `status` is "ok" when no problem is an
    error or a warning, "warning" when some are warnings, "error" when any would block."""

    platform: str
    problems: tuple[Problem, ...]

    @property
    def status(self) -> str:
        if any(p.severity is Severity.ERROR for p in self.problems):
            return "error"
        if any(p.severity is Severity.WARNING for p in self.problems):
            return "warning"
        return "ok"


class MediaStore(Protocol):
    """Where file contents live, addressed by their SHA-256 hex digest."""

    def put(self, sha256: str, source: Path) -> None:
        """Store the bytes of `source` (which may be moved away); no-op when present."""

    def open(self, sha256: str) -> BinaryIO:
        """The stored bytes; raises NotFound when they are missing."""

    def delete(self, sha256: str) -> None:
        """Forget the bytes; no error when they are already gone."""

    def local_path(self, sha256: str) -> Path | None:
        """A filesystem path to the bytes, or None for stores without one (the web then
        streams `open`). Raises NotFound when the bytes are missing."""
