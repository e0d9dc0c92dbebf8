"""Backup archives on disk: writing members with their sha256, and unpacking with verification.

Every member's digest is taken from the very bytes that go into the archive; unpacking checks
the format version, every digest, and that no file is missing or extra, before anything is
restored.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import IO

from tandem.storage.backup_format import (
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    BackupManifest,
)


class _HashingReader:
    """Hands a file to tarfile while hashing the very bytes that go into the archive."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.digest.update(chunk)
        return chunk


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> str:
    info = tar.gettarinfo(str(path), arcname)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with path.open("rb") as handle:
        reader = _HashingReader(handle)
        # tarfile only calls read(), so the digest covers exactly the bytes archived.
        tar.addfile(info, reader)
    return reader.digest.hexdigest()


def add_tree(tar: tarfile.TarFile, root: Path, prefix: str) -> dict[str, str]:
    """Regular files under root (symlinks are skipped: they could point outside the install)."""
    if not root.is_dir():
        return {}
    digests: dict[str, str] = {}
    regular = (p for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    for path in sorted(regular):
        arcname = f"{prefix}/{path.relative_to(root).as_posix()}"
        digests[arcname] = _add_file(tar, path, arcname)
    return digests


def add_bytes(tar: tarfile.TarFile, arcname: str, data: bytes, when: datetime) -> None:
    info = tarfile.TarInfo(arcname)
    info.size = len(data)
    info.mtime = int(when.timestamp())
    tar.addfile(info, io.BytesIO(data))


def unpack(archive: Path, root: Path) -> BackupManifest:
    """Extract and verify: format version, every checksum, no file missing or extra."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            # The "data" filter refuses absolute paths, "..", links out and device files.
            tar.extractall(root, filter="data")
    except (OSError, EOFError, tarfile.TarError, zlib.error) as exc:
        raise BackupError(f"{archive} is not a readable Tandem backup: {exc}") from exc
    if not (root / MANIFEST).is_file():
        raise BackupError(f"{archive} has no {MANIFEST}: it is not a Tandem backup.")
    manifest = BackupManifest.from_json((root / MANIFEST).read_text(encoding="utf-8"))
    if manifest.format_version > FORMAT_VERSION:
        raise BackupError(
            f"{archive} uses backup format {manifest.format_version}, made by a newer Tandem "
            f"({manifest.tandem_version}); this one reads up to {FORMAT_VERSION}. Upgrade Tandem."
        )
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    present.discard(MANIFEST)
    if present != set(manifest.files):
        odd = sorted(present ^ set(manifest.files))
        raise BackupError(
            f"{archive} does not match its manifest (files {odd[:5]}): refusing it."
        )
    for name, expected in sorted(manifest.files.items()):
        if _sha256(root / name) != expected:
            raise BackupError(
                f"Checksum mismatch for {name} in {archive}: the archive is corrupted or was "
                "modified. Nothing was restored; use another backup."
            )
    return manifest
