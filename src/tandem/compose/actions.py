"""Use cases for briefs and variants: create, edit, tailor, check. Nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from tandem.accounts import Member, Permission, allows, audit
from tandem.compose import checks
from tandem.compose.model import TONES, Brief, BriefDetail, BriefStatus, Variant
from tandem.compose.pillars import check_pillar
from tandem.compose.publishing import schedule_variant
from tandem.compose.store import (
    BriefRow,
    VariantRow,
    brief_row,
    comments_of,
    to_brief,
    to_variant,
    variant_row,
    variant_rows,
)
from tandem.compose.tailor import tailor
from tandem.core import Clock, Conflict, InvalidInput, NotFound, new_id
from tandem.media import MediaInfo
from tandem.publish import SocialAccount
from tandem.publish import store as publish_store

TEXT_MAX = 10_000
TITLE_MAX = 200
PARTS_MAX = 25
EDITABLE = (BriefStatus.DRAFT, BriefStatus.CHANGES_REQUESTED, BriefStatus.IN_REVIEW)


@dataclass(frozen=True)
class BriefInput:
    text: str
    title: str = ""
    link: str = ""
    media_ids: tuple[str, ...] = ()
    campaign_key: str = ""
    tone: str = "neutral"
    sponsored: bool = False
    planned_at: datetime | None = None
    account_ids: tuple[str, ...] = ()
    pillar_id: str | None = None


def _clean(data: BriefInput) -> BriefInput:
    text = data.text.strip()
    if not text:
        raise InvalidInput(
            "Write the message first: the brief text is empty.", field="text"
        )
    if len(text) > TEXT_MAX:
        raise InvalidInput(
            f"Keep the brief under {TEXT_MAX:,} characters (it has {len(text):,}).",
            field="text",
        )
    title = (data.title.strip() or " ".join(text.split())[:60]).strip()
    if len(title) > TITLE_MAX:
        raise InvalidInput(
            f"Keep the title under {TITLE_MAX} characters.", field="title"
        )
    if data.tone not in TONES:
        raise InvalidInput(f"Tone must be one of {', '.join(TONES)}.", field="tone")
    if data.planned_at is not None and data.planned_at.tzinfo is None:
        raise InvalidInput("The planned time needs a time zone.", field="planned_at")
    link = data.link.strip()
    if link:
        checks.check_destination(link)
    return replace(
        data,
        text=text,
        title=title,
        link=link,
        campaign_key=data.campaign_key.strip().lower(),
        account_ids=tuple(dict.fromkeys(data.account_ids)),
        media_ids=tuple(dict.fromkeys(data.media_ids)),
    )


def _accounts(
    session: Session, workspace_id: str, ids: Sequence[str]
) -> list[SocialAccount]:
    accounts = []
    for index, account_id in enumerate(ids):
        try:
            accounts.append(publish_store.account_in(session, workspace_id, account_id))
        except NotFound:
            raise InvalidInput(
                f"account_ids[{index}] is not a connected account of this workspace.",
                field="account_ids",
            ) from None
    return accounts


def _tailor_into(
    session: Session,
    row: VariantRow,
    brief: Brief,
    account: SocialAccount,
    *,
    media: Sequence[tuple[str, MediaInfo]],
    actor: Member,
    base_url: str,
    clock: Clock,
) -> None:
    """(Re)write one variant from the brief: tracked link, media choice, tailored text.
    `media` is the brief's files with what they are, read once for all its variants."""
    link = checks.tracked_link(
        session,
        brief=brief,
        variant_id=row.id,
        platform=account.rules_platform,
        existing_link_id=row.link_id,
        actor=actor,
        base_url=base_url,
        clock=clock,
    )
    media_ids = checks.pick_media(account.rules_platform, row.post_type, media)
    target = checks.target_for(account.rules_platform, row.post_type)
    result = tailor(
        brief.text,
        target=target,
        link=link.short_url if link else "",
        destination=brief.link,
    )
    row.content = {
        "parts": list(result.parts),
        "media": list(media_ids),
        "notes": list(result.notes),
    }
    row.first_comment = result.first_comment
    row.short_url = link.short_url if link else ""
    row.link_id = link.id if link else None
    row.manual = False
    row.updated_at = clock.now()


