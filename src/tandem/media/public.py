"""Library files leaving Tandem: named files for connectors, and signed public URLs.

Instagram and Threads take no uploaded bytes: they download each file from a public URL while
they build a media container. Tandem serves such files at `<base_url>/m/<token>`; the token
names the file's content and an expiry, and carries an HMAC made with a key derived from the
instance's secret key. Without that key nobody can make a URL for another file or extend one,
and a URL stops working at its expiry.

Connectors learn a file's type from its extension (connectors/uploads.py), while the library
stores bytes under their digest alone. So a post's files are handed to connectors as
`<media_dir>/outbound/<sha256><ext>`, a link to the stored bytes; the same name is what a
public URL is made from, so only library files can ever be published this way.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import hmac
import ipaddress
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from tandem.media.model import MediaItem
from tandem.media.store import MediaRow, to_item

ROUTE = "/m/"
OUTBOUND_DIR = "outbound"
DEFAULT_TTL = timedelta(hours=1)

# The extensions connectors recognise (connectors/uploads.py); other types keep a
# descriptive one so the connector's refusal names something the user recognises.
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/heic": ".heic",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
}
_NAME = re.compile(r"^([0-9a-f]{64})(\.[a-z0-9]{1,5})$")
_VERSION = b"\x01"
_MAC_BYTES = 16  # 128 bits: forging one is out of reach; keeps URLs short
_KEY_LABEL = b"tandem public media urls v1"
# Host names that never resolve to a public address (RFC 6761, RFC 6762, common intranets).
_PRIVATE_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".test")


# --- named files for connectors -----------------------------------------------------------


def outbound_name(sha256: str, mime_type: str) -> str:
    """The name a library file is handed out under: its digest and an extension."""
    return sha256 + EXTENSIONS.get(mime_type, ".bin")


def outbound_path(root: Path, name: str) -> Path:
    """`<root>/outbound/<name>`, linked to the stored bytes (made on first use).

    Returns the path even when the bytes are gone, so the connector reports the file as
    unreadable (PERMANENT, "upload it again") instead of the post losing an attachment.
    """
    found = _NAME.match(name)
    if found is None:  # names no library file (e.g. the id of an item deleted since)
        return root / OUTBOUND_DIR / Path(name).name
    sha256 = found.group(1)
    link = root / OUTBOUND_DIR / name
    stored = Path(sha256[:2]) / sha256[2:4] / sha256
    if link.exists() or not (root / stored).is_file():
        return link
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        link.symlink_to(".." / stored)  # relative: the data directory can move
    except FileExistsError:  # another worker made it meanwhile
        pass
    except OSError:  # filesystems without symlinks: a hard link shares the bytes too
        with contextlib.suppress(FileExistsError):
            os.link(root / stored, link)
    return link


def parse_outbound(path: str) -> tuple[str, str] | None:
    """(sha256, extension) of a path `outbound_path` made, or None for any other path."""
    found = _NAME.match(Path(path).name)
    return (found.group(1), found.group(2)) if found else None


# --- signed public URLs -------------------------------------------------------------------


@dataclass(frozen=True)
class MediaToken:
    sha256: str
    extension: str
    expires_at: datetime


def signing_key(secret_key: str) -> bytes:
    """A key of its own for media URLs, so the instance key itself never signs public data."""
    return hmac.new(secret_key.encode(), _KEY_LABEL, hashlib.sha256).digest()


def sign(key: bytes, name: str, expires_at: datetime) -> str:
    """The token for the outbound file `name` (see `outbound_name`) until `expires_at`."""
    found = _NAME.match(name)
    if found is None:
        raise ValueError(f"{name!r} is not the name of a library file")
    payload = (
        _VERSION
        + bytes.fromhex(found.group(1))
        + int(expires_at.timestamp()).to_bytes(8, "big")
        + found.group(2)[1:].encode("ascii")
    )
    mac = hmac.new(key, payload, hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(payload + mac).rstrip(b"=").decode("ascii")


def public_url(
    base_url: str,
    secret_key: str,
    media_path: str,
    *,
    ttl: timedelta = DEFAULT_TTL,
    now: datetime,
) -> str:
    """The public URL of a file handed to a connector, valid for `ttl` from `now`.

    Raises ValueError when `media_path` is not an outbound library file."""
    make = url_maker(base_url, signing_key(secret_key), ttl=ttl, clock=lambda: now)
    return make(media_path)


def url_maker(
    base_url: str,
    key: bytes,
    *,
    ttl: timedelta = DEFAULT_TTL,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> Callable[[str], str]:
    """`media_url_for` for connectors: outbound path -> signed URL (ValueError otherwise).

    `key` comes from `signing_key`. Each call signs with the clock's time then, so a retry
    made hours later gets a fresh URL."""
    root = base_url.rstrip("/") + ROUTE

    def url_for(media_path: str) -> str:
        parsed = parse_outbound(media_path)
        if parsed is None:
            raise ValueError(
                f"{Path(media_path).name} is not a file of Tandem's media library"
            )
        return root + sign(key, "".join(parsed), clock() + ttl)

    return url_for


def verify(
    token: str, secret_keys: Sequence[str], *, now: datetime
) -> MediaToken | None:
    """The file a token names, or None when it is malformed, forged or expired.

    `secret_keys`: the current key first, then former ones, so URLs handed out just before
    a key rotation keep working until they expire."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    payload, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    if len(payload) < 1 + 32 + 8 + 1 or payload[:1] != _VERSION:
        return None
    if not any(
        hmac.compare_digest(
            hmac.new(signing_key(s), payload, hashlib.sha256).digest()[:_MAC_BYTES],
            mac,
        )
        for s in secret_keys
        if s
    ):
        return None
    expires_at = datetime.fromtimestamp(int.from_bytes(payload[33:41], "big"), UTC)
    extension = "." + payload[41:].decode("ascii", "replace")
    sha256 = payload[1:33].hex()
    if expires_at <= now or _NAME.match(sha256 + extension) is None:
        return None
    return MediaToken(sha256, extension, expires_at)


