"""Bootstrap intervals: reproducible, around the point estimate, narrower with more journeys."""

from __future__ import annotations

import pandas as pd
import pytest

from tandem.analytics.attribution import bootstrap, markov
from tandem.core import InvalidInput


def paths(scale: int = 1) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "path": ["search", "social > search", "social", "email > search", "email"],
            "total_conversions": [
                20 * scale,
                15 * scale,
                5 * scale,
                10 * scale,
                4 * scale,
            ],
            "total_conversion_value": [
                2000.0 * scale,
                1500.0 * scale,
                500.0 * scale,
                1000.0 * scale,
                400.0 * scale,
            ],
            "total_null": [
                200 * scale,
                100 * scale,
                150 * scale,
                80 * scale,
                60 * scale,
            ],
        }
    )


def test_intervals_surround_the_point_estimate_of_the_model() -> None:
    result = bootstrap(paths(), "markov", n_resamples=100, seed=1)
    point = markov(paths())
    assert result["total_conversions"].tolist() == pytest.approx(
        point["total_conversions"].tolist()
    )
    assert (result["total_conversions_low"] <= result["total_conversions"]).all()
    assert (result["total_conversions"] <= result["total_conversions_high"]).all()
    assert (
        result["total_conversion_value_low"] < result["total_conversion_value_high"]
    ).all()


def test_the_same_seed_gives_the_same_intervals() -> None:
    a = bootstrap(paths(), "linear", n_resamples=50, seed=7)
    b = bootstrap(paths(), "linear", n_resamples=50, seed=7)
    pd.testing.assert_frame_equal(a, b)


def test_a_hundred_times_the_journeys_gives_intervals_about_ten_times_narrower() -> (
    None
):
    def width(frame: pd.DataFrame) -> pd.Series:
        return (
            frame["total_conversions_high"] - frame["total_conversions_low"]
        ) / frame["total_conversions"]

    small = width(bootstrap(paths(1), "markov", n_resamples=100, seed=2))
    large = width(bootstrap(paths(100), "markov", n_resamples=100, seed=2))
    ratio = (small / large).median()
    assert 6 < ratio < 15


@pytest.mark.parametrize("model", ["shapley", "position_based", "first_touch"])
def test_every_model_can_be_bootstrapped(model: str) -> None:
    result = bootstrap(paths(), model, n_resamples=20, seed=0)
    assert (result["total_conversions_low"] <= result["total_conversions_high"]).all()


def test_too_few_resamples_are_refused() -> None:
    with pytest.raises(InvalidInput, match="n_resamples must be at least 20"):
        bootstrap(paths(), n_resamples=5)