def _sync_variants(
    session: Session,
    brief_row_: BriefRow,
    accounts: list[SocialAccount],
    *,
    actor: Member,
    base_url: str,
    clock: Clock,
    retailor_manual: bool = False,
) -> None:
    brief = to_brief(brief_row_)
    existing = {v.account_id: v for v in variant_rows(session, brief.id)}
    media = checks.media_infos(session, brief.workspace_id, brief.media_ids)
    wanted = {a.id for a in accounts}
    for account_id, gone in existing.items():
        if account_id not in wanted:
            session.delete(gone)
    for account in accounts:
        row = existing.get(account.id)
        if row is None:
            row = VariantRow(
                id=new_id(),
                brief_id=brief.id,
                workspace_id=brief.workspace_id,
                account_id=account.id,
                platform=account.rules_platform,
                post_type=checks.default_post_type(account.rules_platform),
                content={},
                scheduled_at=brief.planned_at,
                updated_at=clock.now(),
            )
            session.add(row)
        elif row.manual and not retailor_manual:
            continue  # the person's own edits survive when other variants are re-tailored
        _tailor_into(
            session,
            row,
            brief,
            account,
            media=media,
            actor=actor,
            base_url=base_url,
            clock=clock,
        )
    session.flush()


def create_brief(
    session: Session, *, actor: Member, data: BriefInput, base_url: str, clock: Clock
) -> Brief:
    data = _clean(data)
    accounts = _accounts(session, actor.workspace.id, data.account_ids)
    checks.check_media_ids(session, actor.workspace.id, data.media_ids)
    check_pillar(session, actor.workspace.id, data.pillar_id)
    now = clock.now()
    row = BriefRow(
        id=new_id(),
        workspace_id=actor.workspace.id,
        title=data.title,
        text=data.text,
        link=data.link,
        media={"ids": list(data.media_ids)},
        campaign_key=data.campaign_key,
        tone=data.tone,
        sponsored=data.sponsored,
        status=BriefStatus.DRAFT.value,
        planned_at=data.planned_at,
        pillar_id=data.pillar_id or None,
        created_by=actor.user.id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    _sync_variants(session, row, accounts, actor=actor, base_url=base_url, clock=clock)
    brief = to_brief(row)
    audit.record_change(
        session,
        actor=actor,
        action="brief.create",
        entity_type="brief",
        entity_id=row.id,
        after={"title": brief.title, "accounts": len(accounts)},
        summary=f"created “{brief.title}”",
        now=now,
    )
    return brief


def update_brief(
    session: Session,
    *,
    actor: Member,
    brief_id: str,
    data: BriefInput,
    base_url: str,
    clock: Clock,
) -> Brief:
    """Change the brief; every variant not edited by hand is tailored again."""
    row = brief_row(session, actor.workspace.id, brief_id)
    if BriefStatus(row.status) not in EDITABLE:
        raise Conflict(
            "Approved and scheduled posts are locked: reopen it as a draft to change it."
        )
    data = _clean(data)
    accounts = _accounts(session, actor.workspace.id, data.account_ids)
    checks.check_media_ids(session, actor.workspace.id, data.media_ids)
    check_pillar(session, actor.workspace.id, data.pillar_id)
    before = to_brief(row)
    row.title, row.text, row.link, row.tone = (
        data.title,
        data.text,
        data.link,
        data.tone,
    )
    row.media = {"ids": list(data.media_ids)}
    row.campaign_key, row.sponsored, row.planned_at = (
        data.campaign_key,
        data.sponsored,
        data.planned_at,
    )
    row.pillar_id = data.pillar_id or None
    row.updated_at = clock.now()
    _sync_variants(session, row, accounts, actor=actor, base_url=base_url, clock=clock)
    after = to_brief(row)
    audit.record_change(
        session,
        actor=actor,
        action="brief.update",
        entity_type="brief",
        entity_id=row.id,
        before={"title": before.title, "text": before.text},
        after={"title": after.title, "text": after.text},
        summary=f"edited “{after.title}”",
        now=clock.now(),
    )
    return after


def edit_variant(
    session: Session,
    *,
    actor: Member,
    variant_id: str,
    parts: Sequence[str],
    first_comment: str,
    clock: Clock,
) -> Variant:
    """A person's own wording for one platform; it is kept when the brief is re-tailored."""
    row = variant_row(session, actor.workspace.id, variant_id)
    if (
        BriefStatus(brief_row(session, actor.workspace.id, row.brief_id).status)
        not in EDITABLE
    ):
        raise Conflict(
            "Approved and scheduled posts are locked: reopen it as a draft to change it."
        )
    cleaned = [p.strip() for p in parts if p.strip()]
    if not cleaned:
        raise InvalidInput("A variant needs some text.", field="parts")
    if len(cleaned) > PARTS_MAX:
        raise InvalidInput(
            f"A thread can have at most {PARTS_MAX} posts.", field="parts"
        )
    before = to_variant(row)
    row.content = {**row.content, "parts": cleaned, "notes": []}
    row.first_comment = first_comment.strip()
    row.manual = True
    row.updated_at = clock.now()
    audit.record_change(
        session,
        actor=actor,
        action="variant.edit",
        entity_type="variant",
        entity_id=row.id,
        before={"parts": list(before.parts)},
        after={"parts": cleaned},
        summary=f"edited the {row.platform} variant by hand",
        now=clock.now(),
    )
    return to_variant(row)


def retailor_variant(
    session: Session, *, actor: Member, variant_id: str, base_url: str, clock: Clock
) -> Variant:
    """Drop the hand edits of one variant and tailor it from the brief again."""
    row = variant_row(session, actor.workspace.id, variant_id)
    brief = brief_row(session, actor.workspace.id, row.brief_id)
    account = publish_store.account_in(session, actor.workspace.id, row.account_id)
    current = to_brief(brief)
    _tailor_into(
        session,
        row,
        current,
        account,
        media=checks.media_infos(session, current.workspace_id, current.media_ids),
        actor=actor,
        base_url=base_url,
        clock=clock,
    )
    return to_variant(row)


def reschedule_variant(
    session: Session,
    *,
    actor: Member,
    variant_id: str,
    when: datetime | None,
    clock: Clock,
) -> Variant:
    if when is not None and when.tzinfo is None:
        raise InvalidInput("The time needs a time zone.", field="scheduled_at")
    row = variant_row(session, actor.workspace.id, variant_id)
    before = row.scheduled_at
    row.scheduled_at = when
    row.updated_at = clock.now()
    audit.record_change(
        session,
        actor=actor,
        action="variant.reschedule",
        entity_type="variant",
        entity_id=row.id,
        before={"scheduled_at": before.isoformat() if before else None},
        after={"scheduled_at": when.isoformat() if when else None},
        summary=f"moved the {row.platform} post",
        now=clock.now(),
    )
    session.flush()
    schedule_variant(session, variant_id=row.id, now=clock.now())
    return to_variant(row)


# What someone who may review but not see all content (an approver) may open.
REVIEWABLE = (
    BriefStatus.IN_REVIEW,
    BriefStatus.CHANGES_REQUESTED,
    BriefStatus.APPROVED,
    BriefStatus.SCHEDULED,
)


def visible_detail(session: Session, member: Member, brief_id: str) -> BriefDetail:
    """The brief as `member` may see it: approvers without content access see only reviewable posts."""
    detail = brief_detail(session, member.workspace.id, brief_id)
    if (
        not allows(member.role, Permission.CONTENT_VIEW)
        and detail.brief.status not in REVIEWABLE
    ):
        raise NotFound("No such post in this workspace.")
    return detail


def brief_detail(session: Session, workspace_id: str, brief_id: str) -> BriefDetail:
    """The brief, each variant with every problem (platform rules and brand kit), and comments."""
    brief = to_brief(brief_row(session, workspace_id, brief_id))
    accounts = {a.id: a for a in publish_store.accounts_in(session, workspace_id)}
    kit = checks.brand_kit(session, workspace_id)
    variants = tuple(
        checks.check_variant(
            session, to_variant(row), accounts[row.account_id], brief, kit
        )
        for row in variant_rows(session, brief.id)
    )
    return BriefDetail(brief, variants, tuple(comments_of(session, brief.id)))
