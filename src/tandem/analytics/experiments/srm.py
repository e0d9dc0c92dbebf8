"""Sample-ratio mismatch: are the variants' visitor counts what the split promised?

A chi-square goodness-of-fit test of observed counts against the configured weights. A real
mismatch (a redirect that loses visitors, a bot filter acting on one arm) biases every metric, so
it is checked on every experiment and flagged at p < 0.001, the threshold the literature on
online experiments uses (Fabijan et al., KDD 2019) to keep false alarms rare across many tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from tandem.core import InvalidInput

SRM_THRESHOLD = 0.001


@dataclass(frozen=True)
class SrmResult:
    chi2: float
    p_value: float
    expected: tuple[float, ...]
    mismatch: bool


def srm(
    observed_counts: Sequence[int],
    expected_weights: Sequence[float],
    *,
    threshold: float = SRM_THRESHOLD,
) -> SrmResult:
    """Chi-square test of `observed_counts` against `expected_weights` (any scale)."""
    observed = np.asarray(observed_counts, dtype=np.float64)
    weights = np.asarray(expected_weights, dtype=np.float64)
    if len(observed) < 2 or len(observed) != len(weights):
        raise InvalidInput(
            "srm needs one observed count and one expected weight per variant (at least two)",
            field="observed_counts",
        )
    if (observed < 0).any() or (weights <= 0).any():
        raise InvalidInput(
            "observed counts must be >= 0 and expected weights > 0",
            field="expected_weights",
        )
    if observed.sum() == 0:
        raise InvalidInput("srm needs at least one visitor", field="observed_counts")
    expected = weights / weights.sum() * observed.sum()
    chi2, p_value = stats.chisquare(observed, expected)
    return SrmResult(
        chi2=float(chi2),
        p_value=float(p_value),
        expected=tuple(expected.tolist()),
        mismatch=bool(p_value < threshold),
    )