def outbound_names(
    session: Session, workspace_id: str, media_ids: Sequence[str]
) -> list[str]:
    """What a publication keeps of its media: each item's outbound name, in order. An item
    deleted meanwhile keeps its id, which names no file, so the post fails saying the file
    cannot be read instead of going out without it."""
    if not media_ids:
        return []
    rows = session.scalars(
        select(MediaRow).where(
            MediaRow.workspace_id == workspace_id, MediaRow.id.in_(set(media_ids))
        )
    )
    names = {row.id: outbound_name(row.sha256, row.mime_type) for row in rows}
    return [names.get(media_id, media_id) for media_id in media_ids]


def outbound_paths(root: Path) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """The worker's resolver: a publication's outbound names -> absolute local paths."""
    base = root.resolve()

    def resolve(names: Sequence[str]) -> tuple[str, ...]:
        return tuple(str(outbound_path(base, name)) for name in names)

    return resolve


def library_file(session: Session, sha256: str) -> MediaItem | None:
    """A library item with this content, in any workspace (a token names content, and the
    bytes are shared). None once every item with it was deleted: the URL dies with them."""
    row = session.scalar(
        select(MediaRow).where(MediaRow.sha256 == sha256).order_by(MediaRow.id).limit(1)
    )
    return to_item(row) if row is not None else None


# --- is the base URL reachable by a platform? ---------------------------------------------


def public_base_problem(base_url: str) -> str | None:
    """Why platforms could not download from `base_url`, or None when it looks public.

    Judged from the URL alone (no DNS lookup): https, and a host that is neither a private,
    loopback or link-local address nor a name that only resolves inside a network."""
    parts = urlsplit(base_url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return f"it is {base_url}, not an https address"
    if not host:
        return f"it is {base_url}, which names no host"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if "." not in host or host == "localhost" or host.endswith(_PRIVATE_SUFFIXES):
            return f"{host} is a name that only resolves inside your network"
        return None
    if not address.is_global:
        return f"{host} is a private or loopback address"
    return None
