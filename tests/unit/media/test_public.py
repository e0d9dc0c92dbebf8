"""Signed public media URLs and the named files connectors receive (tandem.media.public)."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tandem.media import LocalMediaStore
from tandem.media.public import (
    outbound_name,
    outbound_path,
    outbound_paths,
    parse_outbound,
    public_base_problem,
    public_url,
    sign,
    signing_key,
    url_maker,
    verify,
)

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
SECRET = "s" * 48
OTHER = "o" * 48
SHA = hashlib.sha256(b"loaf").hexdigest()
NAME = SHA + ".jpg"
BASE = "https://tandem.example.com"


def _token_of(url: str) -> str:
    assert url.startswith(BASE + "/m/"), url
    return url.removeprefix(BASE + "/m/")


def _url(path: str = f"/data/media/outbound/{NAME}", **kw: object) -> str:
    ttl = kw.get("ttl", timedelta(hours=1))
    assert isinstance(ttl, timedelta)
    return public_url(BASE, SECRET, path, ttl=ttl, now=NOW)


def test_a_signed_url_names_the_file_and_its_expiry() -> None:
    found = verify(_token_of(_url()), [SECRET], now=NOW)

    assert found is not None
    assert (found.sha256, found.extension) == (SHA, ".jpg")
    assert found.expires_at == NOW + timedelta(hours=1)


def test_the_token_is_url_safe_and_hides_the_local_path() -> None:
    token = _token_of(_url("/srv/secret-place/media/outbound/" + NAME))

    assert set(token) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert "srv" not in base64.urlsafe_b64decode(token + "==").decode("latin-1")


def test_it_rejects_a_token_once_it_expired() -> None:
    token = _token_of(_url(ttl=timedelta(minutes=5)))

    assert verify(token, [SECRET], now=NOW + timedelta(minutes=4, seconds=59))
    assert verify(token, [SECRET], now=NOW + timedelta(minutes=5)) is None
    assert verify(token, [SECRET], now=NOW + timedelta(days=3)) is None


def test_it_rejects_a_token_signed_with_another_key() -> None:
    token = sign(signing_key(OTHER), NAME, NOW + timedelta(hours=1))

    assert verify(token, [SECRET], now=NOW) is None


def test_a_former_secret_key_still_verifies_after_a_rotation() -> None:
    token = _token_of(_url())

    assert verify(token, [OTHER, SECRET], now=NOW) is not None
    assert verify(token, [OTHER], now=NOW) is None


@pytest.mark.parametrize("position", [0, 5, 20, 40, 45, -1])
def test_it_rejects_a_token_with_any_byte_changed(position: int) -> None:
    raw = bytearray(base64.urlsafe_b64decode(_token_of(_url()) + "=="))
    raw[position] ^= 0x01
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()

    assert verify(forged, [SECRET], now=NOW) is None


def test_it_rejects_a_later_expiry_grafted_onto_a_valid_signature() -> None:
    raw = bytearray(base64.urlsafe_b64decode(_token_of(_url()) + "=="))
    later = int((NOW + timedelta(days=365)).timestamp()).to_bytes(8, "big")
    raw[33:41] = later
    forged = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()

    assert verify(forged, [SECRET], now=NOW) is None


@pytest.mark.parametrize("token", ["", "x", "!!!!", "a" * 200, "AQ", "%2e%2e"])
def test_it_rejects_malformed_tokens(token: str) -> None:
    assert verify(token, [SECRET], now=NOW) is None


def test_an_empty_key_never_verifies() -> None:
    token = sign(signing_key(""), NAME, NOW + timedelta(hours=1))

    assert verify(token, [""], now=NOW) is None


def test_only_library_files_get_a_url() -> None:
    with pytest.raises(ValueError, match=r"passwd is not a file of Tandem's media"):
        _url("/etc/passwd")
    with pytest.raises(ValueError, match="not a file"):
        _url(f"/data/media/outbound/{SHA}")  # no extension: not an outbound name


def test_each_call_signs_with_the_clock_of_that_moment() -> None:
    times = iter([NOW, NOW + timedelta(hours=5)])
    make = url_maker(BASE, signing_key(SECRET), clock=lambda: next(times))

    first, later = make("/m/" + NAME), make("/m/" + NAME)

    assert first != later
    assert verify(_token_of(later), [SECRET], now=NOW + timedelta(hours=5, minutes=59))


def test_the_signing_key_is_not_the_secret_key() -> None:
    key = signing_key(SECRET)

    assert key != SECRET.encode()
    assert len(key) == 32
    assert signing_key(SECRET) == key  # stable: every worker and web process agrees


@pytest.mark.parametrize(
    ("mime", "name"),
    [
        ("image/jpeg", NAME),
        ("image/png", SHA + ".png"),
        ("video/mp4", SHA + ".mp4"),
        ("application/x-unknown", SHA + ".bin"),
    ],
)
def test_outbound_names_carry_the_extension_connectors_expect(
    mime: str, name: str
) -> None:
    assert outbound_name(SHA, mime) == name
    assert parse_outbound("/any/dir/" + name) == (SHA, name[64:])


def _stored(root: Path, content: bytes = b"loaf") -> str:
    source = root / "upload.tmp"
    source.write_bytes(content)
    sha = hashlib.sha256(content).hexdigest()
    LocalMediaStore(root).put(sha, source)
    return sha


def test_an_outbound_path_reads_the_stored_bytes(tmp_path: Path) -> None:
    sha = _stored(tmp_path)

    path = outbound_path(tmp_path, sha + ".jpg")

    assert path == tmp_path / "outbound" / (sha + ".jpg")
    assert path.read_bytes() == b"loaf"
    assert (
        outbound_path(tmp_path, sha + ".jpg") == path
    )  # a second call reuses the link


def test_an_outbound_path_of_missing_bytes_does_not_exist(tmp_path: Path) -> None:
    assert not outbound_path(tmp_path, NAME).exists()
    assert not outbound_path(tmp_path, "deleted-item-id").exists()
    assert not (tmp_path / "outbound" / NAME).is_symlink()


def test_a_reference_cannot_escape_the_outbound_directory(tmp_path: Path) -> None:
    path = outbound_path(tmp_path, "../../etc/passwd")

    assert path == tmp_path / "outbound" / "passwd"


def test_the_worker_resolver_gives_absolute_paths(tmp_path: Path) -> None:
    sha = _stored(tmp_path)

    (path,) = outbound_paths(tmp_path)([sha + ".jpg"])

    assert Path(path).is_absolute()
    assert Path(path).read_bytes() == b"loaf"


@pytest.mark.parametrize(
    ("base_url", "problem"),
    [
        ("http://127.0.0.1:8000", "not an https address"),
        ("http://tandem.example.com", "not an https address"),
        ("https://127.0.0.1:8443", "private or loopback address"),
        ("https://10.1.2.3", "private or loopback address"),
        ("https://[::1]", "private or loopback address"),
        ("https://localhost", "only resolves inside your network"),
        ("https://tandem.local", "only resolves inside your network"),
        ("https://intranet", "only resolves inside your network"),
        ("https://", "names no host"),
    ],
)
def test_it_says_why_a_base_url_is_not_reachable_by_platforms(
    base_url: str, problem: str
) -> None:
    found = public_base_problem(base_url)

    assert found is not None and problem in found


@pytest.mark.parametrize(
    "base_url", ["https://tandem.example.com", "https://93.184.216.34:8443/tandem"]
)
def test_a_public_https_base_url_passes(base_url: str) -> None:
    assert public_base_problem(base_url) is None
