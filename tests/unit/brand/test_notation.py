"""The settings form's one-rule-per-line notation."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tandem.brand import (
    BannedPhrase,
    BrandKit,
    DisclosurePosition,
    EmojiPolicy,
    HashtagGroup,
    RequiredPhrase,
    UtmDefaults,
)
from tandem.brand.notation import KitForm, NotationError, form_from_kit, kit_from_form

RICH = BrandKit(
    banned=(
        BannedPhrase("cheap", "affordable", "sounds low quality"),
        BannedPhrase("game changer", platforms=("linkedin", "x")),
        BannedPhrase("günstig", "preiswert"),
        BannedPhrase("synergy", reason="jargon"),
    ),
    required=(
        RequiredPhrase(("Tandem", "@tandemhq"), "name the brand", ("linkedin",)),
        RequiredPhrase(("Impressum",)),
    ),
    disclosures=("#ad", "Anzeige"),
    disclosure_position=DisclosurePosition.WITHIN,
    disclosure_within=125,
    brand_names=("Tandem", "Tandem Studio"),
    names_skip_handles=False,
    emoji=EmojiPolicy.LIMITED,
    max_emoji=2,
    max_exclamations=1,
    no_double_exclamation=True,
    hashtag_groups=(HashtagGroup("launch", ("#spring", "#NewIn")),),
    utm=UtmDefaults("tandem", "organic-social", "q1-"),
)


def test_a_kit_survives_a_trip_through_the_form():
    assert kit_from_form(form_from_kit(RICH)) == RICH
    assert kit_from_form(form_from_kit(BrandKit())) == BrandKit()


def test_the_form_reads_like_the_help_text():
    form = form_from_kit(RICH)
    assert form.banned.splitlines()[:2] == [
        "cheap => affordable | sounds low quality",
        "game changer | on: linkedin, x",
    ]
    assert (
        form.required.splitlines()[0]
        == "Tandem, @tandemhq | name the brand | on: linkedin"
    )
    assert form.hashtag_groups == "launch: #spring #NewIn"


def test_parts_may_come_in_any_order_and_spacing_is_forgiven():
    form = KitForm(
        banned="  cheap=>affordable|on: LinkedIn X |too cheap  \n\n",
        hashtag_groups="launch:spring, #new",
    )
    kit = kit_from_form(form)
    assert kit.banned == (
        BannedPhrase("cheap", "affordable", "too cheap", ("linkedin", "x")),
    )
    assert kit.hashtag_groups == (HashtagGroup("launch", ("#spring", "#new")),)


def test_every_bad_line_is_reported_with_its_box_and_line_number():
    form = KitForm(
        banned="cheap\n\n => affordable\nsynergy | a | b\ncheap",
        required="Tandem | on:",
        hashtag_groups="no colon here\nlaunch: #spring-sale",
        max_emoji="two",
    )
    with pytest.raises(NotationError) as caught:
        kit_from_form(form)
    assert [str(e) for e in caught.value.errors] == [
        "Banned words, line 3: the phrase cannot be empty.",
        'Banned words, line 4: this line has two reasons; a rule has one reason and one "on:".',
        "Banned words, line 5: repeats line 1 (case and spacing are ignored).",
        'Required words, line 1: this line has "on:" without platforms, e.g. "on: linkedin".',
        "Most emoji: enter a whole number.",
        'Hashtag groups, line 1: this line needs a name and a colon, e.g. "launch: #spring #new".',
        "Hashtag groups, line 2: the hashtags include '#spring-sale'; a hashtag is one word "
        'of letters, digits or _ (platforms end it at "-", "." or a space).',
    ]
    assert caught.value.field == "banned"
    assert caught.value.status == 422


def test_numbers_and_choices_are_checked_like_the_api_does():
    with pytest.raises(NotationError) as caught:
        kit_from_form(
            KitForm(
                disclosure_within="0",
                emoji="sometimes",
                utm_source="spring sale",
            )
        )
    messages = [str(e) for e in caught.value.errors]
    assert messages == [
        "Characters before the cut (disclosure_within) must be a whole number from 1 to 10000.",
        "Emoji: choose allowed, limited, none.",
        'UTM source (utm.source) cannot contain spaces; use "-" or "_" instead.',
    ]


def test_a_rule_cannot_contain_the_separators_of_the_notation():
    with pytest.raises(NotationError, match="line 1: the replacement cannot contain"):
        kit_from_form(KitForm(banned="a => b => c"))


def test_empty_numbers_take_the_defaults():
    kit = kit_from_form(
        KitForm(disclosure_within="", max_emoji="", max_exclamations="")
    )
    # An unticked checkbox is not sent, so the form's default for it is "off".
    assert kit == replace(BrandKit(), disclosures=(), names_skip_handles=False)
