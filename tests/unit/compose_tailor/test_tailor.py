"""Tailoring one master text to a platform, with plain character counting."""

from __future__ import annotations

import pytest

from tandem.compose.tailor import LINK_IN_BIO, Target, tailor

BRIEF = (
    "Our Trail Bottle is back in three new colours, made from 80% recycled steel. "
    "It keeps drinks cold for 24 hours, hot for 12, and fits every bike cage we tried. "
    "Order this week and we plant a tree for every bottle, with our partners at ReForest. "
    "Tell us where you will take yours 🏔️🚴‍♀️! #TrailBottle #Outdoors #Sustainability #Cycling #Hiking #Gear"
)
SHORT = "https://t.dm/l/Ab3dE9x"
DEST = "https://shop.example.com/trail-bottle?ref=launch"


def target(limit: int, **kw) -> Target:
    defaults = {
        "platform": "test",
        "limit": limit,
        "measure": len,
        "hashtag_limit": None,
        "links_clickable": True,
        "supports_threads": False,
        "supports_first_comment": False,
    }
    return Target(**{**defaults, **kw})


def test_a_text_that_fits_keeps_every_word_and_gets_the_link_before_the_hashtags():
    result = tailor(BRIEF, target=target(3000), link=SHORT)
    (text,) = result.parts
    assert text.startswith("Our Trail Bottle") and text.index(SHORT) < text.index(
        "#TrailBottle"
    )
    assert result.notes == ()


def test_trimming_drops_whole_sentences_first_and_keeps_link_and_hashtags():
    (text,) = tailor(BRIEF, target=target(280), link=SHORT).parts
    assert len(text) <= 280
    assert SHORT in text and "#Gear" in text
    body = text.split("\n\n")[0]
    assert body.endswith(".") and "ReForest" not in body


def test_a_tight_limit_cuts_at_a_word_never_inside_a_url_hashtag_or_emoji():
    (text,) = tailor(BRIEF, target=target(120, hashtag_limit=2), link=SHORT).parts
    assert len(text) <= 120
    for token in text.split():
        assert (
            token in BRIEF
            or token == SHORT
            or token.rstrip("…") in BRIEF.replace(",", " ").split()
            or token.endswith("…")
        )
    assert SHORT in text


def test_hashtags_beyond_the_platform_limit_are_dropped_from_the_closing_block():
    result = tailor(BRIEF, target=target(3000, hashtag_limit=3), link=SHORT)
    assert result.parts[0].count("#") == 3
    assert "Kept 3 of 6 closing hashtags" in result.notes[0]


def test_inline_hashtags_over_the_limit_become_words():
    result = tailor(
        "Loving the #Alps and #Dolomites with #friends today",
        target=target(500, hashtag_limit=1),
    )
    assert result.parts == ("Loving the #Alps and Dolomites with friends today",)


def test_without_clickable_links_the_link_goes_to_the_first_comment_with_a_link_in_bio_cta():
    result = tailor(
        f"New colours are here: {DEST} #TrailBottle",
        target=target(2200, links_clickable=False, supports_first_comment=True),
        link=SHORT,
        destination=DEST,
    )
    (text,) = result.parts
    assert DEST not in text and SHORT not in text and LINK_IN_BIO in text
    assert result.first_comment == SHORT


def test_the_raw_destination_in_the_text_is_replaced_by_the_tracked_link():
    (text,) = tailor(
        f"Shop now: {DEST} today", target=target(500), link=SHORT, destination=DEST
    ).parts
    assert text == f"Shop now: {SHORT} today"


@pytest.mark.parametrize("limit", [120, 200, 280])
def test_threads_are_numbered_and_every_post_fits(limit):
    result = tailor(BRIEF, target=target(limit, supports_threads=True), link=SHORT)
    parts = result.parts
    assert len(parts) >= 2 and all(len(p) <= limit for p in parts)
    assert [p.rsplit(" ", 1)[-1] for p in parts] == [
        f"{i}/{len(parts)}" for i in range(1, len(parts) + 1)
    ]
    assert SHORT in parts[-1] and "#Gear" in parts[-1]
    words = " ".join(p.rsplit(" ", 1)[0] for p in parts).split()
    assert "ReForest." in words, "a thread keeps the whole text"


def test_an_impossible_limit_still_returns_something_that_fits_or_says_so():
    result = tailor(BRIEF, target=target(30), link=SHORT)
    assert len(result.parts[0]) <= 30 or result.notes
