"""measure() and validate() across the twelve platforms."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tandem.compose.rules import (
    PLATFORMS,
    RuleOptions,
    measure,
    rules_for,
    split_graphemes,
    utf8_length,
    validate,
)
from tandem.core import InvalidInput, Severity

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"

BRIEF = (
    "Spring launch: our new oat-milk cold brew lands in every Lisbon café on 12 March. "
    "Slow-steeped for 18 hours, no added sugar, and the can is 100% recyclable aluminium. "
    "We worked with local roasters Fábrica and Copenhagen's Prolog to get a cup that is "
    "smooth, bright and never bitter 🌱☕. Try it free at the launch party, Saturday from "
    "10:00 at our Príncipe Real shop, with music by DJ Inês and pastries from Manteigaria. "
    "Bring a friend, bring your own cup and get the second one free. Details and the full "
    "menu: https://example.com/launch/cold-brew-2025?utm_source=social #ColdBrew "
    "#Lisboa @tandemcoffee — see you there! 東京の皆さんも、近日公開です。"
)


def test_the_platform_list_is_the_twelve_tandem_publishes_to() -> None:
    assert PLATFORMS == (
        "x", "bluesky", "mastodon", "threads", "linkedin", "facebook",
        "instagram", "tiktok", "youtube", "pinterest", "reddit", "google_business",
    )  # fmt: skip


def test_the_brief_is_about_600_characters() -> None:
    assert 560 <= len(BRIEF) <= 640


def _trim_to_limit(platform: str, text: str) -> str:
    limit = rules_for(platform).text_limit
    words = text.split(" ")
    while measure(platform, " ".join(words)) > limit:
        words.pop()
    return " ".join(words)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_brief_trimmed_to_the_limit_measures_within_it(platform: str) -> None:
    trimmed = _trim_to_limit(platform, BRIEF)
    assert measure(platform, trimmed) <= rules_for(platform).text_limit
    codes = {problem.code for problem in validate(platform, trimmed)}
    assert "text.too_long" not in codes
    assert "text.too_many_bytes" not in codes


@pytest.mark.parametrize("platform", ["x", "bluesky", "threads"])
def test_the_untrimmed_brief_is_too_long_where_the_limit_is_short(
    platform: str,
) -> None:
    problems = validate(platform, BRIEF)
    assert [p.code for p in problems if p.code == "text.too_long"] == ["text.too_long"]
    assert all(p.blocking for p in problems if p.code == "text.too_long")


def test_x_says_how_many_characters_to_cut_and_how_links_count() -> None:
    text = "a" * 280 + " https://example.com/" + "x" * 200
    (problem,) = validate("x", text)
    assert problem.code == "text.too_long"
    assert problem.severity is Severity.ERROR
    assert problem.message == (
        "Shorten by 24 characters: X allows 280 "
        "(URLs count 23 each; emoji and CJK characters count 2)."
    )


def test_x_premium_raises_the_limit() -> None:
    text = "word " * 1000
    assert validate("x", text)[0].code == "text.too_long"
    assert validate("x", text, options=RuleOptions(x_limit=25_000)) == []


def test_x_counts_an_emoji_sequence_as_two_and_cjk_as_two() -> None:
    assert measure("x", FAMILY) == 2
    assert measure("x", "東京") == 4
    assert measure("x", "see https://example.com/a/very/long/path/indeed") == 27


def test_x_refuses_invisible_invalid_characters() -> None:
    (problem,) = validate("x", "hello\ufeffworld")
    assert problem.code == "text.invalid_character"
    assert (problem.start, problem.end) == (5, 6)


def test_an_empty_post_without_media_is_refused() -> None:
    assert [p.code for p in validate("mastodon", "   ")] == ["text.empty"]


def test_bluesky_counts_graphemes_and_caps_bytes() -> None:
    assert measure("bluesky", FAMILY * 3) == 3
    ok = "é" * 300  # 300 graphemes, 600 bytes
    assert validate("bluesky", ok) == []
    # 300 graphemes of 11 UTF-8 bytes each (letter + 5 combining marks) pass the
    # grapheme limit and break the 3,000-byte one.
    heavy = ("a" + "\u0301\u0302\u0303\u0304\u0305") * 300
    assert measure("bluesky", heavy) == 300
    assert [p.code for p in validate("bluesky", heavy)] == ["text.too_many_bytes"]


def test_threads_counts_emoji_by_their_utf8_bytes() -> None:
    assert measure("threads", "hi 😀") == 3 + 4
    assert measure("threads", FAMILY) == len(FAMILY.encode("utf-8"))


def test_threads_refuses_more_than_five_links() -> None:
    text = " ".join(f"https://example.com/{n}" for n in range(6))
    (problem,) = validate("threads", text)
    assert problem.code == "links.too_many"
    assert problem.blocking


def test_threads_warns_that_only_the_first_hashtag_becomes_a_topic() -> None:
    (problem,) = validate("threads", "new menu #coffee #lisbon")
    assert problem.code == "hashtags.too_many"
    assert problem.severity is Severity.WARNING


def test_instagram_allows_five_hashtags() -> None:
    five = "launch " + " ".join(f"#tag{n}" for n in range(5))
    six = five + " #tag5"
    options = RuleOptions(post_type="feed")
    assert "hashtags.too_many" not in {p.code for p in validate("instagram", five)}
    problem = next(
        p
        for p in validate("instagram", six, options=options)
        if p.code == "hashtags.too_many"
    )
    assert problem.message == "Remove 1 hashtag: Instagram allows 5 per post."
    assert six[problem.start : problem.end] == "#tag5"


@pytest.mark.parametrize(
    ("platform", "severity"),
    [
        ("instagram", Severity.WARNING),
        ("tiktok", Severity.WARNING),
        ("pinterest", Severity.INFO),
    ],
)
def test_a_caption_link_that_cannot_be_clicked_is_flagged(
    platform: str, severity: Severity
) -> None:
    problems = validate(platform, "menu at https://example.com/menu")
    (problem,) = [p for p in problems if p.code == "link.not_clickable"]
    assert problem.severity is severity


def test_youtube_measures_the_description_in_bytes_and_refuses_angle_brackets() -> None:
    assert measure("youtube", "café") == 5
    codes = [p.code for p in validate("youtube", "a <b> c")]
    assert codes.count("text.invalid_character") == 2


def test_youtube_checks_the_title_when_given() -> None:
    long_title = RuleOptions(title="t" * 101)
    codes = {p.code for p in validate("youtube", "description", options=long_title)}
    assert "title.too_long" in codes
    assert "title.missing" in {
        p.code for p in validate("youtube", "d", options=RuleOptions(title=" "))
    }
    assert rules_for("youtube").title_limit == 100


def test_linkedin_counts_utf16_units() -> None:
    assert measure("linkedin", "😀") == 2


def test_mastodon_content_warning_counts_toward_the_limit() -> None:
    options = RuleOptions(mastodon_content_warning="spoilers")
    assert measure("mastodon", "hello", options=options) == len("spoilers") + 5


_CALLS: dict[str, Callable[[str], object]] = {
    "measure": lambda platform: measure(platform, "hello"),
    "validate": lambda platform: validate(platform, "hello"),
    "rules_for": rules_for,
}


@pytest.mark.parametrize("name", sorted(_CALLS))
def test_an_unknown_platform_is_refused_naming_the_valid_ones(name: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        _CALLS[name]("myspace")
    assert raised.value.field == "platform"
    assert "myspace" in raised.value.message
    assert "google_business" in raised.value.message


def test_an_unknown_post_type_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        rules_for("instagram", RuleOptions(post_type="igtv"))
    assert raised.value.field == "post_type"
    assert "feed, reel, story" in raised.value.message


def test_every_rule_set_cites_its_sources() -> None:
    for platform in PLATFORMS:
        rules = rules_for(platform)
        for post_type in rules.post_types:
            typed = rules_for(platform, RuleOptions(post_type=post_type))
            assert typed.post_type == post_type
            assert typed.sources and all(
                s.startswith("https://") for s in typed.sources
            )


def test_graphemes_keep_emoji_sequences_whole() -> None:
    text = f"a{FAMILY}e\u0301\r\n🇵🇹"
    assert split_graphemes(text) == ["a", FAMILY, "e\u0301", "\r\n", "🇵🇹"]
    assert "".join(split_graphemes(text)) == text
    assert utf8_length(text) == len(text.encode("utf-8"))
