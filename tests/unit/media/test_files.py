"""The local content-addressed store."""

from __future__ import annotations

import hashlib

import pytest

from tandem.core import NotFound
from tandem.media import LocalMediaStore

DATA = b"some image bytes"
SHA = hashlib.sha256(DATA).hexdigest()


def source(tmp_path, name="upload", data=DATA):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_bytes_are_stored_under_their_digest_and_read_back(tmp_path):
    files = LocalMediaStore(tmp_path / "media")
    files.put(SHA, source(tmp_path))
    assert files.local_path(SHA) == tmp_path / "media" / SHA[:2] / SHA[2:4] / SHA
    with files.open(SHA) as handle:
        assert handle.read() == DATA


def test_putting_bytes_already_stored_leaves_them_alone(tmp_path):
    files = LocalMediaStore(tmp_path / "media")
    files.put(SHA, source(tmp_path, "first"))
    second = source(tmp_path, "second")
    files.put(SHA, second)
    assert second.exists()  # not consumed; the caller's temporary file cleans it up


def test_deleting_removes_the_file_and_its_empty_folders(tmp_path):
    files = LocalMediaStore(tmp_path / "media")
    files.put(SHA, source(tmp_path))
    files.delete(SHA)
    files.delete(SHA)  # twice is fine
    assert list((tmp_path / "media").iterdir()) == []
    with pytest.raises(NotFound, match="missing from storage"):
        files.open(SHA)
    with pytest.raises(NotFound):
        files.local_path(SHA)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ABC", SHA.upper(), SHA + "0"])
def test_only_hex_digests_become_paths(tmp_path, bad):
    with pytest.raises(ValueError, match="SHA-256"):
        LocalMediaStore(tmp_path).open(bad)
