from tandem.compose.suggest import keywords, rank_hashtags, readability, tone_hint


def test_readability_scores_simple_text_as_easier_than_dense_text():
    easy = readability("We made a new mug. It is green. You will like it.")
    hard = readability(
        "Notwithstanding considerable organisational complexity, institutional "
        "stakeholders systematically underestimate interdependencies."
    )
    assert (
        easy.score is not None
        and hard.score is not None
        and easy.score > 80 > 20 > hard.score
    )
    assert readability("#only #hashtags").score is None


def test_tone_hints_name_the_words_behind_them():
    assert tone_hint("Sorry for the delay, the problem is fixed.").tone == "negative"
    hint = tone_hint("Last chance: ends tonight, order now")
    assert hint.tone == "urgent" and "“last”" in hint.reason
    assert tone_hint("We love this. Thanks, amazing team!").tone == "enthusiastic"
    assert tone_hint("The mug holds 350 ml.").tone == "neutral"


def test_keywords_skip_stopwords_and_hashtags():
    assert keywords("The Trail Bottle keeps the trail cold. #TrailBottle bottle")[
        :2
    ] == ["trail", "bottle"]


def test_hashtags_are_ranked_by_engagement_rate_of_the_posts_that_used_them():
    history = (
        [("Hike #alps", 1000, 80)] * 3
        + [("Mug #coffee", 1000, 20)] * 4
        + [("Once #rare", 100, 50)]
    )
    ranked = rank_hashtags(history)
    assert [s.hashtag for s in ranked] == ["#alps", "#coffee"], (
        "fewer than 3 posts is not evidence"
    )
    assert ranked[0].engagement_rate == 0.08 and ranked[0].posts == 3
    assert ranked[0].lift is not None and ranked[0].lift > 0 > ranked[1].lift
