"""Random draws on top of `random.Random`, the only source of randomness in the simulator.

The standard library has no Poisson sampler and numpy is not a dependency, so counts use
Knuth's method for small means and a rounded normal approximation above `_NORMAL_ABOVE`, where
the two agree to well under a per cent: plenty for synthetic metrics and far faster.
"""

from __future__ import annotations

import math
import random

_NORMAL_ABOVE = 60.0


def stream(seed: int, *names: str) -> random.Random:
    """An independent generator per concern, so adding draws in one place leaves others alone.

    String seeds are hashed with SHA-512 by `random.Random`, which is stable across processes
    (unlike `hash()`), so the same names always give the same stream.
    """
    return random.Random("/".join((str(seed), *names)))


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0.0:
        return 0
    if mean > _NORMAL_ABOVE:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def binomial(rng: random.Random, trials: int, p: float) -> int:
    if trials <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return trials
    mean = trials * p
    if trials > 50:
        spread = math.sqrt(mean * (1.0 - p))
        return min(trials, max(0, round(rng.gauss(mean, spread))))
    return sum(1 for _ in range(trials) if rng.random() < p)


def noise(rng: random.Random, sigma: float) -> float:
    """A log-normal factor with mean one: scatters values without biasing their average."""
    return rng.lognormvariate(-sigma * sigma / 2.0, sigma)


def between(rng: random.Random, bounds: tuple[float, float]) -> float:
    return rng.uniform(*bounds)
