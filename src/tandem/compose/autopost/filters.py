"""The keyword filter: include (any one must appear) and exclude (none may appear), matched
case-insensitively as whole words or phrases in the title, summary and categories."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tandem.compose.autopost.model import Entry
from tandem.core import InvalidInput

KEYWORD_MAX = 100
KEYWORDS_MAX = 50


def clean_keywords(values: Sequence[str], *, field: str) -> tuple[str, ...]:
    """Keywords from a list whose items may themselves be comma-separated (form fields)."""
    words = [w.strip() for v in values for w in v.split(",") if w.strip()]
    for word in words:
        if len(word) > KEYWORD_MAX:
            raise InvalidInput(
                f"Keep each keyword under {KEYWORD_MAX} characters ({word[:30]}… is longer).",
                field=field,
            )
    unique = tuple(dict.fromkeys(w.lower() for w in words))
    if len(unique) > KEYWORDS_MAX:
        raise InvalidInput(
            f"Use at most {KEYWORDS_MAX} keywords (there are {len(unique)}).",
            field=field,
        )
    return unique


def _matches(keyword: str, text: str) -> bool:
    pattern = r"(?<!\w)" + re.escape(keyword) + r"(?!\w)"
    return re.search(pattern, text, re.IGNORECASE) is not None


def passes(entry: Entry, include: Sequence[str], exclude: Sequence[str]) -> str:
    """'' when the entry passes the filter, else the reason it does not."""
    text = "\n".join([entry.title, entry.summary, *entry.categories])
    for word in exclude:
        if _matches(word, text):
            return f"Contains the excluded keyword “{word}”."
    if include and not any(_matches(word, text) for word in include):
        return "Contains none of the keywords to include."
    return ""
