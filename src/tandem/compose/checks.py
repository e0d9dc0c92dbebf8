"""Where compose meets the other capabilities: platform rules, brand kit, tracked links, media.

Every count and problem the UI shows comes through here, so the live counters, the saved
variants and the API always agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from tandem import brand, links, media
from tandem.accounts import Member
from tandem.brand import BrandKit
from tandem.compose import rules, suggest
from tandem.compose.model import Brief, Variant, VariantCheck
from tandem.compose.store import to_variant, variant_row
from tandem.compose.tailor import Target, tailor
from tandem.core import Clock, InvalidInput, NotFound, Problem
from tandem.media import MediaInfo
from tandem.publish import SocialAccount
from tandem.publish import store as publish_store

PLACEHOLDER_CODE = "x" * links.actions.CODE_LENGTH
DEFAULT_CAMPAIGN = "always-on"


def check_destination(url: str) -> str:
    return links.check_destination(url, field="link")


def default_post_type(platform: str) -> str:
    return rules.rules_for(platform).post_type


def target_for(platform: str, post_type: str = "") -> Target:
    r = rules.rules_for(platform, rules.RuleOptions(post_type=post_type or None))
    return Target(
        platform=platform,
        limit=r.text_limit,
        measure=lambda text: rules.measure(
            platform, text, options=rules.RuleOptions(post_type=post_type or None)
        ),
        hashtag_limit=r.hashtag_limit,
        links_clickable=r.links_clickable,
        supports_threads=r.supports_threads,
        supports_first_comment=r.supports_first_comment,
    )


def tracked_link(
    session: Session,
    *,
    brief: Brief,
    variant_id: str,
    platform: str,
    existing_link_id: str | None,
    actor: Member,
    base_url: str,
    clock: Clock,
) -> LinkRef | None:
    """The variant's short link; reused while the destination and campaign stay the same."""
    if not brief.link:
        return None
    campaign = brief.campaign_key or DEFAULT_CAMPAIGN
    if existing_link_id:
        try:
            existing = links.store.link_in(
                session, brief.workspace_id, existing_link_id
            )
        except NotFound:  # deleted meanwhile: make a new one
            existing = None
        wanted = links.preview_link(
            destination=brief.link,
            campaign_key=campaign,
            platform=platform,
            variant_id=variant_id,
        )
        if existing is not None and existing.destination == wanted.url:
            return _with_short_url(existing, base_url)
    link = links.create_link(
        session,
        workspace_id=brief.workspace_id,
        destination=brief.link,
        campaign_key=campaign,
        platform=platform,
        variant_id=variant_id,
        actor=actor,
        clock=clock,
    )
    return _with_short_url(link, base_url)


@dataclass(frozen=True)
class LinkRef:
    id: str
    short_url: str


def _with_short_url(link: links.TrackedLink, base_url: str) -> LinkRef:
    return LinkRef(link.id, links.short_url(base_url, link.code))


def media_infos(
    session: Session, workspace_id: str, ids: Sequence[str]
) -> list[tuple[str, MediaInfo]]:
    return [
        (item.id, media.media_info(item))
        for item in media.get_media(session, workspace_id, ids)
    ]


def check_media_ids(session: Session, workspace_id: str, ids: Sequence[str]) -> None:
    try:
        media.get_media(session, workspace_id, ids)
    except NotFound as exc:
        raise InvalidInput(exc.message, field="media_ids") from None


def pick_media(
    platform: str, post_type: str, items: Sequence[tuple[str, MediaInfo]]
) -> tuple[str, ...]:
    """The brief's files this platform accepts together, in order (mixing, count and format rules)."""
    options = rules.RuleOptions(post_type=post_type or None)
    chosen: list[str] = []
    infos: list[MediaInfo] = []
    for media_id, info in items:
        trial = [*infos, info]
        refused = [
            p
            for p in rules.validate(platform, "", trial, options=options)
            if p.blocking and p.code.startswith("media.")
        ]
        if not refused:
            chosen.append(media_id)
            infos = trial
    return tuple(chosen)


def media_library(session: Session, workspace_id: str) -> list[Any]:
    items, _ = media.store.list_media(
        session, workspace_id, media.store.MediaQuery(limit=200)
    )
    return [
        _MediaChoice(
            i.id, f"{i.filename} ({i.kind.value}, {i.width or '?'}×{i.height or '?'})"
        )
        for i in items
    ]


@dataclass(frozen=True)
class _MediaChoice:
    id: str
    label: str


def brand_kit(session: Session, workspace_id: str) -> BrandKit:
    return brand.get_brand_kit(session, workspace_id)


