"""The snippet stays tiny: under 2 KB gzipped, as the issue promises site owners."""

from __future__ import annotations

import gzip
from pathlib import Path

import tandem.web

SNIPPET = Path(tandem.web.__file__).parent / "static" / "t.js"


def test_the_snippet_is_under_two_kilobytes_gzipped():
    size = len(gzip.compress(SNIPPET.read_bytes(), compresslevel=9))
    assert size < 2048, f"t.js is {size} bytes gzipped"


def test_the_snippet_stores_nothing_before_consent():
    source = SNIPPET.read_text()
    assert "document.cookie" not in source
    # localStorage is written in exactly one place: consent(true).
    assert source.count("setItem") == 1
    assert "function consent(given)" in source
