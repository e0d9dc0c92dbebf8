"""Use cases of the brand kit. They take the session and clock and never commit."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, allows, audit
from tandem.brand.limits import clean_kit
from tandem.brand.model import BrandKit
from tandem.brand.store import BrandKitRow, kit_row, to_kit, write_kit
from tandem.core import Clock, Conflict, Forbidden, new_id

SECTIONS = {
    "banned": "banned words",
    "required": "required words",
    "disclosures": "disclosures",
    "disclosure_position": "disclosures",
    "disclosure_within": "disclosures",
    "brand_names": "brand names",
    "names_skip_handles": "brand names",
    "emoji": "emoji",
    "max_emoji": "emoji",
    "max_exclamations": "exclamation marks",
    "no_double_exclamation": "exclamation marks",
    "hashtag_groups": "hashtag groups",
    "utm": "UTM defaults",
}


def save_brand_kit(
    session: Session, *, actor: Member, kit: BrandKit, clock: Clock
) -> BrandKit:
    """Replace the workspace's kit with `kit` (validated), audited with before and after.

    Saving an unchanged kit changes nothing and records nothing.
    """
    if not allows(actor.role, Permission.BRAND_MANAGE):
        raise Forbidden(f"As {actor.role.label} you cannot change the brand kit.")
    cleaned = clean_kit(kit)
    row = kit_row(session, actor.workspace.id)
    before = BrandKit() if row is None else to_kit(row)
    changed = _changed_sections(before, cleaned)
    if row is not None and not changed:
        return before
    now = clock.now()
    if row is None:
        row = BrandKitRow(id=new_id(), workspace_id=actor.workspace.id)
        write_kit(row, cleaned, at=now, by=actor.user.email)
        _insert(session, row)
    else:
        write_kit(row, cleaned, at=now, by=actor.user.email)
        session.flush()
    after = to_kit(row)
    audit.record_change(
        session,
        actor=actor,
        action="brand_kit.update",
        entity_type="brand_kit",
        entity_id=row.id,
        before=_content(before),
        after=_content(after),
        summary="changed the brand kit: " + ", ".join(changed or ["first save"]),
        now=now,
    )
    return after


def _insert(session: Session, row: BrandKitRow) -> None:
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Two first saves at once: the other one won the workspace's only row.
        raise Conflict(
            "Someone else saved the brand kit at the same moment; reload and try again."
        ) from None


def _content(kit: BrandKit) -> dict[str, Any]:
    """The kit's rules for the audit log; who and when are the audit entry's own."""
    return {
        k: v for k, v in asdict(kit).items() if k not in ("updated_at", "updated_by")
    }


def _changed_sections(before: BrandKit, after: BrandKit) -> list[str]:
    changed: list[str] = []
    for f in fields(BrandKit):
        section = SECTIONS.get(f.name)
        if section is None or section in changed:
            continue
        if getattr(before, f.name) != getattr(after, f.name):
            changed.append(section)
    return changed
