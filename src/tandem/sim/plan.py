"""Plan for the demo: goals, campaigns, exchange rates and three weeks of ad spend, imported
from exports written in each ad platform's own format (the same path a user's file takes)."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable, Sequence
from datetime import date, timedelta

from sqlalchemy.orm import Session

from tandem.accounts import Member, Role
from tandem.core import Clock
from tandem.core.periods import local_today
from tandem.plan import (
    CampaignInput,
    GoalInput,
    check_pacing,
    create_campaign,
    create_goal,
    import_spend,
    preset_map,
    save_settings,
)
from tandem.sim.plans import _member

DAYS = 21
Row = dict[str, str]


def _day_rows(
    rng: random.Random, first: date, budget_per_day: float, roas: float
) -> list[Row]:
    rows = []
    for i in range(DAYS):
        spend = budget_per_day * rng.uniform(0.8, 1.25)
        impressions = int(spend * rng.uniform(35, 55))
        clicks = int(impressions * rng.uniform(0.01, 0.03))
        conversions = max(0, round(clicks * rng.uniform(0.02, 0.06)))
        value = conversions * spend / max(conversions, 1) * roas * rng.uniform(0.7, 1.3)
        rows.append(
            {
                "day": (first + timedelta(days=i)).isoformat(),
                "spend": f"{spend:.2f}",
                "impressions": str(impressions),
                "reach": str(int(impressions * 0.7)),
                "clicks": str(clicks),
                "conversions": str(conversions),
                "value": f"{value if conversions else 0:.2f}",
            }
        )
    return rows


def _csv(
    header: list[str], rows: list[list[str]], preamble: Sequence[str] = ()
) -> bytes:
    out = io.StringIO()
    for line in preamble:
        out.write(line + "\n")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def google_ads_export(rows: list[Row], campaign: str) -> bytes:
    return _csv(
        [
            "Day",
            "Campaign",
            "Currency code",
            "Cost",
            "Impr.",
            "Clicks",
            "Conversions",
            "Conv. value",
        ],
        [
            [
                r["day"],
                campaign,
                "EUR",
                r["spend"],
                r["impressions"],
                r["clicks"],
                r["conversions"],
                r["value"],
            ]
            for r in rows
        ],
        ["Campaign performance", f'"{rows[0]["day"]} - {rows[-1]["day"]}"'],
    )


def meta_ads_export(rows: list[Row], campaign: str) -> bytes:
    return _csv(
        [
            "Reporting starts",
            "Reporting ends",
            "Campaign name",
            "Day",
            "Reach",
            "Impressions",
            "Amount spent (EUR)",
            "Link clicks",
            "Purchases",
            "Purchases conversion value",
        ],
        [
            [
                rows[0]["day"],
                rows[-1]["day"],
                campaign,
                r["day"],
                r["reach"],
                r["impressions"],
                r["spend"],
                r["clicks"],
                r["conversions"],
                r["value"],
            ]
            for r in rows
        ],
    )


def linkedin_ads_export(rows: list[Row], campaign: str) -> bytes:
    def us(day: str) -> str:
        d = date.fromisoformat(day)
        return f"{d.month}/{d.day}/{d.year}"

    return _csv(
        [
            "Start Date (in UTC)",
            "Campaign Name",
            "Currency",
            "Total Spent",
            "Impressions",
            "Clicks",
            "Reach",
            "Conversions",
            "Total Conversion Value",
        ],
        [
            [
                us(r["day"]),
                campaign,
                "USD",
                r["spend"],
                r["impressions"],
                r["clicks"],
                r["reach"],
                r["conversions"],
                r["value"],
            ]
            for r in rows
        ],
        ["Campaign Performance Report (in UTC)", "Account Name: Demo Brand", ""],
    )


def tiktok_ads_export(rows: list[Row], campaign: str) -> bytes:
    return _csv(
        [
            "By Day",
            "Campaign name",
            "Currency",
            "Cost",
            "Impressions",
            "Reach",
            "Clicks (destination)",
            "Conversions",
            "Total complete payment value",
        ],
        [
            [
                r["day"],
                campaign,
                "EUR",
                r["spend"],
                r["impressions"],
                r["reach"],
                r["clicks"],
                r["conversions"],
                r["value"],
            ]
            for r in rows
        ],
    )


EXPORTS: list[tuple[str, Callable[[list[Row], str], bytes], str, float, float]] = [
    ("google_ads", google_ads_export, "Spring Launch - Search", 60.0, 4.0),
    ("meta_ads", meta_ads_export, "Spring Launch - Reels", 45.0, 2.5),
    (
        "linkedin_ads",
        linkedin_ads_export,
        "Spring Launch - Sponsored Content",
        40.0,
        1.2,
    ),
    ("tiktok_ads", tiktok_ads_export, "ReForest - TopView", 20.0, 1.8),
]


def seed_plan_demo(
    session: Session, *, workspace_id: str, clock: Clock, base_url: str, seed: int = 42
) -> int:
    """Goals, the spring-launch and reforest campaigns, and their spend. Returns spend lines."""
    marketer: Member = _member(session, workspace_id, Role.MARKETER)
    today = local_today(clock.now(), marketer.workspace.timezone)
    first = today - timedelta(days=DAYS)
    save_settings(
        session,
        actor=marketer,
        currency="EUR",
        rates={"USD": 0.92},
        pacing_threshold=0.1,
        clock=clock,
    )
    quarter_end = first + timedelta(days=89)
    leads = create_goal(
        session,
        actor=marketer,
        clock=clock,
        data=GoalInput(
            "500 qualified leads this quarter", "conversions", 500, first, quarter_end
        ),
    )
    create_goal(
        session,
        actor=marketer,
        clock=clock,
        data=GoalInput(
            "4% engagement rate on LinkedIn",
            "engagement_rate",
            0.04,
            first,
            quarter_end,
            platform="linkedin",
        ),
    )
    create_campaign(
        session,
        actor=marketer,
        clock=clock,
        data=CampaignInput(
            "Spring Launch",
            "spring-launch",
            first,
            first + timedelta(days=44),
            6000,
            "EUR",
            ["search_ads", "paid_social", "organic_social", "email"],
            leads.id,
            "Three new colours of the Summit Mug.",
        ),
    )
    create_campaign(
        session,
        actor=marketer,
        clock=clock,
        data=CampaignInput(
            "ReForest partnership",
            "reforest",
            first,
            first + timedelta(days=29),
            400,
            "EUR",
            ["paid_social", "organic_social"],
            None,
            "Every order plants a tree.",
        ),
    )
    rng = random.Random(seed)
    lines = 0
    for preset, write, name, per_day, roas in EXPORTS:
        data = write(_day_rows(rng, first, per_day, roas), name)
        result = import_spend(
            session,
            actor=marketer,
            data=data,
            filename=f"{preset}.csv",
            mapping=preset_map(preset),
            clock=clock,
        )
        lines += result.added
    check_pacing(
        session,
        workspace_id=workspace_id,
        today=today,
        base_url=base_url,
        now=clock.now(),
    )
    return lines
