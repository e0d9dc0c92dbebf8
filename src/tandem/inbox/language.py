"""Language of a message: py3langid's model (shipped inside the package, nothing downloaded),
restricted to the languages Tandem's users write in, with "und" for text without letters
(emoji-only, "!!!") and for text too short to tell."""

from __future__ import annotations

import threading

from py3langid.langid import MODEL_FILE, LanguageIdentifier

LANGUAGES = (
    "en", "de", "fr", "es", "pt", "it", "nl", "pl", "sv", "da", "no", "fi", "cs", "ro",
    "tr", "ru", "uk", "ja", "zh", "ko", "ar", "he", "hi", "id",
)  # fmt: skip
UNDETERMINED = "und"
# Below this many letters langid guesses; "ok", "lol" and "first!" are English more often
# than anything else in brand comments, but we would rather say we do not know.
MIN_LETTERS = 4

_identifier: LanguageIdentifier | None = None
_lock = threading.Lock()


def _model() -> LanguageIdentifier:
    global _identifier
    if _identifier is None:
        with _lock:
            if _identifier is None:
                identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
                identifier.set_languages(list(LANGUAGES))
                _identifier = identifier
    return _identifier


def language(text: str) -> str:
    """ISO 639-1 code, or "und"."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < MIN_LETTERS:
        return UNDETERMINED
    code, _score = _model().classify(text)
    return str(code)
