"""Planned content for the demo: a brand kit and posts in every workflow state, so Create, the
review queue and the calendar have something real to show."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from tandem.accounts import Member, Role, store
from tandem.brand import (
    BannedPhrase,
    BrandKit,
    HashtagGroup,
    RequiredPhrase,
    save_brand_kit,
)
from tandem.compose import actions, workflow
from tandem.compose.actions import BriefInput
from tandem.compose.model import BriefStatus
from tandem.core import Clock
from tandem.publish import store as publish_store

KIT = BrandKit(
    banned=(
        BannedPhrase("cheap", "affordable", "We are not a discounter."),
        BannedPhrase("guaranteed", "", "Legal: no guarantees in marketing copy."),
    ),
    required=(
        RequiredPhrase(
            ("Demo Brand", "#DemoBrand"), "Say who we are on LinkedIn.", ("linkedin",)
        ),
    ),
    disclosures=("#ad", "#sponsored"),
    brand_names=("Demo Brand",),
    max_exclamations=2,
    no_double_exclamation=True,
    hashtag_groups=(HashtagGroup("outdoors", ("#Outdoors", "#Hiking", "#TrailLife")),),
)

PLANS = [
    (
        "Spring colours are here",
        "spring-launch",
        BriefStatus.SCHEDULED,
        1,
        9,
        "Three new colours of the Summit Mug just landed: moss, granite and glacier. Each one is made in "
        "our Berlin workshop and keeps coffee hot for six hours on the trail. Which one is yours? "
        "#DemoBrand #Outdoors #MadeInBerlin",
    ),
    (
        "Workshop tour video",
        "spring-launch",
        BriefStatus.IN_REVIEW,
        2,
        12,
        "Ever wondered how a Trail Bottle is made? Take a two-minute tour of our Berlin workshop, from the "
        "steel sheet to the final pressure test. Demo Brand has built gear here since 2014. #DemoBrand #BehindTheScenes",
    ),
    (
        "Partner post with ReForest",
        "reforest",
        BriefStatus.CHANGES_REQUESTED,
        3,
        17,
        "This month every order plants a tree with our partners at ReForest in the Bavarian Alps. "
        "Together we have planted 12,000 trees so far. #ReForest #Sustainability",
    ),
    (
        "Weekend trail tips",
        "",
        BriefStatus.DRAFT,
        5,
        8,
        "Our three favourite day hikes near Berlin, with where to refill your bottle on the way. "
        "Tell us yours in the comments! #TrailLife #Hiking",
    ),
]


def _member(session: Session, workspace_id: str, role: Role) -> Member:
    workspace = store.workspace_by_id(session, workspace_id)
    for m in store.memberships_in(session, workspace_id):
        if m.role is role:
            found = store.member_in(session, m.user, workspace)
            assert found is not None
            return found
    raise LookupError(f"the demo has no {role.value}")


def seed_plans(
    session: Session, *, workspace_id: str, clock: Clock, base_url: str
) -> int:
    """The brand kit and four posts (scheduled, in review, changes requested, draft). Returns the count."""
    owner = _member(session, workspace_id, Role.OWNER)
    social = _member(session, workspace_id, Role.SOCIAL_MANAGER)
    approver = _member(session, workspace_id, Role.APPROVER)
    save_brand_kit(session, actor=owner, kit=KIT, clock=clock)
    accounts = [a.id for a in publish_store.accounts_in(session, workspace_id)]
    zone = ZoneInfo(owner.workspace.timezone)
    today = clock.now().astimezone(zone).date()
    for title, campaign, status, days, hour, text in PLANS:
        planned = datetime.combine(today + timedelta(days=days), time(hour), zone)
        if (
            status is BriefStatus.SCHEDULED
        ):  # goes out a few minutes after the demo starts
            planned = (clock.now() + timedelta(minutes=3)).replace(
                second=0, microsecond=0
            )
        brief = actions.create_brief(
            session,
            actor=social,
            base_url=base_url,
            clock=clock,
            data=BriefInput(
                text=text,
                title=title,
                campaign_key=campaign,
                link="https://shop.demo-brand.example/spring",
                planned_at=planned,
                account_ids=tuple(accounts),
            ),
        )
        steps = {
            BriefStatus.IN_REVIEW: [(social, BriefStatus.IN_REVIEW, "")],
            BriefStatus.CHANGES_REQUESTED: [
                (social, BriefStatus.IN_REVIEW, ""),
                (
                    approver,
                    BriefStatus.CHANGES_REQUESTED,
                    "Please add #ad: ReForest is a paid partnership.",
                ),
            ],
            BriefStatus.SCHEDULED: [
                (social, BriefStatus.IN_REVIEW, ""),
                (approver, BriefStatus.APPROVED, "Looks great."),
                (social, BriefStatus.SCHEDULED, ""),
            ],
        }.get(status, [])
        for actor, to, note in steps:
            workflow.transition(
                session,
                actor=actor,
                brief_id=brief.id,
                to=to,
                note=note,
                base_url=base_url,
                clock=clock,
            )
    return len(PLANS)
