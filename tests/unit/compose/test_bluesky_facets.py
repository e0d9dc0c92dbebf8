"""Bluesky facets: links, mentions and tags with UTF-8 byte offsets."""

from __future__ import annotations

import pytest

from tandem.compose.rules import Facet, FacetKind, bluesky_facets


def _slice(text: str, facet: Facet) -> str:
    return text.encode("utf-8")[facet.byte_start : facet.byte_end].decode("utf-8")


def test_offsets_count_utf8_bytes_not_characters() -> None:
    text = "✨ café @alice.bsky.social https://example.com/menu #coldbrew"
    facets = bluesky_facets(text)
    assert [(f.kind, _slice(text, f), f.value) for f in facets] == [
        (FacetKind.MENTION, "@alice.bsky.social", "alice.bsky.social"),
        (FacetKind.LINK, "https://example.com/menu", "https://example.com/menu"),
        (FacetKind.TAG, "#coldbrew", "coldbrew"),
    ]
    assert facets[0].byte_start == len("✨ café ".encode())  # 10, not 7 characters


def test_a_link_without_a_scheme_gets_https_and_needs_a_known_tld() -> None:
    text = "menu at example.com and notes.txtx"
    (facet,) = bluesky_facets(text)
    assert facet.value == "https://example.com"
    assert _slice(text, facet) == "example.com"


def test_trailing_punctuation_is_not_part_of_a_link_or_tag() -> None:
    text = "See https://example.com/a. Or (https://example.com/b) #launch!"
    assert [_slice(text, f) for f in bluesky_facets(text)] == [
        "https://example.com/a",
        "https://example.com/b",
        "#launch",
    ]


@pytest.mark.parametrize(
    "text", ["#123", "email me at a@b.com", "@nodomain hi", "a#tag"]
)
def test_it_ignores_what_is_not_a_facet(text: str) -> None:
    assert bluesky_facets(text) == []


def test_a_facet_serialises_to_the_lexicon() -> None:
    text = "@alice.bsky.social #tag"
    mention, tag = bluesky_facets(text)
    assert tag.as_lexicon() == {
        "index": {"byteStart": 19, "byteEnd": 23},
        "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "tag"}],
    }
    assert mention.as_lexicon(did="did:plc:abc")["features"] == [
        {"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:abc"}
    ]
    with pytest.raises(ValueError, match="DID"):
        mention.as_lexicon()
