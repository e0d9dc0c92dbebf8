"""How surprising a count is against its seasonal baseline, and when it counts as a trend.

The expected count is the median of the baseline windows (one past burst does not move it);
the spread is the key's own week-to-week scatter, 1.4826 x MAD (the normal-consistent MAD),
measured only with three or more windows. The score is the signed Poisson deviance
sqrt(2 [x ln(x/mu) - (x - mu)] / phi) with mu = max(expected, 0.5) and phi = (mu + spread^2)
/ mu, at least 1: close to a z-score, but honest for small counts, where (x - mu)/sqrt(mu)
overstates rises from almost nothing.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

_MAD_TO_SIGMA = 1.4826
_FLOOR = 0.5


@dataclass(frozen=True)
class TrendParams:
    """Thresholds a key must pass to be flagged, and how themes are formed.

    A key is flagged when its window count is at least `min_count`, at least `min_ratio`
    times its expected count (an expected count under one counts as one) and its score at
    least `min_score`. Tuned on simulator seeds the quality tests do not use.
    """

    min_count: int = 10
    min_ratio: float = 2.0
    min_score: float = 5.0
    theme_min_jaccard: float = 0.2
    examples: int = 3


def baseline_stats(baseline: Sequence[int]) -> tuple[float, float]:
    """(expected, spread) of the baseline windows' counts."""
    if not baseline:
        return 0.0, 0.0
    expected = float(statistics.median(baseline))
    if len(baseline) < 3:
        return expected, 0.0
    return expected, _MAD_TO_SIGMA * statistics.median(
        abs(b - expected) for b in baseline
    )


def score(count: float, expected: float, spread: float) -> float:
    """Signed Poisson deviance in standard units, divided by the over-dispersion."""
    mean = max(expected, _FLOOR)
    dispersion = max(1.0, (mean + spread * spread) / mean)
    if count <= 0:
        deviance = 2.0 * mean
    else:
        deviance = 2.0 * (count * math.log(count / mean) - (count - mean))
    value = math.sqrt(max(deviance, 0.0) / dispersion)
    return value if count >= mean else -value


def passes(count: float, expected: float, spread: float, params: TrendParams) -> bool:
    return (
        count >= params.min_count
        and count / max(expected, 1.0) >= params.min_ratio
        and score(count, expected, spread) >= params.min_score
    )
