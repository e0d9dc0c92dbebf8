"""Feed bytes -> entries: RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom through feedparser.

feedparser only ever sees bytes we fetched (it is never asked to fetch a URL itself, so every
request goes through Tandem's guarded HTTP client). Summaries arrive as sanitised HTML and
leave as plain text, because social posts are plain text.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser
from time import struct_time
from typing import Any

import feedparser  # type: ignore[import-untyped]  # ships no type information

from tandem.compose.autopost.model import Entry, ParsedFeed
from tandem.core import InvalidInput

_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}
_BLOCKS |= {"blockquote", "pre", "tr", "table", "figure", "section", "article"}
_SKIPPED = {"script", "style", "figcaption"}


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.chunks.append(data)


def plain_text(value: str) -> str:
    """Sanitised HTML (or plain text) -> readable plain text with paragraph breaks kept."""
    if "<" not in value:
        text = unescape(value)
    else:
        parser = _TextOnly()
        parser.feed(value)
        parser.close()
        text = "".join(parser.chunks)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _when(parsed: Any) -> datetime | None:
    if isinstance(
        parsed, struct_time
    ):  # feedparser normalises every date format to UTC
        return datetime(*parsed[:6], tzinfo=UTC)
    return None


def _http_link(value: object) -> str:
    link = str(value or "").strip()
    return link if link.lower().startswith(("http://", "https://")) else ""


def dedup_key(*, guid: str, link: str, title: str, date: str) -> str:
    """The entry's identity across polls: its id/guid, else its link, else hash(title+date).

    The guid wins because publishers edit titles and links but keep it; a title edit must not
    look like a new entry."""
    if guid.strip():
        return "id:" + guid.strip()
    if link.strip():
        return "link:" + link.strip()
    digest = hashlib.sha256(f"{title.strip()}\n{date.strip()}".encode()).hexdigest()
    return "hash:" + digest


def _entry(raw: Any) -> Entry:
    title = plain_text(str(raw.get("title", "")))
    link = _http_link(raw.get("link"))
    summary_raw = raw.get("summary") or ""
    if not summary_raw and raw.get("content"):
        summary_raw = raw["content"][0].get("value", "")
    categories = tuple(
        dict.fromkeys(
            str(tag.get("term") or tag.get("label") or "").strip()
            for tag in raw.get("tags", ())
            if (tag.get("term") or tag.get("label"))
        )
    )
    published = _when(raw.get("published_parsed")) or _when(raw.get("updated_parsed"))
    return Entry(
        key=dedup_key(
            guid=str(raw.get("id", "")),
            link=link,
            title=title,
            date=str(raw.get("published") or raw.get("updated") or ""),
        ),
        title=title,
        link=link,
        summary=plain_text(str(summary_raw)),
        author=plain_text(str(raw.get("author", ""))),
        categories=categories,
        published_at=published,
    )


def parse_feed(content: bytes, *, content_type: str = "") -> ParsedFeed:
    """Parse a feed document. Raises InvalidInput (field "url") when it is not a feed at all;
    a feed with recoverable errors is parsed and carries a warning."""
    headers = {"content-type": content_type} if content_type else None
    parsed = feedparser.parse(content, response_headers=headers)
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.get("version") and not parsed.entries:
        if problem is not None:
            detail = f" ({type(problem).__name__}: {problem})"
        else:
            detail = " (it looks like a web page or an empty document)"
        raise InvalidInput(
            "The URL did not answer with an RSS or Atom feed"
            + detail
            + ". Use the address of the feed itself, often ending in /feed, /rss or .xml.",
            field="url",
        )
    entries = tuple(_entry(raw) for raw in parsed.entries)
    warning = ""
    if problem is not None:
        warning = (
            f"The feed has errors ({type(problem).__name__}: {problem}); "
            f"{len(entries)} entries could still be read."
        )
    title = plain_text(str(parsed.feed.get("title", "")))
    return ParsedFeed(title=title, entries=entries, warning=warning)
