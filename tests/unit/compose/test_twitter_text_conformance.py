"""twitter-text's conformance vectors (tests/conformance/twitter-text, v3.1.0).

Configs as the reference runners use them: v2 for WeightedTweetsCounterTest, v3 for
WeightedTweetsWithDiscountedEmojiCounterTest and UnicodeDirectionalMarkerCounterTest,
and the legacy 140-character v1 config for the `tweets` validity section.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tandem.compose.rules.model import TwitterConfig
from tandem.compose.rules.rfc3986 import is_valid_url
from tandem.compose.rules.twitter import (
    CONFIG_V1,
    CONFIG_V2,
    CONFIG_V3,
    is_valid_hashtag,
    is_valid_list,
    is_valid_tweet,
    is_valid_username,
    parse_tweet,
    weighted_length,
)

VECTORS = Path(__file__).parents[2] / "conformance" / "twitter-text" / "validate.yml"
_TESTS: dict[str, list[dict[str, Any]]] = yaml.safe_load(VECTORS.read_text("utf-8"))[
    "tests"
]


def _cases(section: str) -> list[Any]:
    return [pytest.param(case, id=case["description"]) for case in _TESTS[section]]


_COUNTERS: dict[str, TwitterConfig] = {
    "WeightedTweetsCounterTest": CONFIG_V2,
    "WeightedTweetsWithDiscountedEmojiCounterTest": CONFIG_V3,
    "UnicodeDirectionalMarkerCounterTest": CONFIG_V3,
}
_COUNTER_CASES = [
    pytest.param(config, case, id=f"{section}: {case['description']}")
    for section, config in _COUNTERS.items()
    for case in _TESTS[section]
]


@pytest.mark.parametrize(("config", "case"), _COUNTER_CASES)
def test_it_parses_like_twitter_text(
    config: TwitterConfig, case: dict[str, Any]
) -> None:
    parsed = parse_tweet(case["text"], config)
    expected = case["expected"]
    assert parsed.weighted_length == expected["weightedLength"]
    assert parsed.valid is expected["valid"]
    assert parsed.permillage == expected["permillage"]
    assert parsed.display_range == (
        expected["displayRangeStart"],
        expected["displayRangeEnd"],
    )
    assert parsed.valid_range == (
        expected["validRangeStart"],
        expected["validRangeEnd"],
    )


@pytest.mark.parametrize(("config", "case"), _COUNTER_CASES)
def test_the_fast_counter_agrees_with_parse_tweet(
    config: TwitterConfig, case: dict[str, Any]
) -> None:
    assert weighted_length(case["text"], config) == case["expected"]["weightedLength"]


@pytest.mark.parametrize("case", _cases("tweets"))
def test_it_judges_tweet_validity_with_the_legacy_config(case: dict[str, Any]) -> None:
    assert is_valid_tweet(case["text"], CONFIG_V1) is case["expected"]


@pytest.mark.parametrize("case", _cases("usernames"))
def test_it_judges_usernames(case: dict[str, Any]) -> None:
    assert is_valid_username(case["text"]) is case["expected"]


@pytest.mark.parametrize("case", _cases("lists"))
def test_it_judges_lists(case: dict[str, Any]) -> None:
    assert is_valid_list(case["text"]) is case["expected"]


@pytest.mark.parametrize("case", _cases("hashtags"))
def test_it_judges_hashtags(case: dict[str, Any]) -> None:
    assert is_valid_hashtag(case["text"]) is case["expected"]


@pytest.mark.parametrize("case", _cases("urls"))
def test_it_judges_urls(case: dict[str, Any]) -> None:
    assert is_valid_url(case["text"]) is case["expected"]


@pytest.mark.parametrize("case", _cases("urls_without_protocol"))
def test_it_judges_urls_without_a_scheme(case: dict[str, Any]) -> None:
    assert is_valid_url(case["text"], require_scheme=False) is case["expected"]


def test_v3_is_the_default_config() -> None:
    assert parse_tweet("👨‍👩‍👧‍👦").weighted_length == 2