def problems_for(
    platform: str,
    post_type: str,
    parts: Sequence[str],
    infos: Sequence[MediaInfo],
    kit: BrandKit,
    *,
    sponsored: bool,
) -> list[Problem]:
    """Platform problems for each part (media counts on the first), brand problems on the whole."""
    options = rules.RuleOptions(post_type=post_type or None)
    found: list[Problem] = []
    for index, part in enumerate(parts or [""]):
        for problem in rules.validate(
            platform, part, infos if index == 0 else (), options=options
        ):
            prefix = f"Post {index + 1}: " if len(parts) > 1 else ""
            found.append(
                Problem(
                    problem.severity,
                    problem.code,
                    prefix + problem.message,
                    problem.start,
                    problem.end,
                )
            )
    found.extend(
        brand.check("\n\n".join(parts), kit, sponsored=sponsored, platform=platform)
    )
    return found


def check_variant(
    session: Session,
    variant: Variant,
    account: SocialAccount,
    brief: Brief,
    kit: BrandKit,
) -> VariantCheck:
    infos = [
        info
        for _, info in media_infos(session, variant.workspace_id, variant.media_ids)
    ]
    target = target_for(variant.platform, variant.post_type)
    problems = problems_for(
        variant.platform,
        variant.post_type,
        variant.parts,
        infos,
        kit,
        sponsored=brief.sponsored,
    )
    unit = rules.rules_for(variant.platform).unit_description
    return VariantCheck(
        variant,
        account.handle,
        tuple(target.measure(p) for p in variant.parts),
        target.limit,
        unit,
        tuple(problems),
    )


def variant(session: Session, workspace_id: str, variant_id: str) -> Variant:
    return to_variant(variant_row(session, workspace_id, variant_id))


def check_text(
    session: Session,
    *,
    workspace_id: str,
    platform: str,
    post_type: str,
    text: str,
    sponsored: bool,
    media_ids: Sequence[str],
) -> dict[str, Any]:
    """One text for one platform: its length in the platform's unit, the limit, every problem."""
    target = target_for(platform, post_type)
    infos = [info for _, info in media_infos(session, workspace_id, media_ids)]
    problems = problems_for(
        platform,
        post_type,
        [text],
        infos,
        brand_kit(session, workspace_id),
        sponsored=sponsored,
    )
    return {
        "platform": platform,
        "length": target.measure(text),
        "limit": target.limit,
        "unit": rules.rules_for(platform).unit_description,
        "problems": problems,
    }


def preview(
    session: Session,
    *,
    workspace_id: str,
    text: str,
    link: str,
    sponsored: bool,
    account_ids: Sequence[str],
    media_ids: Sequence[str],
    base_url: str,
) -> list[dict[str, Any]]:
    """What each account's variant would be, without saving (the composer's live previews)."""
    if link.strip():
        check_destination(link.strip())
    short = links.short_url(base_url, PLACEHOLDER_CODE) if link.strip() else ""
    kit = brand_kit(session, workspace_id)
    infos_by_id = dict(media_infos(session, workspace_id, media_ids))
    out = []
    for account_id in dict.fromkeys(account_ids):
        account = publish_store.account_in(session, workspace_id, account_id)
        platform = account.rules_platform
        post_type = default_post_type(platform)
        target = target_for(platform, post_type)
        result = tailor(text, target=target, link=short, destination=link.strip())
        chosen = pick_media(platform, post_type, list(infos_by_id.items()))
        problems = problems_for(
            platform,
            post_type,
            result.parts,
            [infos_by_id[m] for m in chosen],
            kit,
            sponsored=sponsored,
        )
        out.append(
            {
                "account_id": account.id,
                "handle": account.handle,
                "platform": platform,
                "parts": list(result.parts),
                "lengths": [target.measure(p) for p in result.parts],
                "limit": target.limit,
                "unit": rules.rules_for(platform).unit_description,
                "first_comment": result.first_comment,
                "notes": list(result.notes),
                "problems": problems,
                "blocking": any(p.blocking for p in problems),
            }
        )
    return out


def suggestions(session: Session, *, workspace_id: str, text: str) -> dict[str, Any]:
    history = publish_store.post_texts_with_metrics(session, workspace_id)
    ranked = suggest.rank_hashtags(history)
    used = {t.lower() for t in suggest.hashtags_in(text)}
    return {
        "hashtags": [s for s in ranked if s.hashtag not in used][:10],
        "keywords": suggest.keywords(text),
        "readability": suggest.readability(text),
        "tone": suggest.tone_hint(text),
    }
