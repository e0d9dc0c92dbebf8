"""Use cases of the media library. They take the session, the store and the clock, record
an audit entry for each change and never commit: the edge owns the transaction.

Bytes and rows are ordered so a failure never leaves a row without its file: bytes are
stored before the row is inserted, and removed only after the delete has committed
(`collect_file`). The worst case is an unreferenced file, which costs disk, not data.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.accounts import Member, audit
from tandem.core import Clock, InvalidInput, new_id
from tandem.media import store
from tandem.media.model import MAX_ALT_TEXT, MediaItem, MediaStore
from tandem.media.probe import probe_file
from tandem.media.upload import Received


def check_alt_text(text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_ALT_TEXT:
        raise InvalidInput(
            f"Alt text can be at most {MAX_ALT_TEXT:,} characters; this is "
            f"{len(text):,}. Keep what someone who cannot see it needs to know.",
            field="alt_text",
        )
    return text


def add_media(
    session: Session,
    *,
    actor: Member,
    files: MediaStore,
    upload: Received,
    alt_text: str = "",
    ffprobe_path: str | None = None,
    clock: Clock,
) -> tuple[MediaItem, bool]:
    """Probe, store and record an upload. Returns (item, created): the same bytes already
    in the workspace give the existing item back, unchanged, with created False.

    Raises InvalidInput when the file is neither an image nor a video we can read.
    """
    workspace = actor.workspace
    alt_text = check_alt_text(alt_text)
    existing = store.row_by_digest(session, workspace.id, upload.sha256)
    if existing is not None:
        return store.to_item(existing), False
    probe = probe_file(upload.path, ffprobe_path=ffprobe_path)
    files.put(upload.sha256, upload.path)
    row = store.MediaRow(
        id=new_id(),
        workspace_id=workspace.id,
        filename=upload.filename,
        sha256=upload.sha256,
        size_bytes=upload.size_bytes,
        kind=probe.kind.value,
        mime_type=probe.mime_type,
        width=probe.width,
        height=probe.height,
        duration_seconds=probe.duration_seconds,
        alt_text=alt_text,
        note=probe.note,
        created_by=actor.user.id,
        created_at=clock.now(),
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same bytes, uploaded twice at the same moment
        winner = store.row_by_digest(session, workspace.id, upload.sha256)
        if winner is None:
            raise
        return store.to_item(winner), False
    item = store.to_item(row)
    _record(session, actor, "media.upload", item, after=item, clock=clock)
    return item, True


def update_alt_text(
    session: Session, *, actor: Member, media_id: str, alt_text: str, clock: Clock
) -> MediaItem:
    row = store.media_row(session, actor.workspace.id, media_id)
    before = store.to_item(row)
    row.alt_text = check_alt_text(alt_text)
    session.flush()
    after = store.to_item(row)
    if after != before:
        _record(
            session,
            actor,
            "media.alt_text",
            after,
            before=before,
            after=after,
            clock=clock,
        )
    return after


def delete_media(
    session: Session, *, actor: Member, media_id: str, clock: Clock
) -> str | None:
    """Delete the item. Returns its digest when no other item uses the bytes: pass it to
    `collect_file` once this transaction has committed."""
    row = store.media_row(session, actor.workspace.id, media_id)
    item = store.to_item(row)
    session.delete(row)
    session.flush()
    _record(session, actor, "media.delete", item, before=item, clock=clock)
    return item.sha256 if store.references(session, item.sha256) == 0 else None


def collect_file(session: Session, *, files: MediaStore, sha256: str) -> bool:
    """Remove the bytes if no item, in any workspace, uses them any more. Checking again
    here, after the delete committed, keeps a file a rolled-back delete still needs."""
    if store.references(session, sha256):
        return False
    files.delete(sha256)
    return True


def _record(
    session: Session,
    actor: Member,
    action: str,
    item: MediaItem,
    *,
    before: MediaItem | None = None,
    after: MediaItem | None = None,
    clock: Clock,
) -> None:
    verbs = {"media.upload": "uploaded", "media.alt_text": "edited the alt text of"}
    audit.record_change(
        session,
        actor=actor,
        action=action,
        entity_type="media",
        entity_id=item.id,
        before=before,
        after=after,
        summary=f"{verbs.get(action, 'deleted')} {item.filename}",
        now=clock.now(),
    )
