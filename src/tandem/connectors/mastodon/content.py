"""Mastodon's status HTML -> the plain text the author typed.

Mastodon stores what the user typed but serves `content` as HTML: paragraphs for blank-line
separated blocks, `<br />` for single newlines, links wrapped in spans (`invisible` for the
scheme and the cut-off tail, `ellipsis` for the visible part), mentions and hashtags as links.
The worker's reconcile-by-fingerprint compares this text with what Tandem sent, so every
character the author typed has to come back: a link's whole text (invisible spans included),
entities unescaped. Source: app/lib/text_formatter.rb in mastodon/mastodon.

Known loss: a remote mention typed as `@user@host` comes back as `@user` (Mastodon renders
the short form); a post that starts with one cannot be matched by text alone.
"""

from __future__ import annotations

from html.parser import HTMLParser

_BLOCKS = frozenset({"p", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._current.append("\n")
        elif tag in _BLOCKS:
            self._flush()
        elif tag == "li" and self._current:
            self._current.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def _flush(self) -> None:
        text = "".join(self._current)
        self._current = []
        if text.strip():
            self.paragraphs.append(text.strip("\n"))

    def text(self) -> str:
        self.close()
        self._flush()
        return "\n\n".join(self.paragraphs)


def html_to_text(content: str) -> str:
    """Plain text of a status's HTML `content`: paragraphs -> a blank line, `<br>` -> a
    newline, links -> their full text, entities unescaped."""
    if "<" not in content and "&" not in content:
        return content
    collector = _TextCollector()
    collector.feed(content)
    return collector.text()
