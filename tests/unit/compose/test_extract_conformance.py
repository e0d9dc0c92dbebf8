"""twitter-text's extraction vectors (tests/conformance/twitter-text/extract.yml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tandem.compose.rules.entities import (
    extract_cashtags,
    extract_hashtags,
    extract_mentions,
    extract_reply,
    extract_urls,
)

VECTORS = Path(__file__).parents[2] / "conformance" / "twitter-text" / "extract.yml"
_TESTS: dict[str, list[dict[str, Any]]] = yaml.safe_load(VECTORS.read_text("utf-8"))[
    "tests"
]


def _cases(*sections: str) -> list[Any]:
    return [
        pytest.param(case, id=f"{section}: {case['description']}")
        for section in sections
        for case in _TESTS[section]
    ]


@pytest.mark.parametrize("case", _cases("mentions"))
def test_it_extracts_mentions(case: dict[str, Any]) -> None:
    names = [m.text for m in extract_mentions(case["text"]) if not m.list_slug]
    assert names == case["expected"]


@pytest.mark.parametrize("case", _cases("mentions_with_indices"))
def test_it_extracts_mentions_with_indices(case: dict[str, Any]) -> None:
    found = [
        {"screen_name": m.text, "indices": [m.start, m.end]}
        for m in extract_mentions(case["text"])
        if not m.list_slug
    ]
    assert found == case["expected"]


@pytest.mark.parametrize("case", _cases("mentions_or_lists_with_indices"))
def test_it_extracts_mentions_and_lists_with_indices(case: dict[str, Any]) -> None:
    found = [
        {"screen_name": m.text, "list_slug": m.list_slug, "indices": [m.start, m.end]}
        for m in extract_mentions(case["text"])
    ]
    assert found == case["expected"]


@pytest.mark.parametrize("case", _cases("replies"))
def test_it_extracts_the_reply(case: dict[str, Any]) -> None:
    assert extract_reply(case["text"]) == case["expected"]


@pytest.mark.parametrize("case", _cases("urls", "tco_urls_with_params"))
def test_it_extracts_urls(case: dict[str, Any]) -> None:
    assert [url.text for url in extract_urls(case["text"])] == case["expected"]


@pytest.mark.parametrize(
    "case", _cases("urls_with_indices", "urls_with_directional_markers")
)
def test_it_extracts_urls_with_indices(case: dict[str, Any]) -> None:
    found = [
        {"url": u.text, "indices": [u.start, u.end]} for u in extract_urls(case["text"])
    ]
    assert found == case["expected"]


@pytest.mark.parametrize("case", _cases("hashtags", "hashtags_from_astral"))
def test_it_extracts_hashtags(case: dict[str, Any]) -> None:
    assert [tag.text for tag in extract_hashtags(case["text"])] == case["expected"]


@pytest.mark.parametrize("case", _cases("hashtags_with_indices"))
def test_it_extracts_hashtags_with_indices(case: dict[str, Any]) -> None:
    found = [
        {"hashtag": tag.text, "indices": [tag.start, tag.end]}
        for tag in extract_hashtags(case["text"])
    ]
    assert found == case["expected"]


@pytest.mark.parametrize("case", _cases("cashtags"))
def test_it_extracts_cashtags(case: dict[str, Any]) -> None:
    assert [tag.text for tag in extract_cashtags(case["text"])] == case["expected"]


@pytest.mark.parametrize("case", _cases("cashtags_with_indices"))
def test_it_extracts_cashtags_with_indices(case: dict[str, Any]) -> None:
    found = [
        {"cashtag": tag.text, "indices": [tag.start, tag.end]}
        for tag in extract_cashtags(case["text"])
    ]
    assert found == case["expected"]
