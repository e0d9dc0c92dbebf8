"""twitter-text's TLD vectors (tests/conformance/twitter-text/tlds.yml).

Tandem reads TLDs from the Public Suffix List, so a TLD the root zone has dropped since
twitter-text 3.1.0 (2019) no longer makes a link: for those vectors the test asserts exactly
that (no link), and says so in the test id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tandem.compose.rules.entities import extract_urls
from tandem.compose.rules.tlds import top_level_domains

VECTORS = Path(__file__).parents[2] / "conformance" / "twitter-text" / "tlds.yml"
_TESTS: dict[str, list[dict[str, Any]]] = yaml.safe_load(VECTORS.read_text("utf-8"))[
    "tests"
]


def _cases() -> list[Any]:
    cases = []
    for section, vectors in _TESTS.items():
        for case in vectors:
            tld = case["text"].rsplit(".", 1)[-1].lower()
            retired = tld not in top_level_domains()
            name = f"{section}: {case['description']}" + (
                " (retired TLD: no link)" * retired
            )
            cases.append(pytest.param(case, retired, id=name))
    return cases


@pytest.mark.parametrize(("case", "retired"), _cases())
def test_a_delegated_tld_makes_a_link_and_a_retired_one_does_not(
    case: dict[str, Any], retired: bool
) -> None:
    found = [url.text for url in extract_urls(case["text"])]
    assert found == ([] if retired else case["expected"])
