"""Budget guidance: a saturating response curve per channel with carry-over, and the
reallocation of the same total budget that the curves say returns most.

Per channel, daily results (revenue) are modelled as

    results(t) = beta * x(t)^a / (x(t)^a + k^a),   x(t) = spend(t) + decay * x(t-1)

geometric adstock (carry-over: part of yesterday's spend still works today) feeding a Hill
curve (diminishing returns; k is the adstocked spend at half of the ceiling beta). Curves are
fitted by bounded least squares for each decay on a grid, keeping the best. The
recommendation moves spend between channels within +-`MAX_SHIFT` of today's daily spend (the
curves are not trusted far outside the spend they were fitted on) to maximise the modelled
results at steady state (x = spend / (1 - decay)). Uncertainty comes from a block bootstrap
of days: refit, re-optimise, report the 5th-95th percentile of the uplift and how often each
channel's direction agrees.

Reference: Jin, Wang, Sun, Chan, Koehler (2017), "Bayesian Methods for Media Mix Modeling
with Carryover and Shape Effects", Google Inc.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import curve_fit, minimize

DECAYS = (0.0, 0.15, 0.3, 0.45, 0.6, 0.75)
MAX_SHIFT = 0.5  # a channel's daily spend may move by at most half of what it is today
MIN_DAYS = 28
BOOTSTRAP = 30
BLOCK = 7  # days resampled together, so carry-over inside a week stays intact

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Curve:
    beta: float  # the ceiling of daily results
    k: float  # adstocked daily spend at half the ceiling
    shape: float  # Hill exponent a
    decay: float  # share of a day's adstock carried to the next

    def steady(self, daily_spend: float) -> float:
        """Daily results when `daily_spend` is spent every day for long enough."""
        x = max(daily_spend, 0.0) / (1 - self.decay)
        xa = float(x**self.shape)
        return float(self.beta * xa / (xa + self.k**self.shape))


def adstock(spend: Sequence[float] | Array, decay: float) -> Array:
    out = np.zeros(len(spend))
    carry = 0.0
    for i, s in enumerate(spend):
        carry = float(s) + decay * carry
        out[i] = carry
    return out


def hill(x: Array, beta: float, k: float, shape: float) -> Array:
    x = np.maximum(x, 0.0)
    xa = np.power(x, shape)
    out: Array = beta * xa / (xa + np.power(k, shape))
    return out


def fit(
    spend: Sequence[float] | Array,
    results: Sequence[float] | Array,
    decays: Sequence[float] = DECAYS,
) -> Curve | None:
    """The best curve over the decay grid; None when there is too little or flat data."""
    s, y = np.asarray(spend, float), np.asarray(results, float)
    if len(s) < MIN_DAYS or s.max() <= 0 or np.ptp(s) <= 0:
        return None
    best: tuple[float, Curve] | None = None
    for decay in decays:
        x = adstock(s, decay)
        top = float(x.max())
        start = (max(float(y.max()), 1e-6) * 2, float(np.median(x)) or top / 2, 1.0)
        try:
            params, _ = curve_fit(
                hill,
                x,
                y,
                p0=start,
                bounds=(
                    [0.0, top * 0.02, 0.5],
                    [max(float(y.max()), 1.0) * 20, top * 10, 3.0],
                ),
                maxfev=4000,
            )
        except (RuntimeError, ValueError):
            continue
        beta, k, shape = (float(v) for v in params)
        error = float(np.sum((hill(x, beta, k, shape) - y) ** 2))
        if best is None or error < best[0]:
            best = (error, Curve(beta, k, shape, decay))
    return best[1] if best else None


def allocate(
    curves: Mapping[str, Curve], current: Mapping[str, float]
) -> dict[str, float]:
    """Daily spend per channel with the same total, each within +-MAX_SHIFT of today."""
    names = sorted(curves)
    now = np.array([current[n] for n in names])
    total = float(now.sum())
    if total <= 0:
        return dict(current)

    def minus_results(v: Array) -> float:
        return -sum(curves[n].steady(float(v[i])) for i, n in enumerate(names))

    result = minimize(  # type: ignore[call-overload]  # scipy-stubs' overloads want 1-d shapes
        minus_results,
        now,
        method="SLSQP",
        bounds=[(c * (1 - MAX_SHIFT), c * (1 + MAX_SHIFT)) for c in now],
        constraints=[{"type": "eq", "fun": lambda v: float(v.sum()) - total}],
        options={"maxiter": 200, "ftol": 1e-9},
    )
    chosen = result.x if result.success else now
    return {n: float(chosen[i]) for i, n in enumerate(names)}


def modelled(curves: Mapping[str, Curve], spend: Mapping[str, float]) -> float:
    return sum(curves[n].steady(spend[n]) for n in curves)


@dataclass(frozen=True)
class ChannelAdvice:
    channel: str
    current: float  # daily spend now (mean of the recent days)
    recommended: float
    curve: Curve
    agreement: float  # share of bootstrap refits moving this channel the same way


@dataclass(frozen=True)
class Guidance:
    channels: tuple[ChannelAdvice, ...]
    uplift: float  # modelled daily results gained at the same total spend
    uplift_low: float  # 5th-95th percentile over bootstrap refits
    uplift_high: float
    skipped: tuple[str, ...]  # channels without enough varied data to fit
    days: int


def _blocks(n: int, rng: np.random.Generator) -> Array:
    starts = rng.integers(0, max(n - BLOCK, 1), size=n // BLOCK + 1)
    idx = np.concatenate([np.arange(s, min(s + BLOCK, n)) for s in starts])[:n]
    return idx.astype(float)


def guidance(
    history: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    *,
    recent_days: int = 28,
    seed: int = 7,
    bootstrap: int = BOOTSTRAP,
) -> Guidance | None:
    """`history`: channel -> (daily spend, daily results), aligned days, oldest first."""
    curves: dict[str, Curve] = {}
    skipped = []
    for name, (spend, results) in sorted(history.items()):
        curve = fit(spend, results)
        if curve is None:
            skipped.append(name)
        else:
            curves[name] = curve
    if len(curves) < 2:
        return None
    current = {n: float(np.mean(history[n][0][-recent_days:])) for n in curves}
    best = allocate(curves, current)
    uplift = modelled(curves, best) - modelled(curves, current)
    rng = np.random.default_rng(seed)
    n = min(len(history[c][0]) for c in curves)
    uplifts, same = [], dict.fromkeys(curves, 0)
    for _ in range(bootstrap):
        idx = _blocks(n, rng).astype(int)
        refits = {}
        for c in curves:
            s = np.asarray(history[c][0][-n:], float)[idx]
            y = np.asarray(history[c][1][-n:], float)[idx]
            near = [d for d in DECAYS if abs(d - curves[c].decay) < 0.2]  # for speed
            refits[c] = fit(s, y, near) or curves[c]
        moved = allocate(refits, current)
        uplifts.append(modelled(refits, moved) - modelled(refits, current))
        for c in curves:
            if np.sign(moved[c] - current[c]) == np.sign(best[c] - current[c]):
                same[c] += 1
    advice = tuple(
        ChannelAdvice(c, current[c], best[c], curves[c], same[c] / bootstrap)
        for c in sorted(curves)
    )
    low, high = (float(v) for v in np.percentile(uplifts, [5, 95]))
    return Guidance(advice, uplift, low, high, tuple(skipped), n)
