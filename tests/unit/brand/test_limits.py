"""What a brand kit may hold: clear errors naming the field and row."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.brand import BannedPhrase, BrandKit, HashtagGroup, RequiredPhrase
from tandem.brand.limits import MAX_BANNED, clean_kit
from tandem.core import InvalidInput


def _fails(kit: BrandKit, message: str, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        clean_kit(kit)
    assert caught.value.message == message
    assert caught.value.field == field


def test_an_empty_phrase_names_its_row():
    banned = tuple(BannedPhrase(p) for p in ["cheap", "free", "synergy", "  "])
    _fails(
        BrandKit(banned=banned), "banned[3].phrase cannot be empty.", "banned[3].phrase"
    )


def test_texts_are_trimmed_normalised_and_platforms_lower_cased():
    kit = BrandKit(
        banned=(
            BannedPhrase(
                "  cafe\u0301   au lait ", platforms=(" LinkedIn", "linkedin")
            ),
        ),
        hashtag_groups=(HashtagGroup(" launch ", ("spring", "#Spring", "#new")),),
    )
    cleaned = clean_kit(kit)
    assert cleaned.banned == (BannedPhrase("café au lait", platforms=("linkedin",)),)
    assert cleaned.hashtag_groups == (HashtagGroup("launch", ("#spring", "#new")),)


def test_spellings_of_one_brand_name_conflict():
    _fails(
        BrandKit(brand_names=("Tandem", "TANDEM")),
        "brand_names[1] repeats brand_names[0] (case and spacing are ignored).",
        "brand_names[1]",
    )


def test_limits_on_counts_and_lengths():
    many = tuple(BannedPhrase(f"word{i}") for i in range(MAX_BANNED + 1))
    _fails(BrandKit(banned=many), "banned can hold at most 500 entries.", "banned")
    _fails(
        BrandKit(required=(RequiredPhrase(("x" * 101,)),)),
        "required[0].phrases is longer than 100 characters.",
        "required[0].phrases",
    )
    _fails(
        BrandKit(required=(RequiredPhrase(()),)),
        "required[0].phrases cannot be empty.",
        "required[0].phrases",
    )


def test_platform_keys_and_numbers_are_checked():
    _fails(
        BrandKit(banned=(BannedPhrase("x", platforms=("Linked In",)),)),
        "banned[0].platforms include 'Linked In'; use platform keys like linkedin, instagram or x.",
        "banned[0].platforms",
    )
    _fails(
        replace(BrandKit(), max_emoji=-1),
        "Most emoji (max_emoji) must be a whole number from 0 to 50.",
        "max_emoji",
    )
