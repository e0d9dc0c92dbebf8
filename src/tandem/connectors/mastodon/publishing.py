"""Posting statuses: single posts, threads (all or nothing), first comments, deletes.

Every create carries an `Idempotency-Key`: Mastodon remembers it for an hour per account and
answers a repeat with the status it already made, so a retry after a lost answer cannot
double a post (app/services/post_status_service.rb, `with_idempotency`). Keys:

- the first part: the post's fingerprint. If that status was deleted within the hour (say,
  a thread rolled back), Mastodon answers 404 "Record not found" for the key; the next
  generation (`<fingerprint>~1`, `~2`...) is then used, deterministically, so a retry of
  that retry still deduplicates;
- later parts and the first comment: derived from the fingerprint, the part and the id
  being replied to, so a thread posted again after a roll-back gets fresh keys.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from tandem.connectors.mastodon import mapping, rules
from tandem.connectors.mastodon.api import Session, malformed
from tandem.publish.ports import ErrorKind, OutboundPost, PublishedRef, PublishError

log = logging.getLogger("tandem.connectors.mastodon")

VISIBILITY = "public"
_KEY_GONE = "Record not found"  # what the key's deleted status answers


def derived_key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _status_id(status: Any) -> str:
    try:
        return str(status["id"])
    except (KeyError, TypeError) as exc:
        raise malformed(exc, write=True) from exc


def create_status(session: Session, payload: dict[str, Any], key: str) -> Any:
    return session.json(
        "POST", "/api/v1/statuses", json=payload, headers={"Idempotency-Key": key}
    )


def post_top_level(session: Session, payload: dict[str, Any], fingerprint: str) -> Any:
    """Create a status that replies to nothing, trying the next key generation while the
    current one points at a status deleted within the hour."""
    for generation in range(rules.MAX_KEY_GENERATIONS):
        key = fingerprint if generation == 0 else f"{fingerprint}~{generation}"
        try:
            return create_status(session, payload, key)
        except PublishError as exc:
            if exc.status == 404 and exc.message == _KEY_GONE:
                continue
            raise
    raise PublishError(
        "Mastodon still remembers this post as deleted several times within the last hour; "
        "Tandem will post it again once the instance forgets (at most an hour).",
        kind=ErrorKind.RETRY,
        retry_after=3600.0,
        status=404,
    )


def delete_status(session: Session, status_id: str) -> None:
    """Delete; a status that is already gone (404) counts as deleted. Deleting twice is
    harmless, so a lost answer is RETRY, not UNKNOWN."""
    try:
        session.send("DELETE", f"/api/v1/statuses/{status_id}", write=False)
    except PublishError as exc:
        if exc.status != 404:
            raise


def publish(session: Session, post: OutboundPost, media_ids: list[str]) -> PublishedRef:
    head: dict[str, Any] = {"status": post.parts[0], "visibility": VISIBILITY}
    if media_ids:
        head["media_ids"] = media_ids
    answer = post_top_level(session, head, post.fingerprint)
    try:
        ref = mapping.published_ref(answer)
    except (KeyError, TypeError, ValueError) as exc:
        raise malformed(exc, write=True) from exc
    posted = [ref.platform_post_id]
    for index, text in enumerate(post.parts[1:], start=1):
        parent = posted[-1]
        payload = {"status": text, "visibility": VISIBILITY, "in_reply_to_id": parent}
        key = derived_key(post.fingerprint, f"part{index}", parent)
        try:
            posted.append(_status_id(create_status(session, payload, key)))
        except PublishError as exc:
            lost = (payload, key) if exc.kind is ErrorKind.UNKNOWN else None
            raise roll_back(session, posted, exc, part=index + 1, lost=lost) from exc
    if post.first_comment:
        _first_comment(session, post, ref.platform_post_id)
    return ref


def roll_back(
    session: Session,
    posted: list[str],
    error: PublishError,
    *,
    part: int,
    lost: tuple[dict[str, Any], str] | None,
) -> PublishError:
    """Delete the parts already posted; the error to raise in their place.

    `lost` is the failed part's request when its answer was lost: asking again with the
    same key returns the status if it was made (or makes it), so it can be removed too.
    """
    live: list[str] = []
    if lost is not None:
        try:
            posted.append(_status_id(create_status(session, *lost)))
        except PublishError:
            live.append(
                f"part {part} (its answer was lost; it may be a reply to {posted[-1]})"
            )
    for status_id in reversed(posted):
        try:
            delete_status(session, status_id)
        except PublishError as exc:
            live.append(f"status {status_id} ({exc.message})")
    if live:
        return PublishError(
            f"Part {part} of the thread failed ({error.message}) and Tandem could not "
            f"remove what was already posted; still live on Mastodon: {'; '.join(live)}. "
            "Check the account's profile and delete those before retrying.",
            kind=ErrorKind.UNKNOWN,
            status=error.status,
        )
    if lost is not None:
        return PublishError(
            f"Part {part} of the thread got no answer ({error.message}); the thread was "
            "removed from Mastodon and will be posted again.",
            kind=ErrorKind.RETRY,
        )
    return PublishError(
        f"Part {part} of the thread: {error.message} (the parts already posted were deleted).",
        kind=error.kind,
        retry_after=error.retry_after,
        status=error.status,
    )


def _first_comment(session: Session, post: OutboundPost, head_id: str) -> None:
    payload = {
        "status": post.first_comment,
        "visibility": VISIBILITY,
        "in_reply_to_id": head_id,
    }
    key = derived_key(post.fingerprint, "comment", head_id)
    try:
        create_status(session, payload, key)
    except PublishError as exc:
        # The post is live: a missing first comment must not make the worker post it again.
        log.warning(
            "Mastodon post %s is live but its first comment failed (%s): %s",
            head_id,
            exc.kind,
            exc.message,
        )
