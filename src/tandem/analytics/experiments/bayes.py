"""Beta-binomial comparison: P(B > A) and the expected loss of choosing each variant.

With a Beta(a0, b0) prior, rates are Beta(a0 + conversions, b0 + non-conversions). P(B > A) has
a closed form for whole-number parameters (Evan Miller, "Formulas for Bayesian A/B testing"):

    P(pB > pA) = sum_{i=0}^{aB-1} B(aA + i, bA + bB) / ((bB + i) B(1 + i, bB) B(aA, bA))

summed in log space with numpy. Past `_EXACT_TERMS` terms (millions of conversions) the
normal approximation of the two posteriors is used; there its error is far below 1e-6.
Expected loss of choosing B is E[max(pA - pB, 0)], from the same formula with one shifted
parameter: E[pA 1(pA > pB)] = mean(A) P(pA' > pB) with pA' ~ Beta(aA + 1, bA).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.special import betaln

from tandem.core import InvalidInput

_EXACT_TERMS = 2_000_000


@dataclass(frozen=True)
class BayesResult:
    prob_b_beats_a: float
    expected_loss_a: (
        float  # expected rate given up by choosing A, if B is really better
    )
    expected_loss_b: (
        float  # expected rate given up by choosing B, if A is really better
    )
    mean_a: float
    mean_b: float


def _prob_greater(a_b: float, b_b: float, a_a: float, b_a: float) -> float:
    """P(X > Y) for X ~ Beta(a_b, b_b), Y ~ Beta(a_a, b_a)."""
    whole = all(float(x).is_integer() for x in (a_b,))
    if whole and a_b <= _EXACT_TERMS:
        i = np.arange(int(a_b), dtype=np.float64)
        log_terms = (
            betaln(a_a + i, b_a + b_b)
            - np.log(b_b + i)
            - betaln(1.0 + i, b_b)
            - betaln(a_a, b_a)
        )
        peak = float(log_terms.max())
        return float(
            min(1.0, max(0.0, math.exp(peak) * np.exp(log_terms - peak).sum()))
        )
    mean_x, mean_y = a_b / (a_b + b_b), a_a / (a_a + b_a)
    var_x = a_b * b_b / ((a_b + b_b) ** 2 * (a_b + b_b + 1))
    var_y = a_a * b_a / ((a_a + b_a) ** 2 * (a_a + b_a + 1))
    return float(
        stats.norm.sf(0.0, loc=mean_x - mean_y, scale=math.sqrt(var_x + var_y))
    )


def prob_b_beats_a(
    conv_a: int,
    n_a: int,
    conv_b: int,
    n_b: int,
    *,
    prior_alpha: float = 1.0,
    prior_beta: float = 1.0,
) -> BayesResult:
    """P(B's true rate > A's) and the expected losses, with a Beta(1, 1) prior by default.

    The exact sum needs a whole-number posterior alpha for B; a fractional prior falls back
    to the normal approximation.
    """
    for name, conv, n in (("a", conv_a, n_a), ("b", conv_b, n_b)):
        if n <= 0 or conv < 0 or conv > n:
            raise InvalidInput(
                f"group {name.upper()} needs n_{name} > 0 and 0 <= conv_{name} <= n_{name}; "
                f"got {conv} of {n}",
                field=f"n_{name}",
            )
    if prior_alpha <= 0 or prior_beta <= 0:
        raise InvalidInput(
            "prior_alpha and prior_beta must be > 0", field="prior_alpha"
        )
    a_a, b_a = prior_alpha + conv_a, prior_beta + n_a - conv_a
    a_b, b_b = prior_alpha + conv_b, prior_beta + n_b - conv_b
    mean_a, mean_b = a_a / (a_a + b_a), a_b / (a_b + b_b)
    p_b = _prob_greater(a_b, b_b, a_a, b_a)
    # E[pB 1(pB > pA)] - E[pA 1(pB > pA)] = loss of choosing A
    loss_a = mean_b * _prob_greater(a_b + 1, b_b, a_a, b_a) - mean_a * _prob_greater(
        a_b, b_b, a_a + 1, b_a
    )
    loss_b = mean_a * (1.0 - _prob_greater(a_b, b_b, a_a + 1, b_a)) - mean_b * (
        1.0 - _prob_greater(a_b + 1, b_b, a_a, b_a)
    )
    return BayesResult(
        prob_b_beats_a=p_b,
        expected_loss_a=max(0.0, loss_a),
        expected_loss_b=max(0.0, loss_b),
        mean_a=mean_a,
        mean_b=mean_b,
    )
