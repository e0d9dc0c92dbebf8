"""In-app alerts when a campaign's projected spend drifts beyond the workspace's threshold.

One alert per drift: the campaign remembers the state it alerted about, and only a change
(over -> under, or back on pace and then off again) alerts again.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from tandem.accounts import Permission, allows
from tandem.accounts import store as accounts
from tandem.notify import Recipient, notify
from tandem.plan import store
from tandem.plan.model import Pacing
from tandem.plan.pacing import pace
from tandem.plan.results import daily_spend, rates_of

ALERT_STATES = (Pacing.OVER, Pacing.UNDER)
KIND = "campaign.pacing"


def check_pacing(
    session: Session,
    *,
    workspace_id: str,
    today: date,
    base_url: str,
    now: datetime,
) -> int:
    """Alert the people who manage plans about campaigns newly off pace; returns the alerts sent."""
    settings = store.settings_of(session, workspace_id)
    rates = rates_of(settings)
    workspace = accounts.workspace_by_id(session, workspace_id)
    people = [
        Recipient(m.user.id, m.user.email)
        for m in accounts.memberships_in(session, workspace_id)
        if m.user.is_active and allows(m.role, Permission.PLAN_MANAGE)
    ]
    sent = 0
    for campaign in store.campaigns_in(session, workspace_id):
        lines = store.all_lines(session, workspace_id, campaign_ids=[campaign.id])
        report = pace(
            budget=campaign.budget,
            start=campaign.start,
            end=campaign.end,
            today=today,
            daily=daily_spend(lines, rates, campaign.currency),
            threshold=settings.pacing_threshold,
            currency=campaign.currency,
        )
        row = store.campaign_row(session, workspace_id, campaign.id)
        if report.state not in ALERT_STATES:
            if report.state is Pacing.ON_PACE:
                row.pacing_alert = ""
            continue
        if row.pacing_alert == report.state.value:
            continue
        row.pacing_alert = report.state.value
        sent += notify(
            session,
            workspace_id=workspace_id,
            recipients=people,
            kind=KIND,
            title=f"{campaign.name} is {report.state.label.lower()}",
            body=report.explanation,
            url=f"/w/{workspace.slug}/plan/campaigns/{campaign.id}",
            base_url=base_url,
            now=now,
            email=False,
        )
    return sent
