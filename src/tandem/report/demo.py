"""Reports for the demo: four months of always-on spend per channel from channels with known
response curves (so Budget guidance has something to say), an agency white-label, and a
weekly client report."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from tandem.accounts import Member
from tandem.core import Clock
from tandem.core.periods import local_today
from tandem.report import actions
from tandem.report.model import Report, ReportInput, Schedule
from tandem.sim.media_mix import seed_spend_history

SAMPLE_SECTIONS = (
    "social_performance",
    "goals",
    "campaign_roi",
    "channel_mix",
    "budget_guidance",
)


def seed_reports_demo(
    session: Session, *, owner: Member, clock: Clock, seed: int = 42
) -> Report:
    today = local_today(clock.now(), owner.workspace.timezone)
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
