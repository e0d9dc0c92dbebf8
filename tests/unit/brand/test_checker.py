"""The brand checker on realistic marketing copy."""

from __future__ import annotations

import unicodedata

import pytest

from tandem.brand import (
    BannedPhrase,
    BrandKit,
    DisclosurePosition,
    EmojiPolicy,
    RequiredPhrase,
    check,
    compile_kit,
)
from tandem.core import Severity

TANDEM = BrandKit(brand_names=("Tandem",))


def codes(problems):
    return [p.code for p in problems]


def flagged(text, problems):
    return [text[p.start : p.end] for p in problems if p.start is not None]


def test_it_asks_for_the_brand_name_as_written_and_says_how():
    text = "Meet tandem: plan, publish and measure. TANDEM makes Mondays calm."
    problems = check(text, TANDEM)
    assert codes(problems) == ["brand.capitalisation"] * 2
    assert flagged(text, problems) == ["tandem", "TANDEM"]
    assert problems[0].message == 'Write "Tandem", not "tandem".'
    assert problems[0].severity is Severity.WARNING


def test_it_leaves_the_brand_alone_in_links_mentions_and_hashtags():
    text = (
        "Spring drop 🌸 is live: https://tandem.app/spring?utm_source=instagram, "
        "also at www.tandem.app/de and tandem.app/fr. Questions? hello@tandem.app "
        "or @tandem (@tandem@mastodon.social) #tandem #TandemSpring"
    )
    assert check(text, TANDEM) == []


def test_it_checks_links_and_handles_too_when_the_kit_says_so():
    kit = BrandKit(brand_names=("Tandem",), names_skip_handles=False)
    text = "Follow @tandem and use #tandem"
    assert flagged(text, check(text, kit)) == ["tandem", "tandem"]


def test_it_accepts_possessives_and_ignores_other_words_that_start_alike():
    text = "Tandem's new calendar. Two tandems and a tandemfahrrad. Tandem-App."
    assert check(text, TANDEM) == []


def test_a_name_of_several_words_is_flagged_once_as_a_whole():
    kit = BrandKit(brand_names=("Tandem", "Tandem Studio"))
    text = "Booked the tandem studio for Friday; Tandem Studio has the best light."
    problems = check(text, kit)
    assert [p.message for p in problems] == [
        'Write "Tandem Studio", not "tandem studio".'
    ]


def test_a_banned_word_matches_whole_words_only_and_ignoring_case():
    kit = BrandKit(banned=(BannedPhrase("ad", reason="say partnership"),))
    text = "An adventure, not an AD. Our Ad-free plan: no ads, no #ad."
    problems = check(text, kit)
    assert flagged(text, problems) == ["AD", "Ad", "ad"]  # the last is in "#ad"
    assert all(p.code == "brand.banned_word" for p in problems)
    assert problems[0].message == 'Remove "AD": say partnership.'


def test_a_banned_phrase_offers_its_replacement_and_reason():
    kit = BrandKit(
        banned=(
            BannedPhrase("cheap", "affordable", "sounds low quality"),
            BannedPhrase("free shipping", "free delivery"),
        )
    )
    text = "CHEAP thrills and free\nshipping on every order"
    problems = check(text, kit)
    assert [p.message for p in problems] == [
        'Replace "CHEAP" with "affordable": sounds low quality.',
        'Replace "free\nshipping" with "free delivery": the brand kit bans it.',
    ]
    assert all(p.severity is Severity.ERROR and p.blocking for p in problems)


def test_a_banned_phrase_with_an_apostrophe_matches_the_curly_one_phones_type():
    kit = BrandKit(banned=(BannedPhrase("don't miss out"),))
    text = "Don’t miss out on the spring sale"
    assert flagged(text, check(text, kit)) == ["Don’t miss out"]


def test_banned_words_in_a_link_are_not_flagged():
    kit = BrandKit(banned=(BannedPhrase("cheap"),))
    assert check("Flights: https://partner.example/cheap-flights", kit) == []


