"""Corrections for testing many metrics (or variants) at once.

Holm (1979) controls the family-wise error rate: the chance of any false positive. Benjamini
and Hochberg (1995) control the false discovery rate: the expected share of false positives
among the findings, the better choice when many secondary metrics are watched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tandem.core import InvalidInput


@dataclass(frozen=True)
class Adjusted:
    p_values: tuple[float, ...]  # adjusted, in the order given
    reject: tuple[bool, ...]
    method: str


def _check(p_values: Sequence[float], alpha: float) -> npt.NDArray[np.float64]:
    p = np.asarray(p_values, dtype=np.float64)
    if len(p) == 0 or (p < 0).any() or (p > 1).any() or np.isnan(p).any():
        raise InvalidInput(
            "p_values must be one or more numbers in [0, 1]", field="p_values"
        )
    if not 0 < alpha < 1:
        raise InvalidInput(f"alpha must be in (0, 1), got {alpha}", field="alpha")
    return p


def holm(p_values: Sequence[float], *, alpha: float = 0.05) -> Adjusted:
    p = _check(p_values, alpha)
    m = len(p)
    order = np.argsort(p, kind="stable")
    stepped = np.maximum.accumulate((m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return Adjusted(
        tuple(adjusted.tolist()), tuple((adjusted <= alpha).tolist()), "holm"
    )


def benjamini_hochberg(p_values: Sequence[float], *, alpha: float = 0.05) -> Adjusted:
    p = _check(p_values, alpha)
    m = len(p)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    stepped = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(stepped, 1.0)
    return Adjusted(
        tuple(adjusted.tolist()),
        tuple((adjusted <= alpha).tolist()),
        "benjamini_hochberg",
    )
