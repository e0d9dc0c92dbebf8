"""Rows and queries of the brand capability: one brand kit row per workspace.

The rule lists are JSON columns: they are always read and written whole, never queried.
Only `BrandKit` dataclasses leave this module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tandem.brand.model import (
    BannedPhrase,
    BrandKit,
    DisclosurePosition,
    EmojiPolicy,
    HashtagGroup,
    RequiredPhrase,
    UtmDefaults,
)
from tandem.storage import Base, UTCDateTime


class BrandKitRow(Base):
    __tablename__ = "brand_kits"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workspace_id: Mapped[str] = mapped_column(
        ForeignKey("workspaces.id", ondelete="CASCADE"), unique=True
    )
    banned: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    required: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    disclosures: Mapped[list[str]] = mapped_column(JSON)
    disclosure_position: Mapped[str] = mapped_column(String(16))
    disclosure_within: Mapped[int]
    brand_names: Mapped[list[str]] = mapped_column(JSON)
    names_skip_handles: Mapped[bool]
    emoji: Mapped[str] = mapped_column(String(16))
    max_emoji: Mapped[int]
    max_exclamations: Mapped[int | None]
    no_double_exclamation: Mapped[bool]
    hashtag_groups: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    utm_source: Mapped[str] = mapped_column(String(100))
    utm_medium: Mapped[str] = mapped_column(String(100))
    utm_campaign_prefix: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The email, not a user id: the kit keeps its history when the user is removed.
    updated_by: Mapped[str] = mapped_column(String(320))


def kit_row(session: Session, workspace_id: str) -> BrandKitRow | None:
    return session.scalar(
        select(BrandKitRow).where(BrandKitRow.workspace_id == workspace_id)
    )


def get_brand_kit(session: Session, workspace_id: str) -> BrandKit:
    """The workspace's kit, or the defaults when nobody has saved one yet."""
    row = kit_row(session, workspace_id)
    return BrandKit() if row is None else to_kit(row)


def to_kit(row: BrandKitRow) -> BrandKit:
    return BrandKit(
        banned=tuple(
            BannedPhrase(
                phrase=r["phrase"],
                replacement=r.get("replacement", ""),
                reason=r.get("reason", ""),
                platforms=tuple(r.get("platforms", ())),
            )
            for r in row.banned
        ),
        required=tuple(
            RequiredPhrase(
                phrases=tuple(r["phrases"]),
                reason=r.get("reason", ""),
                platforms=tuple(r.get("platforms", ())),
            )
            for r in row.required
        ),
        disclosures=tuple(row.disclosures),
        disclosure_position=DisclosurePosition(row.disclosure_position),
        disclosure_within=row.disclosure_within,
        brand_names=tuple(row.brand_names),
        names_skip_handles=row.names_skip_handles,
        emoji=EmojiPolicy(row.emoji),
        max_emoji=row.max_emoji,
        max_exclamations=row.max_exclamations,
        no_double_exclamation=row.no_double_exclamation,
        hashtag_groups=tuple(
            HashtagGroup(name=g["name"], hashtags=tuple(g["hashtags"]))
            for g in row.hashtag_groups
        ),
        utm=UtmDefaults(row.utm_source, row.utm_medium, row.utm_campaign_prefix),
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def write_kit(row: BrandKitRow, kit: BrandKit, *, at: datetime, by: str) -> None:
    row.banned = [
        {
            "phrase": r.phrase,
            "replacement": r.replacement,
            "reason": r.reason,
            "platforms": list(r.platforms),
        }
        for r in kit.banned
    ]
    row.required = [
        {"phrases": list(r.phrases), "reason": r.reason, "platforms": list(r.platforms)}
        for r in kit.required
    ]
    row.disclosures = list(kit.disclosures)
    row.disclosure_position = kit.disclosure_position.value
    row.disclosure_within = kit.disclosure_within
    row.brand_names = list(kit.brand_names)
    row.names_skip_handles = kit.names_skip_handles
    row.emoji = kit.emoji.value
    row.max_emoji = kit.max_emoji
    row.max_exclamations = kit.max_exclamations
    row.no_double_exclamation = kit.no_double_exclamation
    row.hashtag_groups = [
        {"name": g.name, "hashtags": list(g.hashtags)} for g in kit.hashtag_groups
    ]
    row.utm_source = kit.utm.source
    row.utm_medium = kit.utm.medium
    row.utm_campaign_prefix = kit.utm.campaign_prefix
    row.updated_at = at
    row.updated_by = by
