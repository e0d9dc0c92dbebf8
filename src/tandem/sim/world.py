"""`generate_world`: the whole simulated brand from one seed, with no I/O."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tandem.accounts import Role
from tandem.sim.model import (
    AccountTruth,
    Brand,
    GroundTruth,
    PlatformStyle,
    SimAccount,
    SimPost,
    SimWorld,
    TeamMember,
)
from tandem.sim.sampling import stream
from tandem.sim.social import AccountStreams, account_posts, follower_series, local_days
from tandem.sim.styles import PROFILES
from tandem.sim.truth import draw_account_truth

BRAND = Brand(
    name="Demo Brand",
    organisation_name="Demo Organisation",
    timezone="Europe/Berlin",
    website="https://demo-brand.tandem.test",
)
EMAIL_DOMAIN = "demo.tandem.test"
SANDBOX_PLATFORM = "sandbox"
# Stable per role whatever the seed, so the demo's sign-in hints never change.
EMAIL_LOCAL_PARTS: dict[Role, str] = {
    Role.OWNER: "owner",
    Role.ADMIN: "admin",
    Role.SOCIAL_MANAGER: "social",
    Role.MARKETER: "marketer",
    Role.APPROVER: "approver",
    Role.ANALYST: "analyst",
}
_FIRST_NAMES = (
    "Ada", "Ben", "Chiara", "Dev", "Elif", "Femi", "Greta", "Hugo", "Ines", "Jonas",
    "Kaito", "Lena", "Malik", "Noor", "Oskar", "Priya", "Rosa", "Sven", "Tara", "Yusuf",
)  # fmt: skip
_LAST_NAMES = (
    "Albers", "Brandt", "Costa", "Dumont", "Eriksen", "Fischer", "Garcia", "Horvat",
    "Ivanova", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petit",
)  # fmt: skip
ACCOUNT_STYLES = (
    PlatformStyle.INSTAGRAM,
    PlatformStyle.LINKEDIN,
    PlatformStyle.X,
    PlatformStyle.BLUESKY,
)


def team(rng: random.Random) -> tuple[TeamMember, ...]:
    firsts = rng.sample(_FIRST_NAMES, len(Role))
    lasts = rng.sample(_LAST_NAMES, len(Role))
    return tuple(
        TeamMember(
            role=role,
            name=f"{first} {last}",
            email=f"{EMAIL_LOCAL_PARTS[role]}@{EMAIL_DOMAIN}",
        )
        for role, first, last in zip(Role, firsts, lasts, strict=True)
    )


def _check_now(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("generate_world needs an aware datetime for `now`; pass UTC")
    return now.astimezone(UTC)


def _simulate_account(
    seed: int,
    style: PlatformStyle,
    *,
    days: tuple[date, ...],
    zone: ZoneInfo,
    now: datetime,
) -> tuple[SimAccount, AccountTruth, list[SimPost]]:
    profile = PROFILES[style]
    truth = draw_account_truth(stream(seed, profile.key, "truth"), profile.key, profile)
    audience = stream(seed, profile.key, "audience")
    starting = audience.randint(*profile.starting_followers)
    series = follower_series(audience, truth, starting, days)
    first_midnight = datetime.combine(days[0], time(), tzinfo=zone).astimezone(UTC)
    connected = timedelta(days=audience.randint(60, 400), hours=audience.randint(8, 18))
    account = SimAccount(
        key=profile.key,
        platform=SANDBOX_PLATFORM,
        style=style,
        handle=f"demobrand.{profile.key}",
        display_name=f"{BRAND.name} ({profile.label})",
        created_at=first_midnight - connected,
        starting_followers=starting,
        followers=series,
    )
    streams = AccountStreams(
        calendar=stream(seed, profile.key, "calendar"),
        text=stream(seed, profile.key, "text"),
        metrics=stream(seed, profile.key, "metrics"),
    )
    posts = account_posts(
        streams,
        account_key=account.key,
        handle=account.handle,
        style=style,
        profile=profile,
        truth=truth,
        starting_followers=starting,
        followers=series,
        zone=zone,
        now=now,
        website=BRAND.website,
    )
    return account, truth, posts


def generate_world(seed: int, *, now: datetime, days: int = 90) -> SimWorld:
    """The brand, its team, four Sandbox accounts and `days` days of posts up to `now`.

    Deterministic: the same `seed`, `now` and `days` give an equal world (same repr), in any
    process; every post is published strictly before `now`.
    """
    if days < 1:
        raise ValueError("generate_world needs at least one day of history")
    now = _check_now(now)
    zone = ZoneInfo(BRAND.timezone)
    day_list = local_days(now, days, zone)
    accounts, truths = [], []
    ordered: list[tuple[int, SimPost]] = []
    for order, style in enumerate(ACCOUNT_STYLES):
        account, truth, posts = _simulate_account(
            seed, style, days=day_list, zone=zone, now=now
        )
        accounts.append(account)
        truths.append(truth)
        ordered.extend((order, p) for p in posts)
    ordered.sort(key=lambda item: (item[1].published_at, item[0], item[1].number))
    return SimWorld(
        seed=seed,
        now=now,
        days=days,
        brand=BRAND,
        team=team(stream(seed, "team")),
        accounts=tuple(accounts),
        posts=tuple(p for _, p in ordered),
        truth=GroundTruth(timezone=BRAND.timezone, accounts=tuple(truths)),
    )
