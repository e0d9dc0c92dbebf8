"""Channels whose true response to spend is known: the ground truth budget guidance is
validated against (adstock + Hill, the same family tandem.plan.budget fits)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy.orm import Session

from tandem.accounts import Member
from tandem.core import Clock
from tandem.plan import Channel, custom_map, import_spend, store
from tandem.plan.budget import Curve, adstock, allocate, hill


@dataclass(frozen=True)
class TrueChannel:
    name: str
    curve: Curve
    daily_spend: float  # typical spend; days vary around it
    value_per_conversion: float = 50.0
    cpm: float = 10.0  # cost per 1,000 impressions, for the exports' delivery columns
    ctr: float = 0.01  # clicks per impression


# Search is spent past its knee; paid social has room to grow; display saturates early.
# Delivery: search has few, dear impressions that get clicked; display the reverse.
DEFAULT_CHANNELS = (
    TrueChannel(
        "search_ads",
        Curve(beta=900.0, k=150.0, shape=1.2, decay=0.1),
        400.0,
        cpm=45.0,
        ctr=0.045,
    ),
    TrueChannel(
        "paid_social",
        Curve(beta=2600.0, k=1200.0, shape=1.0, decay=0.45),
        300.0,
        cpm=8.0,
        ctr=0.011,
    ),
    TrueChannel(
        "display",
        Curve(beta=500.0, k=250.0, shape=1.5, decay=0.3),
        300.0,
        cpm=3.0,
        ctr=0.003,
    ),
)
HISTORY_DAYS = 120
HISTORY_SEED = 11


@dataclass(frozen=True)
class DayRow:
    day: date
    channel: str
    spend: float
    revenue: float
    conversions: float


def simulate(
    channels: tuple[TrueChannel, ...] = DEFAULT_CHANNELS,
    *,
    days: int = 120,
    start: date = date(2026, 7, 1),
    seed: int = 11,
    noise: float = 0.08,
) -> list[DayRow]:
    """Daily spend varying around each channel's level (flights and dark weeks included, so
    the curve is identifiable) and the results the true curves give, with noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for ch in channels:
        level = ch.daily_spend * rng.lognormal(0, 0.35, size=days)
        weeks = rng.choice(
            [0.3, 1.0, 1.0, 1.8], size=days // 7 + 1
        )  # dark weeks and flights
        spend = level * np.repeat(weeks, 7)[:days]
        truth = hill(
            adstock(spend, ch.curve.decay), ch.curve.beta, ch.curve.k, ch.curve.shape
        )
        revenue = np.maximum(truth * rng.normal(1, noise, size=days), 0)
        for i in range(days):
            rows.append(
                DayRow(
                    start + timedelta(days=i),
                    ch.name,
                    round(float(spend[i]), 2),
                    round(float(revenue[i]), 2),
                    round(float(revenue[i]) / ch.value_per_conversion, 2),
                )
            )
    return rows


def true_allocation(
    channels: tuple[TrueChannel, ...], current: dict[str, float]
) -> dict[str, float]:
    """What the true curves recommend, under the same rules as the fitted guidance."""
    return allocate({c.name: c.curve for c in channels}, current)


def spend_export(rows: list[DayRow], channel: TrueChannel, currency: str) -> bytes:
    """One channel's days as a generic spend CSV (imported with the column mapper), with
    the impressions and clicks its spend buys at the channel's CPM and CTR."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "date",
            "campaign",
            "spend",
            "impressions",
            "clicks",
            "conversions",
            "conversion_value",
            "currency",
        ]
    )
    for r in rows:
        if r.channel == channel.name:
            impressions = round(r.spend / channel.cpm * 1000)
            writer.writerow(
                [
                    r.day.isoformat(),
                    f"Always-on {channel.name}",
                    f"{r.spend:.2f}",
                    impressions,
                    round(impressions * channel.ctr),
                    f"{r.conversions:.2f}",
                    f"{r.revenue:.2f}",
                    currency,
                ]
            )
    return out.getvalue().encode()


MAPPING = {
    "date": "date",
    "campaign": "campaign",
    "spend": "spend",
    "impressions": "impressions",
    "clicks": "clicks",
    "conversions": "conversions",
    "conversion_value": "conversion_value",
    "currency": "currency",
}


def history(
    end: date,
    channels: tuple[TrueChannel, ...] = DEFAULT_CHANNELS,
    *,
    days: int = HISTORY_DAYS,
    seed: int = HISTORY_SEED,
) -> list[DayRow]:
    """The demo's always-on spend days up to `end`: what `seed_spend_history` imports."""
    return simulate(
        channels, days=days, start=end - timedelta(days=days - 1), seed=seed
    )


def seed_spend_history(
    session: Session,
    *,
    actor: Member,
    clock: Clock,
    end: date,
    channels: tuple[TrueChannel, ...] = DEFAULT_CHANNELS,
    days: int = HISTORY_DAYS,
    seed: int = HISTORY_SEED,
) -> list[DayRow]:
    """Import `days` of simulated spend per channel up to `end`, through the spend importer."""
    rows = history(end, channels, days=days, seed=seed)
    currency = store.settings_of(session, actor.workspace.id).currency
    for ch in channels:
        import_spend(
            session,
            actor=actor,
            data=spend_export(rows, ch, currency),
            filename=f"{ch.name}-history.csv",
            mapping=custom_map(MAPPING, Channel(ch.name)),
            clock=clock,
        )
    return rows