def test_german_copy_with_umlauts_and_hashtags():
    kit = BrandKit(
        banned=(BannedPhrase("günstig", "preiswert"),),
        brand_names=("Tandem",),
        disclosures=("Anzeige", "Werbung"),
        disclosure_position=DisclosurePosition.WITHIN,
    )
    text = "Anzeige | GÜNSTIG war gestern: tandem macht Planung günstiger. #günstig"
    problems = check(text, kit, sponsored=True)
    assert flagged(text, problems) == ["GÜNSTIG", "tandem", "günstig"]
    assert (
        problems[0].message
        == 'Replace "GÜNSTIG" with "preiswert": the brand kit bans it.'
    )


def test_text_in_another_normal_form_is_matched_and_spans_point_into_it():
    decomposed = unicodedata.normalize("NFD", "Café-Tipp: günstig und tandem")
    kit = BrandKit(banned=(BannedPhrase("günstig"),), brand_names=("Tandem",))
    problems = check(decomposed, kit)
    assert flagged(decomposed, problems) == [
        unicodedata.normalize("NFD", "günstig"),
        "tandem",
    ]


def _sponsored_kit(**changes):
    return BrandKit(
        disclosures=("#ad", "#sponsored"),
        disclosure_position=DisclosurePosition.WITHIN,
        **changes,
    )


def test_a_sponsored_post_without_a_disclosure_is_blocked():
    problems = check(
        "Loving my new sneakers #adidas #running", _sponsored_kit(), sponsored=True
    )
    assert codes(problems) == ["brand.disclosure_missing"]
    assert problems[0].message == (
        "Sponsored posts need #ad or #sponsored in the first 125 characters."
    )
    assert problems[0].start is None and problems[0].blocking


def test_the_disclosure_must_come_before_the_cut():
    body = (
        "Five things we learned planning 600 posts a quarter with a team of four. "
        "1) Batch your writing on Mondays. 2) Keep a bank of evergreen posts. "
        "3) Let the calendar show gaps, not you. 4) Reply within the hour, even "
        "on weekends. 5) Measure what moved leads, not likes. "
    )
    text = (body * 2)[:380] + " #ad #partner"
    assert len(text) > 390
    problems = check(text, _sponsored_kit(), sponsored=True)
    assert codes(problems) == ["brand.disclosure_late"]
    assert flagged(text, problems) == ["#ad"]
    assert problems[0].message.startswith(
        "Sponsored posts need #ad or #sponsored in the first 125 characters; move it up"
    )
    assert check("#ad " + text, _sponsored_kit(), sponsored=True) == []


def test_a_disclosure_anywhere_is_enough_when_the_kit_says_so():
    kit = BrandKit(disclosures=("#ad",))
    assert check("x" * 400 + " #ad", kit, sponsored=True) == []
    assert check("x" * 400 + " #ad", kit) == []


def test_a_disclosure_inside_a_link_does_not_count():
    problems = check("See https://shop.example/page#ad", BrandKit(), sponsored=True)
    assert codes(problems) == ["brand.disclosure_missing"]
    assert problems[0].message == "Sponsored posts need #ad."


def test_posts_that_are_not_sponsored_need_no_disclosure():
    assert check("Spring is here", _sponsored_kit(), sponsored=False) == []


REQUIRE_ON_LINKEDIN = BrandKit(
    required=(
        RequiredPhrase(
            ("Tandem", "@tandemhq"),
            reason="every LinkedIn post names the brand",
            platforms=("linkedin",),
        ),
    )
)


def test_a_required_word_scoped_to_linkedin_applies_there_only():
    text = "Our Q1 planning guide is out."
    problems = check(text, REQUIRE_ON_LINKEDIN, platform="LinkedIn")
    assert codes(problems) == ["brand.required_missing"]
    assert problems[0].message == (
        'Add "Tandem" or "@tandemhq" to LinkedIn posts: '
        "every LinkedIn post names the brand."
    )
    assert check(text, REQUIRE_ON_LINKEDIN, platform="x") == []
    assert check(text, REQUIRE_ON_LINKEDIN) == []


def test_any_one_alternative_satisfies_a_required_rule_but_a_link_does_not():
    kit = REQUIRE_ON_LINKEDIN
    assert check("Thanks @tandemhq!", kit, platform="linkedin") == []
    linked = check("Read more: https://tandem.app/guide", kit, platform="linkedin")
    assert codes(linked) == ["brand.required_missing"]


