"""Mastodon's status length: what its server counts, and what its web composer shows.

Server (app/validators/status_length_validator.rb): grapheme clusters of the content
warning plus the text in which every link written with a scheme counts 23 characters
(`extract_url_without_protocol: false`) and every remote mention `@user@domain` counts
as `@user`. The web composer also shortens links written without a scheme; Tandem
measures with the server's rule, which is the one that rejects a post.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from tandem.compose.rules.counting import grapheme_length
from tandem.compose.rules.urls import domain_pattern, find_urls, valid_domain

URL_LENGTH = 23  # StatusLengthValidator::URL_PLACEHOLDER_CHARS
_URL_PLACEHOLDER = "x" * URL_LENGTH


@cache
def _remote_mention() -> re.Pattern[str]:
    # Account::MENTION_RE's username; the host must be a real domain with a known TLD.
    return re.compile(
        r"(?<![=/\w])@(?P<user>[a-z0-9_]+(?:[.-]+[a-z0-9_]+)*)"
        rf"@(?P<domain>{domain_pattern()})",
        re.IGNORECASE,
    )


@lru_cache(maxsize=256)
def countable_text(text: str, *, composer: bool = False) -> str:
    """`text` with each link replaced by 23 x's and each remote mention by `@user`.

    `composer=True` follows the web composer, which also shortens links written
    without a scheme.
    """
    if "." not in text:
        return text
    replacements: list[tuple[int, int, str]] = [
        (url.start, url.end, _URL_PLACEHOLDER)
        for url in find_urls(text, mastodon=True, schemeless=composer)
    ]
    if "@" in text:
        for match in _remote_mention().finditer(text):
            if valid_domain(match["domain"]):
                replacements.append((match.start(), match.end(), "@" + match["user"]))
    return _rewrite(text, replacements)


def _rewrite(text: str, replacements: list[tuple[int, int, str]]) -> str:
    parts, position = [], 0
    for start, end, replacement in sorted(replacements):
        if start < position:
            continue  # overlaps an earlier entity: the first one wins
        parts += [text[position:start], replacement]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def mastodon_length(
    text: str, content_warning: str = "", *, composer: bool = False
) -> int:
    """Characters the server counts against its limit (500 unless the instance says)."""
    return grapheme_length(content_warning) + grapheme_length(
        countable_text(text, composer=composer)
    )
