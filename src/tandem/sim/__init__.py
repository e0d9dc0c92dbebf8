"""Deterministic simulator of a brand's social world, with the ground truth it was drawn from.

`generate_world` is pure (no database, no I/O); `seed_demo` and `seed_workspace` write a world
into the operational database for the demo and for tests.
"""

from tandem.sim.model import (
    AccountTruth,
    Brand,
    ContentType,
    DailyFollowers,
    GroundTruth,
    MetricSnapshot,
    PlatformStyle,
    SimAccount,
    SimPost,
    SimWorld,
    TeamMember,
)
from tandem.sim.seed import SeedCounts, SeedResult, seed_demo, seed_workspace
from tandem.sim.world import generate_world

__all__ = [
    "AccountTruth",
    "Brand",
    "ContentType",
    "DailyFollowers",
    "GroundTruth",
    "MetricSnapshot",
    "PlatformStyle",
    "SeedCounts",
    "SeedResult",
    "SimAccount",
    "SimPost",
    "SimWorld",
    "TeamMember",
    "generate_world",
    "seed_demo",
    "seed_workspace",
]
