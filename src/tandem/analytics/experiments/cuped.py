"""CUPED: less variance from a metric's pre-experiment value (Deng et al., WSDM 2013).

y' = y - theta (x - mean(x)), theta = cov(x, y) / var(x), pooled over both variants so the
adjustment is the same for each and cannot create a difference. The variance falls by the
factor 1 - corr(x, y)^2 and the means' difference is unchanged in expectation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tandem.analytics.experiments.frequentist import LiftTest, welch
from tandem.core import InvalidInput


@dataclass(frozen=True)
class CupedResult:
    theta: float
    variance_reduction: float  # share of the variance removed, corr(x, y)^2
    test: LiftTest


def _arrays(
    y: Sequence[float], x: Sequence[float], name: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    ya, xa = np.asarray(y, dtype=np.float64), np.asarray(x, dtype=np.float64)
    if len(ya) != len(xa) or len(ya) < 2:
        raise InvalidInput(
            f"variant {name} needs the metric and its pre-period value for the same visitors "
            f"(at least two); got {len(ya)} and {len(xa)}",
            field=f"x_{name}",
        )
    return ya, xa


def cuped(
    y_a: Sequence[float],
    x_a: Sequence[float],
    y_b: Sequence[float],
    x_b: Sequence[float],
    *,
    alpha: float = 0.05,
) -> CupedResult:
    """Welch's test on CUPED-adjusted metrics; `x_*` are the same visitors' pre-period values."""
    ya, xa = _arrays(y_a, x_a, "a")
    yb, xb = _arrays(y_b, x_b, "b")
    x, y = np.concatenate([xa, xb]), np.concatenate([ya, yb])
    var_x = float(np.var(x, ddof=1))
    theta = float(np.cov(x, y, ddof=1)[0, 1] / var_x) if var_x > 0 else 0.0
    centre = float(x.mean())
    adj_a, adj_b = ya - theta * (xa - centre), yb - theta * (xb - centre)
    corr = float(np.corrcoef(x, y)[0, 1]) if var_x > 0 and np.var(y) > 0 else 0.0
    test = welch(
        float(adj_a.mean()),
        float(adj_a.std(ddof=1)),
        len(adj_a),
        float(adj_b.mean()),
        float(adj_b.std(ddof=1)),
        len(adj_b),
        alpha=alpha,
    )
    return CupedResult(theta=theta, variance_reduction=corr * corr, test=test)
