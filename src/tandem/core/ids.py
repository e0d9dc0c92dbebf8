"""Identifiers and secret tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import uuid


def new_id() -> str:
    """A random, URL-safe primary key (UUID4 hex, 32 characters)."""
    return uuid.uuid4().hex


def new_token(prefix: str = "", nbytes: int = 32) -> str:
    """A secret for one-time links, sessions and API tokens; only its digest is stored."""
    return prefix + secrets.token_urlsafe(nbytes)


def token_digest(token: str) -> str:
    # SHA-256 is enough here: tokens carry 256 bits of entropy, so no slow hash is needed.
    return hashlib.sha256(token.encode()).hexdigest()


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 48) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NON_SLUG.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or "workspace"
