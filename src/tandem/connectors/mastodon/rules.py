"""Mastodon's limits and names the connector relies on, with their sources.

Character limits are the instance's (500 by default) and are checked while composing
(`tandem.compose.rules`); here are only what publishing itself needs.
"""

from __future__ import annotations

from pathlib import Path

PLATFORM = "mastodon"
DEFAULT_INSTANCE = "https://mastodon.social"

# The granular scopes Tandem asks for; the app is registered with the same list because
# Mastodon refuses an authorisation that asks for more than the app was registered with.
# https://docs.joinmastodon.org/api/oauth-scopes/
SCOPES = (
    "read:accounts",
    "read:notifications",
    "read:search",
    "read:statuses",
    "write:media",
    "write:statuses",
)
SCOPE = " ".join(SCOPES)

# "You may attach up to 4 media attachments" (POST /api/v1/statuses, media_ids[]):
# https://docs.joinmastodon.org/methods/statuses/#create
MAX_MEDIA = 4

# What Tandem uploads, by file extension (the instance checks the real content type).
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".mp4": "video/mp4",
}

# Statuses per page: the documented maximum of GET /api/v1/accounts/:id/statuses,
# /api/v1/notifications (80 since 4.x; 40 is accepted everywhere) and /api/v2/search.
PAGE_SIZE = 40
# Pages read before giving up on walking further back/forward in one call.
MAX_PAGES = 5

# How many idempotency keys a top-level post tries: a key whose status was deleted within
# the hour Mastodon remembers it answers 404 "Record not found" instead of posting again.
MAX_KEY_GENERATIONS = 4


def media_type(path: str) -> str:
    """The content type for `path` by extension; ValueError naming the allowed ones."""
    suffix = Path(path).suffix.lower()
    try:
        return MEDIA_TYPES[suffix]
    except KeyError:
        allowed = ", ".join(sorted(MEDIA_TYPES))
        raise ValueError(
            f"{Path(path).name}: Tandem uploads {allowed} files to Mastodon; "
            f"convert the file or remove it from the post."
        ) from None
