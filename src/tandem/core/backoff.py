"""Retry delays shared by jobs and publishing."""

from __future__ import annotations

import random


def backoff_delay(
    attempt: int,
    *,
    base: float = 5.0,
    cap: float = 3600.0,
    rng: random.Random | None = None,
) -> float:
    """Exponential backoff with "equal jitter" (AWS architecture blog): half fixed, half random."""
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return (rng or random).uniform(ceiling / 2, ceiling)
