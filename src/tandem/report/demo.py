"""Reports for the demo: four months of always-on spend per channel from channels with known
response curves (so Budget guidance has something to say), 90 days of a Sandbox rival's
benchmark snapshots, an agency white-label, and a weekly client report."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tandem.accounts import Member
from tandem.compose.pillars import create_pillar
from tandem.compose.store import BriefRow
from tandem.connectors.public import PublicProfile
from tandem.core import Clock
from tandem.core.periods import local_today
from tandem.publish.store import PublishedPostRow
from tandem.report import actions
from tandem.report.competitors import add_competitor, keep_history
from tandem.report.model import Report, ReportInput, Schedule
from tandem.sim.media_mix import seed_spend_history
from tandem.sim.rivals import RivalPlan, readings

SAMPLE_SECTIONS = (
    "social_performance",
    "social_pillars",
    "goals",
    "campaign_roi",
    "channel_mix",
    "budget_guidance",
)


PILLARS = (
    ("Education", "#2f7d6d", "How-tos, tips and explainers"),
    ("Product", "#c2410c", "Launches, features and offers"),
    ("Community", "#6d28d9", "Customers, team and behind the scenes"),
)


def _pillar_for(key: str, ids: list[str]) -> str:
    """A stable pillar per post (the same seed gives the same split)."""
    return ids[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(ids)]


def seed_pillars(session: Session, *, owner: Member, clock: Clock) -> list[str]:
    """Education, Product and Community, spread over the history and the planned posts."""
    ws = owner.workspace.id
    ids = [
        create_pillar(
            session,
            actor=owner,
            name=name,
            colour=colour,
            description=text,
            clock=clock,
        ).id
        for name, colour, text in PILLARS
    ]
    posts = session.execute(
        select(PublishedPostRow.id, PublishedPostRow.platform_post_id).where(
            PublishedPostRow.workspace_id == ws
        )
    ).all()
    if posts:  # one executemany (ORM bulk update by primary key)
        session.execute(
            update(PublishedPostRow),
            [{"id": p, "pillar_id": _pillar_for(k, ids)} for p, k in posts],
        )
    for brief in session.scalars(select(BriefRow).where(BriefRow.workspace_id == ws)):
        brief.pillar_id = _pillar_for(brief.id, ids)
    return ids


def seed_rival_history(
    session: Session, *, owner: Member, rival: RivalPlan, now: datetime, clock: Clock
) -> None:
    """The Sandbox rival as a competitor with one snapshot per past day: what the daily
    snapshot job would have read from the Sandbox holding `rival`'s history."""
    added = add_competitor(
        session, actor=owner, platform="sandbox", handle=rival.handle, clock=clock
    )
    keep_history(
        session,
        added.id,
        (
            (r.at, PublicProfile(r.followers, r.posts, None, 0))
            for r in readings(rival, now=now)
        ),
    )


def seed_reports_demo(
    session: Session,
    *,
    owner: Member,
    clock: Clock,
    rival: RivalPlan,
    seed: int = 42,
) -> Report:
    """`rival` is the Sandbox rival whose history the demo's Sandbox holds (sim.rivals)."""
    now = clock.now()
    today = local_today(now, owner.workspace.timezone)
    seed_pillars(session, owner=owner, clock=clock)
    seed_rival_history(session, owner=owner, rival=rival, now=now, clock=clock)
    add_competitor(
        session, actor=owner, platform="instagram", handle="rival", clock=clock
    )
    seed_spend_history(
        session, actor=owner, clock=clock, end=today - timedelta(days=1), seed=seed
    )
    actions.save_branding(
        session,
        actor=owner,
        agency_name="Northwind Agency",
        primary_colour="#1f4e79",
        accent_colour="#e07a1f",
        logo=None,
        clock=clock,
    )
    return actions.create_report(
        session,
        actor=owner,
        data=ReportInput(
            "Demo Brand weekly performance",
            SAMPLE_SECTIONS,
            period_days=28,
            schedule=Schedule.WEEKLY,
            recipients=("client@demo-brand.test",),
        ),
        clock=clock,
    )
