"""Site visits and purchases for the demo: journeys whose landings carry the demo campaigns'
UTM keys (spring-launch, reforest) and others that carry none (organic search, direct), so
Plan's campaign pages show conversions credited by Measure's attribution next to the ad
platforms' own figures.

Deterministic for a seed: the same seed and days give the same events (ids included).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from tandem.measure.channels import channel_group
from tandem.storage.warehouse import EventType, Warehouse, WarehouseEvent


@dataclass(frozen=True)
class Landing:
    source: str
    medium: str
    campaign: str | None
    weight: float  # how often a touch lands this way
    buys: float  # chance a visitor buys after this touch (the last one counts most)


# The demo campaigns' channels (search ads, paid and organic social, email) and the rest.
LANDINGS = (
    Landing("google", "cpc", "spring-launch", 0.18, 0.10),
    Landing("facebook", "paid", "spring-launch", 0.16, 0.03),
    Landing("instagram", "social", "spring-launch", 0.10, 0.02),
    Landing("newsletter", "email", "spring-launch", 0.08, 0.12),
    Landing("tiktok", "paid", "reforest", 0.10, 0.02),
    Landing("instagram", "social", "reforest", 0.05, 0.02),
    Landing("google", "organic", None, 0.18, 0.05),
    Landing("(direct)", "(none)", None, 0.15, 0.08),
)
PRICES = (24.0, 29.0, 36.0, 58.0)  # Summit Mug, a pair, gift boxes (EUR)


def site_events(
    workspace_id: str, *, first: date, last: date, seed: int = 42, per_day: int = 90
) -> list[WarehouseEvent]:
    """Visitors landing 1-4 times over a few days, some buying after their last touch."""
    rng = random.Random(seed)
    weights = [x.weight for x in LANDINGS]
    events: list[WarehouseEvent] = []
    days = (last - first).days + 1
    for day_index in range(days):
        day = first + timedelta(days=day_index)
        for n in range(per_day):
            visitor = f"demo-{day.isoformat()}-{n}"
            at = datetime.combine(day, time(7), UTC) + timedelta(
                minutes=rng.randint(0, 14 * 60)
            )
            touches = rng.choices(LANDINGS, weights, k=rng.choice((1, 1, 2, 2, 3, 4)))
            for k, landing in enumerate(touches):
                when = at + timedelta(hours=k * rng.randint(5, 40))
                if when.date() > last:
                    break
                events.append(
                    _landing(workspace_id, visitor, landing, when, len(events))
                )
                if rng.random() < landing.buys:
                    events.append(
                        WarehouseEvent(
                            f"demo-{seed}-{len(events)}",
                            workspace_id,
                            EventType.CONVERSION,
                            when + timedelta(minutes=rng.randint(2, 30)),
                            when + timedelta(minutes=31),
                            visitor_id=visitor,
                            value=rng.choice(PRICES),
                            currency="EUR",
                            url="https://demo-brand.tandem.test/checkout/thanks",
                        )
                    )
                    break
    return [e for e in events if e.occurred_at.date() <= last]


def _landing(
    workspace_id: str, visitor: str, landing: Landing, at: datetime, n: int
) -> WarehouseEvent:
    query = (
        f"?utm_source={landing.source}&utm_medium={landing.medium}"
        f"&utm_campaign={landing.campaign}"
        if landing.campaign
        else ""
    )
    direct = landing.source == "(direct)"
    return WarehouseEvent(
        f"demo-touch-{visitor}-{n}",
        workspace_id,
        EventType.PAGEVIEW,
        at,
        at,
        visitor_id=visitor,
        channel=str(channel_group(landing.source, landing.medium, landing.campaign)),
        source=landing.source,
        medium=landing.medium,
        campaign=landing.campaign,
        url=f"https://demo-brand.tandem.test/{query}",
        referrer=None if direct else f"https://{landing.source}.example/",
    )


def seed_site_demo(
    warehouse_path: Path, workspace_id: str, *, today: date, seed: int = 42
) -> int:
    """The demo's site events from the first day of its campaigns' spend to today, stored
    in the warehouse; returns how many were added."""
    from tandem.sim.plan import DAYS  # noqa: PLC0415  (plan imports much; only the demo needs it)

    events = site_events(
        workspace_id, first=today - timedelta(days=DAYS), last=today, seed=seed
    )
    with Warehouse(warehouse_path) as warehouse:
        return warehouse.append(events)