def test_a_banned_word_can_be_scoped_to_a_platform():
    kit = BrandKit(
        banned=(
            BannedPhrase("game changer", platforms=("linkedin",)),
            BannedPhrase("game"),
        )
    )
    text = "A real game changer"
    assert flagged(text, check(text, kit, platform="linkedin")) == ["game changer"]
    assert flagged(text, check(text, kit, platform="x")) == ["game"]


def test_no_emoji_means_each_one_is_flagged_whole():
    kit = BrandKit(emoji=EmojiPolicy.NONE)
    text = "Launch day 🚀 team 👩🏽‍💻 from 🇩🇪 with ❤️ and 1️⃣ — © Tandem™ ✓"
    problems = check(text, kit)
    assert flagged(text, problems) == ["🚀", "👩🏽‍💻", "🇩🇪", "❤️", "1️⃣"]
    assert problems[0].message == 'Remove "🚀": this brand writes without emoji.'


def test_a_limit_on_emoji_flags_the_ones_beyond_it():
    kit = BrandKit(emoji=EmojiPolicy.LIMITED, max_emoji=2)
    text = "New drop 🔥🔥 and more 🎉 tomorrow 👀"
    problems = check(text, kit)
    assert flagged(text, problems) == ["🎉", "👀"]
    assert problems[0].message == "Use at most 2 emoji (this text has 4)."
    assert check("Just 🔥🔥", kit) == []


def test_exclamation_marks_are_counted_and_doubles_flagged():
    kit = BrandKit(max_exclamations=1, no_double_exclamation=True)
    text = "Big news!! Spring is here!"
    problems = check(text, kit)
    assert [(p.message, text[p.start : p.end]) for p in problems] == [
        ('Write a single "!" instead of "!!".', "!!"),
        ('Use at most 1 "!" (this text has 3).', "!"),
        ('Use at most 1 "!" (this text has 3).', "!"),
    ]
    assert check("Spring is here! See https://x.example/#!/now", kit) == []


def test_a_double_exclamation_sign_is_a_double_too():
    kit = BrandKit(no_double_exclamation=True, max_exclamations=1)
    problems = check("Wow‼", kit)
    assert [p.message for p in problems] == [
        'Write a single "!" instead of "‼".',
        'Use at most 1 "!" (this text has 2).',
    ]


def test_no_exclamation_marks_at_all():
    problems = check("Hallo！", BrandKit(max_exclamations=0))
    assert [p.message for p in problems] == [
        'Drop the "!": this brand writes without exclamation marks.'
    ]


def test_the_default_kit_flags_nothing_but_a_missing_disclosure():
    text = "WOW!!! 🎉🎉🎉🎉 cheap tandem"
    assert check(text, BrandKit()) == []
    assert codes(check(text, BrandKit(), sponsored=True)) == [
        "brand.disclosure_missing"
    ]


def test_problems_are_sorted_whole_text_first_then_by_position():
    kit = BrandKit(
        banned=(BannedPhrase("cheap"),),
        brand_names=("Tandem",),
        required=(RequiredPhrase(("Spring",)),),
    )
    problems = check("tandem is cheap", kit, sponsored=True)
    assert codes(problems) == [
        "brand.disclosure_missing",
        "brand.required_missing",
        "brand.capitalisation",
        "brand.banned_word",
    ]


def test_a_kit_compiles_once_and_equal_kits_share_it():
    kit = BrandKit(banned=(BannedPhrase("cheap"),))
    same = BrandKit(banned=(BannedPhrase("cheap"),))
    assert compile_kit(kit) is compile_kit(same)


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\n", "!!!", "#", "@", "https://", "‍", "\U0001f3fb", "e\u0301" * 50],
)
def test_odd_texts_never_break_the_checker(text):
    kit = BrandKit(
        banned=(BannedPhrase("#"),),
        brand_names=("Tandem",),
        emoji=EmojiPolicy.NONE,
        max_exclamations=0,
        no_double_exclamation=True,
    )
    for problem in check(text, kit, sponsored=True):
        if problem.start is not None:
            assert 0 <= problem.start < problem.end <= len(text)
