"""Site visits and purchases for the demo: journeys whose landings carry the demo campaigns'
UTM keys (spring-launch, reforest) and others that carry none (organic search, direct), so
Plan's campaign pages show conversions credited by Measure's attribution next to the ad
platforms' own figures. The always-on paid channels (tandem.sim.media_mix) bring buyers in
proportion to the conversions their exports claim, fewer than claimed, as Measure sees
fewer than the platforms report (no view-through, no cross-device), so both sources of
results tell one story.

Deterministic for a seed: the same seed and days give the same events (ids included).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from tandem.measure.channels import channel_group
from tandem.sim.media_mix import DayRow, history
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

# Where the always-on channels' visitors land (no campaign key: those lines have none).
PAID_LANDINGS = {
    "search_ads": Landing("google", "cpc", None, 0.0, 0.0),
    "paid_social": Landing("facebook", "paid", None, 0.0, 0.0),
    "display": Landing("gdn", "display", None, 0.0, 0.0),
}
EARLIER = (  # a touch some buyers had before the paid one
    Landing("google", "organic", None, 0.0, 0.0),
    Landing("newsletter", "email", None, 0.0, 0.0),
    Landing("(direct)", "(none)", None, 0.0, 0.0),
)
SEEN_SHARE = 0.75  # of the conversions a platform claims, those Measure sees
BROWSERS_PER_BUYER = 3  # paid visitors who leave without buying


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
                    after = rng.randint(2, 30)
                    events.append(
                        _purchase(
                            f"demo-{seed}-{len(events)}",
                            workspace_id,
                            visitor,
                            when + timedelta(minutes=after),
                            rng.choice(PRICES),
                        )
                    )
                    break
    return [e for e in events if e.occurred_at.date() <= last]


def paid_events(
    workspace_id: str, rows: list[DayRow], *, last: date, seed: int = 42
) -> list[WarehouseEvent]:
    """Visitors from the always-on channels: buyers for SEEN_SHARE of each day's claimed
    conversions, at the channel's value per conversion, and browsers who do not buy."""
    rng = random.Random(seed + 1)
    events: list[WarehouseEvent] = []
    for row in rows:
        landing = PAID_LANDINGS.get(row.channel)
        if landing is None or row.day > last:
            continue
        expected = row.conversions * SEEN_SHARE
        buyers = int(expected) + (rng.random() < expected - int(expected))
        value = row.revenue / row.conversions if row.conversions else 0.0
        for n in range(buyers * (1 + BROWSERS_PER_BUYER)):
            visitor = f"demo-paid-{row.day.isoformat()}-{row.channel}-{n}"
            at = datetime.combine(row.day, time(7), UTC) + timedelta(
                minutes=rng.randint(0, 14 * 60)
            )
            if rng.random() < 0.4:
                earlier = rng.choice(EARLIER)
                events.append(
                    _landing(
                        workspace_id,
                        visitor,
                        earlier,
                        at - timedelta(hours=rng.randint(6, 72)),
                        len(events),
                    )
                )
            events.append(_landing(workspace_id, visitor, landing, at, len(events)))
            if n < buyers:
                after = rng.randint(2, 30)
                events.append(
                    _purchase(
                        f"demo-paid-{seed}-{len(events)}",
                        workspace_id,
                        visitor,
                        at + timedelta(minutes=after),
                        round(value * rng.uniform(0.7, 1.3), 2),
                    )
                )
    return [e for e in events if e.occurred_at.date() <= last]


def _purchase(
    event_id: str, workspace_id: str, visitor: str, at: datetime, value: float
) -> WarehouseEvent:
    """A purchase on the demo site; it reaches Tandem a minute or so later."""
    return WarehouseEvent(
        event_id,
        workspace_id,
        EventType.CONVERSION,
        at,
        at + timedelta(minutes=1),
        visitor_id=visitor,
        value=value,
        currency="EUR",
        url="https://demo-brand.tandem.test/checkout/thanks",
    )


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
    # The same days seed_spend_history imports (up to yesterday).
    events += paid_events(
        workspace_id, history(today - timedelta(days=1)), last=today, seed=seed
    )
    with Warehouse(warehouse_path) as warehouse:
        return warehouse.append(events)
