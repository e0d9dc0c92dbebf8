"""Where media bytes live: a local directory, addressed by content.

Each file is stored once under `<root>/<aa>/<bb>/<sha256>` however many rows point at it, so
identical uploads share their bytes. Names never come from users: the digest is the name.
S3-compatible storage would be a second `MediaStore`; it does not exist yet.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from tandem.core import NotFound

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class LocalMediaStore:
    """A `MediaStore` in a directory of the server (`settings.media_dir`)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):  # the digest becomes a path: accept nothing else
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    @property
    def incoming_dir(self) -> Path:
        """Where uploads are received: on the same filesystem, so `put` is a rename."""
        return self.root / "incoming"

    def put(self, sha256: str, source: Path) -> None:
        target = self._path(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(source, target)  # atomic: readers see no file or the whole file
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            _copy_into(source, target)
        with contextlib.suppress(OSError):
            target.chmod(0o640)

    def open(self, sha256: str) -> BinaryIO:
        try:
            return self._path(sha256).open("rb")
        except FileNotFoundError:
            raise NotFound(_MISSING) from None

    def delete(self, sha256: str) -> None:
        path = self._path(sha256)
        path.unlink(missing_ok=True)
        for directory in (path.parent, path.parent.parent):
            with contextlib.suppress(OSError):  # not empty: other files share it
                directory.rmdir()

    def local_path(self, sha256: str) -> Path | None:
        path = self._path(sha256)
        if not path.is_file():
            raise NotFound(_MISSING)
        return path


def _copy_into(source: Path, target: Path) -> None:
    """Copy, then rename into place, when `source` is on another filesystem."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".put-")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


_MISSING = (
    "The file of this media item is missing from storage. Restore the media directory "
    "from a backup, or delete the item and upload the file again."
)
