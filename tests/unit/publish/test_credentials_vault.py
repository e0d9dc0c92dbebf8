"""Sealing credentials: round trip, tamper detection, row binding and key rotation."""

from __future__ import annotations

import base64

import pytest

from tandem.publish.vault import CredentialsUnreadable, Keyring, Sealed, keyring_from

SECRET = "s" * 48
OTHER = "o" * 48


def test_a_sealed_value_opens_to_the_same_bytes_and_hides_them() -> None:
    ring = Keyring(SECRET)
    sealed = ring.seal(b"access-token-123", context="account:a")
    assert b"access-token-123" not in base64.urlsafe_b64decode(sealed.ciphertext)
    assert ring.open(sealed, context="account:a") == b"access-token-123"


def test_each_seal_uses_a_fresh_nonce() -> None:
    ring = Keyring(SECRET)
    first = ring.seal(b"same", context="c")
    second = ring.seal(b"same", context="c")
    assert first.ciphertext != second.ciphertext


def test_a_flipped_bit_is_detected() -> None:
    ring = Keyring(SECRET)
    sealed = ring.seal(b"token", context="account:a")
    raw = bytearray(base64.urlsafe_b64decode(sealed.ciphertext))
    raw[-1] ^= 1
    tampered = Sealed(sealed.key_id, base64.urlsafe_b64encode(bytes(raw)).decode())
    with pytest.raises(CredentialsUnreadable, match="integrity check"):
        ring.open(tampered, context="account:a")


def test_a_ciphertext_copied_to_another_row_does_not_open() -> None:
    ring = Keyring(SECRET)
    sealed = ring.seal(b"token of a", context="account:a")
    with pytest.raises(CredentialsUnreadable):
        ring.open(sealed, context="account:b")


def test_a_rotated_key_still_opens_old_values_and_seals_with_the_new_one() -> None:
    old = Keyring(OTHER).seal_json({"access_token": "x"}, context="c")
    ring = keyring_from(SECRET, f"{OTHER}, ")
    assert ring.open_json(old, context="c") == {"access_token": "x"}
    assert not ring.is_current(old.key_id)
    assert ring.is_current(ring.seal(b"y", context="c").key_id)


def test_an_unknown_key_says_how_to_fix_it() -> None:
    sealed = Keyring(OTHER).seal(b"x", context="c")
    with pytest.raises(CredentialsUnreadable, match="TANDEM_SECRET_KEY_PREVIOUS"):
        Keyring(SECRET).open(sealed, context="c")


def test_the_key_id_does_not_reveal_the_secret() -> None:
    ring = Keyring(SECRET)
    assert SECRET[:12] not in ring.current_id and len(ring.current_id) == 12
