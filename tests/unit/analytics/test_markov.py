"""Markov attribution: the golden example, hand-checked orders 1-4, conventions and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars
import pytest

from tandem.analytics.attribution import (
    build_chain,
    markov,
    read_paths,
    transition_matrix,
)
from tandem.analytics.attribution import chain as chain_module
from tandem.analytics.attribution import tables as tables_module
from tandem.analytics.attribution.tables import Columns
from tandem.core import InvalidInput


def golden() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "path": ["ga", "mail", "ga > mail", "ga"],
            "total_conversions": [2, 1, 1, 0],
            "total_conversion_value": [20.0, 5.0, 10.0, 0.0],
            "total_null": [0, 0, 0, 1],
        }
    )


def by_channel(frame: pd.DataFrame, column: str) -> dict[str, float]:
    return dict(zip(frame["channel_name"], frame[column], strict=True))


def test_the_golden_example_holds_exactly() -> None:
    result = markov(golden())
    assert list(result.columns) == [
        "channel_name",
        "total_conversions",
        "total_conversion_value",
        "removal_effect",
        "removal_effect_value",
    ]
    assert by_channel(result, "removal_effect") == pytest.approx(
        {"ga": 0.75, "mail": 0.5}, abs=1e-12
    )
    assert by_channel(result, "total_conversions") == pytest.approx(
        {"ga": 2.4, "mail": 1.6}, abs=1e-12
    )
    chain = build_chain(read_paths(golden(), Columns()), 1)
    assert chain.conversion()[0] == pytest.approx(0.8, abs=1e-12)


def test_value_is_attributed_by_the_value_weighted_chain() -> None:
    # By hand: ga's step carries 20/4 = 5 per visit, mail's 15/2 = 7.5. V = 0.8 (5 + 0.25 * 7.5)
    # + 0.2 * 7.5 = 7; without ga 1.5 (effect 11/14), without mail 4 (effect 3/7).
    result = markov(golden())
    assert by_channel(result, "removal_effect_value") == pytest.approx(
        {"ga": 11 / 14, "mail": 3 / 7}, abs=1e-12
    )
    assert by_channel(result, "total_conversion_value") == pytest.approx(
        {"ga": 35 * 11 / 17, "mail": 35 * 6 / 17}, abs=1e-9
    )


def test_the_transition_matrix_is_the_fitted_chain() -> None:
    rows = transition_matrix(golden())
    got = {
        (r.channel_from, r.channel_to): r.transition_probability
        for r in rows.itertuples()
    }
    assert got == pytest.approx(
        {
            ("(start)", "ga"): 0.8,
            ("(start)", "mail"): 0.2,
            ("ga", "(conversion)"): 0.5,
            ("ga", "(null)"): 0.25,
            ("ga", "mail"): 0.25,
            ("mail", "(conversion)"): 1.0,
        }
    )


def memory_paths(order: int) -> pd.DataFrame:
    """Converting "a > c1 .. ck" and null "b > c1 .. c(k-1)": only order >= k tells them apart."""
    shared = [f"c{i}" for i in range(1, order + 1)]
    return pd.DataFrame(
        {
            "path": [" > ".join(["a", *shared]), " > ".join(["b", *shared[:-1]])],
            "total_conversions": [1, 0],
            "total_null": [0, 1],
        }
    )


@pytest.mark.parametrize("order", [2, 3, 4])
def test_order_k_remembers_k_touches(order: int) -> None:
    paths = memory_paths(order)
    # At order k the converting path's windows never meet the null path's: b's journeys never
    # convert, so removing b costs nothing and removing a loses everything.
    exact = markov(paths, order=order)
    assert by_channel(exact, "removal_effect") == pytest.approx(
        {"a": 1.0, "b": 0.0} | {f"c{i}": 1.0 for i in range(1, order + 1)}
    )
    # One order lower, both paths pass through a shared state that converts half the time.
    blurred = markov(paths, order=order - 1)
    assert by_channel(blurred, "removal_effect")["a"] == pytest.approx(0.5)
    assert by_channel(blurred, "removal_effect")["b"] == pytest.approx(0.5)
    assert exact["total_conversions"].sum() == pytest.approx(1.0)


def test_order_2_states_are_sliding_windows_and_short_paths_one_state() -> None:
    paths = pd.DataFrame(
        {"path": ["a > b > c", "c"], "total_conversions": [1, 1], "total_null": [1, 0]}
    )
    rows = transition_matrix(paths, order=2)
    got = {
        (r.channel_from, r.channel_to): r.transition_probability
        for r in rows.itertuples()
    }
    assert got == pytest.approx(
        {
            ("(start)", "a,b"): 2 / 3,
            ("(start)", "c"): 1 / 3,
            ("a,b", "b,c"): 1.0,
            ("b,c", "(conversion)"): 0.5,
            ("b,c", "(null)"): 0.5,
            ("c", "(conversion)"): 1.0,
        }
    )


@pytest.mark.parametrize("order", [1, 2, 3])
def test_repeated_consecutive_touches_collapse(order: int) -> None:
    repeated = pd.DataFrame(
        {
            "path": ["a > a > b > b > b > c", "b > b", "c > a > a"],
            "total_conversions": [3, 1, 2],
            "total_null": [1, 2, 2],
        }
    )
    collapsed = repeated.assign(path=["a > b > c", "b", "c > a"])
    pd.testing.assert_frame_equal(
        markov(repeated, order=order), markov(collapsed, order=order)
    )


def test_without_a_null_column_only_converting_paths_count() -> None:
    with_zero_rows = pd.DataFrame(
        {"path": ["a > b", "b", "a"], "total_conversions": [2, 1, 0]}
    )
    only_converting = with_zero_rows.iloc[:2]
    result = markov(with_zero_rows)
    pd.testing.assert_frame_equal(result, markov(only_converting))
    # Every journey converts, so removing a loses exactly its path's share.
    assert by_channel(result, "removal_effect")["a"] == pytest.approx(2 / 3)
    assert result["total_conversion_value"].isna().all()


def test_arguments_have_chain_attributions_names() -> None:
    renamed = golden().rename(
        columns={
            "path": "journey",
            "total_conversions": "orders",
            "total_conversion_value": "revenue",
            "total_null": "lost",
        }
    )
    renamed["journey"] = renamed["journey"].str.replace(" > ", "|")
    result = markov(
        renamed,
        order=1,
        var_path="journey",
        var_conv="orders",
        var_value="revenue",
        var_null="lost",
        sep="|",
    )
    pd.testing.assert_frame_equal(result, markov(golden()))


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_credits_sum_to_the_totals(order: int) -> None:
    paths = pd.DataFrame(
        {
            "path": ["a > b > c > d", "d > c", "a > c > a > b", "b", "c > d > a"],
            "total_conversions": [3, 1, 2, 4, 0],
            "total_conversion_value": [30.0, 5.0, 12.5, 40.0, 0.0],
            "total_null": [5, 2, 1, 9, 3],
        }
    )
    result = markov(paths, order=order)
    assert result["total_conversions"].sum() == pytest.approx(10.0)
    assert result["total_conversion_value"].sum() == pytest.approx(87.5)
    assert ((result["removal_effect"] >= 0) & (result["removal_effect"] <= 1)).all()


def test_results_are_identical_run_to_run() -> None:
    assert markov(golden(), order=2).equals(markov(golden(), order=2))


def test_removing_a_channel_never_seen_is_an_error_naming_it() -> None:
    chain = build_chain(read_paths(golden(), Columns()), 1)
    with pytest.raises(InvalidInput, match="'tiktok' never appears"):
        chain.conversion(["tiktok"])


def test_empty_input_is_a_clear_error() -> None:
    empty = pd.DataFrame({"path": [], "total_conversions": []})
    with pytest.raises(InvalidInput, match="paths is empty"):
        markov(empty)


def test_only_nulls_is_an_error_not_zero_credit() -> None:
    paths = pd.DataFrame({"path": ["a"], "total_conversions": [0], "total_null": [0]})
    with pytest.raises(InvalidInput, match="nothing to attribute"):
        markov(paths)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"route": ["a"], "total_conversions": [1]}), "no column 'path'"),
        (
            pd.DataFrame({"path": ["a"], "total_conversions": [-1]}),
            "finite numbers >= 0",
        ),
        (
            pd.DataFrame({"path": ["a >  > b"], "total_conversions": [1]}),
            "empty channel name",
        ),
        (pd.DataFrame({"path": ["(null) > b"], "total_conversions": [1]}), "reserved"),
        (pd.DataFrame({"path": ["a"], "total_conversions": [1]}), "order must be"),
        (pd.DataFrame({"path": [1, 2], "total_conversions": [1, 1]}), "must hold text"),
        (
            pd.DataFrame({"path": ["a", None], "total_conversions": [1, 1]}),
            "row 1 has no path",
        ),
    ],
)
def test_bad_input_is_rejected_with_the_field_named(
    frame: pd.DataFrame, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        markov(frame, order=5 if message == "order must be" else 1)


def test_a_value_column_named_explicitly_must_exist() -> None:
    with pytest.raises(InvalidInput, match="no column 'revenue'"):
        markov(golden(), var_value="revenue")


def test_a_polars_frame_is_accepted() -> None:
    frame = polars.DataFrame(
        {name: golden()[name].tolist() for name in golden().columns}
    )
    assert markov(frame).equals(markov(golden()))
    assert markov(frame, order=2).equals(markov(golden(), order=2))


def test_a_separator_is_literal_text_not_a_pattern() -> None:
    paths = pd.DataFrame({"path": ["ga.*mail", "ga"], "total_conversions": [1, 1]})
    assert sorted(markov(paths, sep=".*")["channel_name"]) == ["ga", "mail"]


def test_anything_else_is_refused() -> None:
    with pytest.raises(InvalidInput, match="pandas or polars DataFrame"):
        markov([("ga", 1)])


def test_the_iterative_solve_of_large_chains_agrees_with_lu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(8)
    channels = [f"c{i}" for i in range(8)]
    paths = pd.DataFrame(
        {
            "path": [
                " > ".join(rng.choice(channels, rng.integers(1, 9)))
                for _ in range(3000)
            ],
            "total_conversions": rng.poisson(1.0, 3000),
            "total_conversion_value": rng.gamma(2.0, 20.0, 3000),
            "total_null": rng.poisson(4.0, 3000),
        }
    )
    monkeypatch.setattr(chain_module, "_DENSE_BELOW", 0)
    monkeypatch.setattr(chain_module, "ITERATIVE_ABOVE", 10**9)
    direct = markov(paths, order=4)
    monkeypatch.setattr(chain_module, "ITERATIVE_ABOVE", 0)
    iterative = markov(paths, order=4)
    assert len(build_chain(read_paths(paths, Columns()), 4).states) > 1000
    for column in ("removal_effect", "removal_effect_value", "total_conversions"):
        assert iterative[column].to_numpy() == pytest.approx(
            direct[column].to_numpy(), rel=1e-10
        )


def test_paths_parsed_in_slices_give_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    paths = pd.DataFrame(
        {
            "path": ["a > b", "c", "b > d > a", "e > a", "d", "a > e > c"],
            "total_conversions": [1, 2, 3, 4, 5, 6],
            "total_null": [6, 5, 4, 3, 2, 1],
        }
    )
    whole = markov(paths, order=2)
    monkeypatch.setattr(tables_module, "_PARSE_CHUNK", 4)
    pd.testing.assert_frame_equal(markov(paths, order=2), whole)
