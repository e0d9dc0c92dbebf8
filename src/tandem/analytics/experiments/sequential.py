"""Always-valid inference for people who peek: the mixture sequential probability ratio test.

Johari, Koomen, Pekelis & Walsh, "Always valid inference" (Optimizely, 2017). For the
difference in rates theta = pB - pA with estimate d and variance V = pA(1-pA)/nA + pB(1-pB)/nB,
a normal mixture N(0, tau^2) over the alternative gives the likelihood ratio

    L = sqrt(V / (V + tau^2)) * exp(d^2 tau^2 / (2 V (V + tau^2)))

The always-valid p-value is min(1, 1/L), kept as a running minimum over looks, and the
confidence sequence is d +- sqrt(V (V + tau^2) / tau^2 * (ln((V + tau^2) / V) - 2 ln alpha)).
Both hold at every look at once: stopping whenever p < alpha keeps the false-positive rate
below alpha, which a fixed-horizon z-test checked daily does not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tandem.analytics.experiments.frequentist import Interval
from tandem.core import InvalidInput


@dataclass(frozen=True)
class SequentialResult:
    difference: float
    p_value: float  # always valid: a running minimum when looks are given
    interval: Interval
    alpha: float

    @property
    def significant(self) -> bool:
        return self.p_value < self.alpha


def _look(
    conv_a: int, n_a: int, conv_b: int, n_b: int, alpha: float, tau: float
) -> SequentialResult:
    if min(n_a, n_b) <= 0 or not (0 <= conv_a <= n_a and 0 <= conv_b <= n_b):
        raise InvalidInput(
            f"each look needs n > 0 and 0 <= conversions <= n; got A {conv_a}/{n_a}, B {conv_b}/{n_b}",
            field="looks",
        )
    p_a, p_b = conv_a / n_a, conv_b / n_b
    d = p_b - p_a
    var = p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b
    if var == 0:
        return SequentialResult(d, 1.0, Interval(-1.0, 1.0), alpha)
    t2 = tau * tau
    log_l = 0.5 * math.log(var / (var + t2)) + d * d * t2 / (2 * var * (var + t2))
    p_value = min(1.0, math.exp(-log_l))
    half = math.sqrt(
        var * (var + t2) / t2 * (math.log((var + t2) / var) - 2 * math.log(alpha))
    )
    return SequentialResult(d, p_value, Interval(d - half, d + half), alpha)


def sequential_proportions(
    looks: Sequence[tuple[int, int, int, int]],
    *,
    alpha: float = 0.05,
    tau: float = 0.01,
) -> SequentialResult:
    """The always-valid result after a series of cumulative looks (conv_a, n_a, conv_b, n_b).

    `tau` is the spread of effects the test is tuned for (absolute rate difference); the result
    stays valid for any tau, a closer guess only makes it decide sooner. The interval returned
    is the intersection of the confidence sequence over all looks.
    """
    if not looks:
        raise InvalidInput(
            "sequential_proportions needs at least one look", field="looks"
        )
    if not 0 < alpha < 0.5 or tau <= 0:
        raise InvalidInput("alpha must be in (0, 0.5) and tau > 0", field="alpha")
    p_value, low, high = 1.0, -math.inf, math.inf
    last = None
    for look in looks:
        last = _look(*look, alpha=alpha, tau=tau)
        p_value = min(p_value, last.p_value)
        low, high = max(low, last.interval.low), min(high, last.interval.high)
    assert last is not None
    return SequentialResult(
        last.difference, p_value, Interval(low, max(low, high)), alpha
    )
