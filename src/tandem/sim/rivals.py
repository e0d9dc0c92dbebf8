"""The demo's rival brand on the Sandbox: an account that has existed for the simulated 90
days and posted on a realistic rhythm, and what Tandem's daily competitor snapshot would have
read from it on each of those days.

Posts are drawn per calendar day from a stream named by the seed, the handle and the date, so
the same day always gives the same posts (and the same `client_ref`s), whenever the demo is
built. The readings use the Sandbox's own follower model (`engagement.followers_at`), so the
seeded history and a live read of the Sandbox lie on one line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from tandem.connectors.sandbox.engagement import followers_at
from tandem.connectors.sandbox.store import PastPost, base_followers
from tandem.sim.sampling import poisson, stream

RIVAL_HANDLE = "rival_outfitters"
DAYS = 90
WEEKDAY_POSTS, WEEKEND_POSTS = (
    1.3,
    0.5,
)  # a day's mean: an active brand's organic rhythm
HOURS = (7.5, 20.0)  # UTC hours the rival's team posts in

PRODUCTS = (
    "the Ridgeline 40 pack",
    "our merino base layers",
    "the Summit shell jacket",
    "trail runners with a wider toe box",
    "the ultralight two-person tent",
    "insulated bottles",
)
TEMPLATES = (
    "New in: {product}. Built for long days on the trail.",
    "Three ways to pack {product} for a weekend out.",
    "Field test: we took {product} up 1,200 m of climbing. Here is what held up.",
    "Repair, don't replace: free fixes for {product} all month.",
    "Your photos with {product} this week made our day. Keep tagging us!",
    "Behind the seams: how {product} is made.",
    "Weekend forecast looks good. Where is {product} taking you?",
)


@dataclass(frozen=True)
class RivalPlan:
    handle: str
    since: datetime  # when the account appeared on the Sandbox
    posts: tuple[PastPost, ...]  # oldest first


@dataclass(frozen=True)
class Reading:
    """What a snapshot of the rival's public profile reads at `at`."""

    day: date  # the snapshot's day (UTC, as the snapshot job keeps it)
    at: datetime
    followers: int
    posts: int


def _day_posts(seed: int, handle: str, day: date) -> list[PastPost]:
    rng = stream(seed, "rival", handle, day.isoformat())
    count = poisson(rng, WEEKDAY_POSTS if day.weekday() < 5 else WEEKEND_POSTS)
    midnight = datetime.combine(day, time(), tzinfo=UTC)
    hours = sorted(rng.uniform(*HOURS) for _ in range(count))
    return [
        PastPost(
            parts=(rng.choice(TEMPLATES).format(product=rng.choice(PRODUCTS)),),
            client_ref=f"demo-rival-{day.isoformat()}-{index}",
            created_at=midnight + timedelta(hours=hour),
        )
        for index, hour in enumerate(hours)
    ]


def plan_rival(
    *, seed: int, now: datetime, handle: str = RIVAL_HANDLE, days: int = DAYS
) -> RivalPlan:
    """The rival's account since `days` before `now`, and its posts until `now`."""
    since = now - timedelta(days=days)
    posts = [
        post
        for offset in range(days + 1)
        for post in _day_posts(seed, handle, since.date() + timedelta(days=offset))
        if since < post.created_at < now
    ]
    return RivalPlan(handle, since, tuple(posts))


def readings(plan: RivalPlan, *, now: datetime) -> list[Reading]:
    """One reading per past day, at `now`'s time of day, oldest first (today's is left to
    the live snapshot)."""
    base = base_followers(plan.handle)
    days = (now - plan.since).days
    found: list[Reading] = []
    for back in range(days, 0, -1):
        at = now - timedelta(days=back)
        found.append(
            Reading(
                day=at.astimezone(UTC).date(),
                at=at,
                followers=followers_at(base, plan.since, at),
                posts=sum(1 for p in plan.posts if p.created_at <= at),
            )
        )
    return found
