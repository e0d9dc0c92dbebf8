"""Password hashing (argon2id, the argon2-cffi defaults) and the password policy."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tandem.core import InvalidInput

MIN_LENGTH = 10
_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile


@cache
def _dummy_hash() -> str:
    """Verified against for unknown emails, so they cost the same time as wrong passwords."""
    return _hasher.hash("tandem-timing-equaliser")


def check_policy(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"Use at least {MIN_LENGTH} characters for the password.", field="password"
        )
    if len(password) > 1024:
        raise InvalidInput(
            "Use at most 1024 characters for the password.", field="password"
        )


def hash_password(password: str) -> str:
    check_policy(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return (
            _hasher.verify(password_hash or _dummy_hash(), password)
            and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False
