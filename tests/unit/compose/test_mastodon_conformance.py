"""Mastodon length vectors (tests/conformance/mastodon/mastodon_vectors.json).

Server rows run against the server rule `measure` uses. Web-composer rows flagged
`server_may_differ` are the composer's behaviour (links without a scheme shortened), so
they run against `composer=True`; the others must hold for the server rule as well.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tandem.compose.rules import RuleOptions, measure, validate
from tandem.compose.rules.mastodon import countable_text, mastodon_length

VECTORS = (
    Path(__file__).parents[2] / "conformance" / "mastodon" / "mastodon_vectors.json"
)
_DATA: dict[str, Any] = json.loads(VECTORS.read_text("utf-8"))
LIMIT = _DATA["limit"]


@pytest.mark.parametrize(
    "case",
    [pytest.param(case, id=case["id"]) for case in _DATA["server_validator_spec"]],
)
def test_it_counts_like_the_mastodon_server(case: dict[str, Any]) -> None:
    options = RuleOptions(mastodon_content_warning=case["spoiler_text"])
    length = measure("mastodon", case["text"], options=options)
    if case["expected_count"] is not None:
        assert length == case["expected_count"]
    problems = validate("mastodon", case["text"], options=options)
    assert (not any(p.code == "text.too_long" for p in problems)) is case[
        "expected_valid"
    ]


def _composer_cases() -> list[Any]:
    cases = []
    for case in _DATA["web_composer_countable_text"]:
        rule = "web composer" if case["server_may_differ"] else "server and composer"
        cases.append(pytest.param(case, id=f"{case['id']} ({rule})"))
    return cases


@pytest.mark.parametrize("case", _composer_cases())
def test_it_builds_the_composers_countable_text(case: dict[str, Any]) -> None:
    assert (
        countable_text(case["text"], composer=True) == case["expected_countable_text"]
    )
    assert mastodon_length(case["text"], composer=True) == case["expected_count"]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, id=case["id"])
        for case in _DATA["web_composer_countable_text"]
        if not case["server_may_differ"]
    ],
)
def test_the_server_rule_agrees_where_the_vectors_say_it_does(
    case: dict[str, Any],
) -> None:
    assert measure("mastodon", case["text"]) == case["expected_count"]


def test_a_link_without_a_scheme_counts_in_full_on_the_server() -> None:
    # The server shortens only links with a scheme (extract_url_without_protocol: false).
    assert measure("mastodon", "see example.com here") == len("see example.com here")
    assert mastodon_length("see example.com here", composer=True) == 32


def test_the_instance_limit_replaces_the_default() -> None:
    text = "a" * 600
    assert any(p.code == "text.too_long" for p in validate("mastodon", text))
    assert validate("mastodon", text, options=RuleOptions(mastodon_limit=1000)) == []
