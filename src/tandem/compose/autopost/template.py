"""Post text from a feed entry: the template, hashtags from categories, and fitting the text to
one platform by shortening the summary first (then the hashtags, then the title), so an
auto-post is never an invalid post and never an unexpected thread.

Pure: the platform arrives as a `Target`, exactly as the composer's tailoring receives it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tandem.compose.autopost.model import TEMPLATE_FIELDS, Entry
from tandem.compose.tailor import Target, fit
from tandem.core import InvalidInput

TEMPLATE_MAX = 2000
HASHTAGS_MAX = 5  # more reads as spam on every platform, whatever its hard limit
_VARIABLE = re.compile(r"\{([^{}]*)\}")
_NOT_WORD = re.compile(r"[^\w]+", re.UNICODE)
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_CONTENT_FIELDS = ("title", "summary", "link")


def check_template(template: str) -> str:
    """The template, cleaned; InvalidInput (field "template") says what to fix."""
    text = template.replace("\r\n", "\n").strip()
    names = ", ".join("{" + f + "}" for f in TEMPLATE_FIELDS)
    if not text:
        raise InvalidInput(
            f"Write a template, for example “{{title}} {{link}}”; it may use {names}.",
            field="template",
        )
    if len(text) > TEMPLATE_MAX:
        raise InvalidInput(
            f"Keep the template under {TEMPLATE_MAX} characters (it has {len(text)}).",
            field="template",
        )
    used = _VARIABLE.findall(text)
    unknown = [u for u in used if u not in TEMPLATE_FIELDS]
    if unknown:
        raise InvalidInput(
            f"The template uses {{{unknown[0]}}}, which Tandem does not know; use {names}.",
            field="template",
        )
    if not any(u in _CONTENT_FIELDS for u in used):
        raise InvalidInput(
            "The template needs {title}, {summary} or {link}: without one every post "
            "would be the same, and platforms refuse duplicate posts.",
            field="template",
        )
    return text


def hashtags(categories: tuple[str, ...], limit: int | None = None) -> list[str]:
    """Categories as hashtags: "open source" -> #OpenSource; duplicates and numbers dropped."""
    out: list[str] = []
    seen: set[str] = set()
    cap = HASHTAGS_MAX if limit is None else min(limit, HASHTAGS_MAX)
    for category in categories:
        words = [w for w in _NOT_WORD.split(category) if w]
        tag = "".join(w[:1].upper() + w[1:] for w in words).replace("_", "")
        if not tag or tag.isdigit() or tag.lower() in seen:
            continue
        seen.add(tag.lower())
        out.append("#" + tag)
        if len(out) >= cap:
            break
    return out


def render(template: str, values: Mapping[str, str]) -> str:
    """Substitute {name} variables. Not str.format: a feed or a template must never reach
    attribute lookups such as {0.__class__}."""
    text = _VARIABLE.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    text = _TRAILING_SPACE.sub("\n", text.replace("\r\n", "\n"))
    return _MANY_BLANK_LINES.sub("\n\n", text).strip()


@dataclass(frozen=True)
class Fitted:
    text: str
    notes: tuple[str, ...]


def with_link(template: str, link: str) -> str:
    """A template without {link} still carries the entry's link at the end, as the composer
    would append it; so the fitting below counts it."""
    if link and "{link}" not in template:
        return template + "\n\n{link}"
    return template


def fit_entry(template: str, entry: Entry, *, link: str, target: Target) -> Fitted:
    """The template filled with `entry` (with `link`, usually the tracked short link) that fits
    `target` in one post: the summary is shortened at a sentence or word first, then hashtags
    dropped from the end, then the title shortened. What was done is said in `notes`."""
    template = with_link(template, link)
    tags = hashtags(entry.categories, target.hashtag_limit)
    values = {
        "title": entry.title,
        "link": link,
        "summary": entry.summary,
        "author": entry.author,
        "hashtags": " ".join(tags),
    }

    def fits(text: str) -> bool:
        return target.measure(text) <= target.limit

    def assemble(**changes: str) -> str:
        return render(template, {**values, **changes})

    text = assemble()
    if fits(text):
        return Fitted(text, ())
    notes: list[str] = []
    if "{summary}" in template and entry.summary:
        shorter, _ = fit(entry.summary, target, lambda s: assemble(summary=s))
        if shorter is not None:
            notes.append(f"Shortened the summary to fit {target.limit}.")
            return Fitted(assemble(summary=shorter), tuple(notes))
        values["summary"] = ""
        notes.append(f"Left out the summary to fit {target.limit}.")
        if fits(text := assemble()):
            return Fitted(text, tuple(notes))
    while tags:
        tags.pop()
        values["hashtags"] = " ".join(tags)
        if fits(text := assemble()):
            notes.append("Dropped hashtags to fit.")
            return Fitted(text, tuple(notes))
    if "{title}" in template and entry.title:
        shorter, _ = fit(entry.title, target, lambda t: assemble(title=t))
        if shorter is not None:
            notes.append("Shortened the title to fit.")
            return Fitted(assemble(title=shorter), tuple(notes))
    notes.append(f"Still longer than {target.limit}: shorten the template.")
    return Fitted(assemble(), tuple(notes))


def master_text(template: str, entry: Entry) -> str:
    """The brief's own text: the template with the entry's raw link and full summary."""
    return render(
        with_link(template, entry.link),
        {
            "title": entry.title,
            "link": entry.link,
            "summary": entry.summary,
            "author": entry.author,
            "hashtags": " ".join(hashtags(entry.categories)),
        },
    )
