"""Encryption of platform credentials at rest: AES-256-GCM under a key derived from the
instance's secret key.

Why this shape:
- The database and its backups may leak without the key file (it lives outside the database,
  ARCHITECTURE.md "Secrets"), so tokens, client secrets and PKCE verifiers are stored sealed.
- The AES key is derived with HKDF-SHA256 (info "tandem credentials v1"), never the secret key
  itself, so the session-signing use of the same secret cannot be turned against this one.
- Every sealed value carries the id of the key that sealed it, so a rotated secret key
  (`secret_key_previous`) still opens old rows and the next write re-seals them with the new one.
- Each value is bound to its row (`context`, used as GCM associated data): a ciphertext copied
  onto another account's row does not decrypt there.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tandem.core import TandemError

_INFO = b"tandem credentials v1"
_NONCE_BYTES = (
    12  # the GCM standard nonce; random per value (2^-32 collision after 2^32 seals)
)


class CredentialsUnreadable(TandemError):
    """A sealed value that no configured key opens: tampered with, or the key was changed."""

    status = 409
    title = "Credentials unreadable"


@dataclass(frozen=True)
class Sealed:
    key_id: str
    ciphertext: str  # urlsafe base64 of nonce + ciphertext + tag


def _derive(secret: str) -> tuple[str, AESGCM]:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret.encode()
    )
    # The id names the key without revealing it: an HMAC of a constant under the key.
    key_id = hmac.new(key, b"key id", hashlib.sha256).hexdigest()[:12]
    return key_id, AESGCM(key)


class Keyring:
    """Seals with the current key; opens with the current or any previous one."""

    def __init__(self, current: str, previous: Iterable[str] = ()) -> None:
        if not current:
            raise ValueError(
                "Keyring needs the instance secret key (TANDEM_SECRET_KEY)."
            )
        self.current_id, self._current = _derive(current)
        self._keys: dict[str, AESGCM] = {self.current_id: self._current}
        for old in previous:
            if old.strip():
                key_id, aead = _derive(old.strip())
                self._keys.setdefault(key_id, aead)

    def seal(self, plaintext: bytes, *, context: str) -> Sealed:
        nonce = os.urandom(_NONCE_BYTES)
        body = self._current.encrypt(nonce, plaintext, context.encode())
        return Sealed(self.current_id, base64.urlsafe_b64encode(nonce + body).decode())

    def open(self, sealed: Sealed, *, context: str) -> bytes:
        aead = self._keys.get(sealed.key_id)
        if aead is None:
            raise CredentialsUnreadable(
                f"Stored credentials were sealed with key {sealed.key_id}, which is not "
                "configured. If the secret key was changed, set TANDEM_SECRET_KEY_PREVIOUS to "
                "the old key; otherwise reconnect the account."
            )
        try:
            raw = base64.urlsafe_b64decode(sealed.ciphertext.encode())
            return aead.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode()
            )
        except (InvalidTag, ValueError) as exc:
            raise CredentialsUnreadable(
                "Stored credentials failed their integrity check (changed outside Tandem, "
                "or copied from another row); reconnect the account."
            ) from exc

    def seal_json(self, data: Mapping[str, object], *, context: str) -> Sealed:
        return self.seal(json.dumps(data, sort_keys=True).encode(), context=context)

    def open_json(self, sealed: Sealed, *, context: str) -> dict[str, object]:
        value = json.loads(self.open(sealed, context=context))
        if not isinstance(value, dict):
            raise CredentialsUnreadable("Stored credentials are not an object.")
        return value

    def is_current(self, key_id: str | None) -> bool:
        return key_id == self.current_id


def keyring_from(secret_key: str, previous: str | None = None) -> Keyring:
    """A keyring from the secret key and the comma-separated former keys."""
    return Keyring(secret_key, (previous or "").split(","))
