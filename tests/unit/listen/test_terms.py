from tandem.listen import TermKind, terms
from tandem.listen.terms import analyse, term_kind


def test_it_folds_case_and_keeps_words_hashtags_and_bigrams() -> None:
    assert terms("Battery RECALL for #NorthPeak") == {
        "battery",
        "recall",
        "battery recall",
        "#northpeak",
    }


def test_it_drops_stopwords_numbers_links_handles_and_single_letters() -> None:
    found = terms("@support the 2 x https://example.com/a?b=1 is broken")
    assert found == {"broken"}


def test_bigrams_never_span_a_stopword_punctuation_or_a_hashtag() -> None:
    found = terms("battery. recall of the stove #camp fire")
    assert "battery recall" not in found
    assert "recall stove" not in found
    assert "stove fire" not in found
    assert {"battery", "recall", "stove", "fire", "#camp"} <= found


def test_stopwords_follow_the_mention_language() -> None:
    german = terms("Die Batterie ist kaputt", "de")
    assert german == {"batterie", "kaputt"}
    # Without a language every list applies, so French articles are not terms either.
    assert terms("le sac est trop lourd") == {"sac", "trop", "lourd", "trop lourd"}


def test_english_applies_alongside_the_mention_language() -> None:
    assert terms("the tent", "es") == {"tent"}


def test_a_term_counts_once_per_mention() -> None:
    assert terms("fire fire fire") == {"fire", "fire fire"}


def test_accented_words_and_elisions_are_handled() -> None:
    assert terms("l'équipe gagne", "fr") == {"équipe", "gagne", "équipe gagne"}


def test_analysis_keeps_every_word_in_order_for_phrase_matching() -> None:
    result = analyse("The rain, jacket #Dry")
    assert result.words == ("the", "rain", "jacket")
    assert result.hashtags == {"#dry"}


def test_term_kinds_are_read_from_the_key() -> None:
    assert term_kind("#x") is TermKind.HASHTAG
    assert term_kind("rain jacket") is TermKind.PHRASE
    assert term_kind("topic:Rivals inc") is TermKind.TOPIC
    assert term_kind("rain") is TermKind.WORD
