from datetime import UTC, datetime

import pytest

from tandem.core.errors import InvalidInput
from tandem.listen import (
    Mention,
    Topic,
    TopicKind,
    TopicQueryError,
    matches,
    parse_query,
)
from tandem.listen.topics import AllOf, AnyOf, Hashtag, Not, Phrase, Word

AT = datetime(2026, 11, 2, 12, tzinfo=UTC)


def mention(text: str, *, language: str = "en", platform: str = "mastodon") -> Mention:
    return Mention(text=text, created_at=AT, platform=platform, language=language)


def hit(query: str, text: str, **kwargs: str) -> bool:
    return matches(Topic.parse("t", query), mention(text, **kwargs))


def test_not_binds_tighter_than_and_and_and_tighter_than_or() -> None:
    root = parse_query("a OR b NOT c").root
    assert root == AnyOf((Word("a"), AllOf((Word("b"), Not(Word("c"))))))


def test_parentheses_group_and_adjacent_terms_mean_and() -> None:
    root = parse_query('(battery OR charger) "rain jacket" -cheap #Dry').root
    assert root == AllOf(
        (
            AnyOf((Word("battery"), Word("charger"))),
            Phrase(("rain", "jacket")),
            Not(Word("cheap")),
            Hashtag("#dry"),
        )
    )


def test_boolean_queries_match_as_written() -> None:
    query = "(battery OR charger) AND NOT review"
    assert hit(query, "My charger died")
    assert hit(query, "BATTERY is flat")
    assert not hit(query, "battery review: great")
    assert not hit(query, "nothing to see")


def test_a_word_matches_its_hashtag_but_a_hashtag_only_the_hashtag() -> None:
    assert hit("northpeak", "love #NorthPeak")
    assert hit("#northpeak", "love #northpeak")
    assert not hit("#northpeak", "love northpeak")


def test_keywords_match_whole_words_only_unless_they_end_in_a_star() -> None:
    assert not hit("trail", "trailrunning today")
    assert hit("trail*", "trailrunning today")
    assert hit("trail*", "#TrailMix")


def test_a_phrase_matches_consecutive_words_ignoring_case_and_punctuation() -> None:
    assert hit('"rain jacket"', "New RAIN, jacket in stock")
    assert not hit('"rain jacket"', "jacket for the rain")
    assert hit("e-bike", "my e bike")  # split on the hyphen, matched as a phrase


def test_lower_case_operators_are_words() -> None:
    assert parse_query("rock and roll").root == AllOf(
        (Word("rock"), Word("and"), Word("roll"))
    )


def test_language_and_platform_filters_work_in_the_query_and_on_the_topic() -> None:
    assert hit("tent lang:de", "Zelt tent", language="de")
    assert not hit("tent lang:de", "tent", language="en")
    assert hit(
        "tent (platform:bluesky OR platform:mastodon)", "tent", platform="bluesky"
    )
    topic = Topic.parse(
        "Rival",
        "rivalco",
        kind=TopicKind.COMPETITOR,
        languages=frozenset({"EN"}),
        platforms=frozenset({"Bluesky"}),
    )
    assert matches(topic, mention("rivalco rocks", platform="bluesky"))
    assert not matches(topic, mention("rivalco rocks", platform="mastodon"))
    assert not matches(
        topic, mention("rivalco rocks", language="fr", platform="bluesky")
    )


@pytest.mark.parametrize(
    ("query", "position", "advice"),
    [
        ("", 0, "enter at least one word"),
        (
            "tent AND",
            5,
            'expected a word, #hashtag, "phrase" or "(" after AND at character 6',
        ),
        ("OR tent", 0, "before OR at character 1"),
        ("(tent OR stove", 0, 'the "(" at character 1 is never closed; add a ")"'),
        ("tent)", 4, 'unexpected ")" at character 5'),
        (
            '"rain jacket',
            0,
            'the quote at character 1 is never closed; add a closing "',
        ),
        ("()", 1, "empty parentheses at character 2"),
        ("NOT tent", 0, "no term to look for"),
        ("tent lang:", 5, "lang: at character 6 needs a value, e.g. lang:en"),
        ("#", 0, "not a hashtag; use # followed by letters"),
        ("tent AND OR stove", 5, "after AND at character 6"),
        ('tent ""', 5, "the phrase at character 6 has no words"),
    ],
)
def test_errors_name_the_position_and_the_fix(
    query: str, position: int, advice: str
) -> None:
    with pytest.raises(TopicQueryError) as caught:
        parse_query(query)
    assert caught.value.position == position
    assert advice in caught.value.message
    assert caught.value.message.startswith("Topic query: ")
    assert caught.value.field == "query"


def test_a_topic_needs_a_name() -> None:
    with pytest.raises(InvalidInput, match="Topic name is empty"):
        Topic.parse(" ", "tent")
