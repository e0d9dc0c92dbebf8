"""LinkedIn's "little text" format for post commentary.

The Posts API parses `commentary` as little text: `\\ | { } @ [ ] ( ) < > # * _ ~` are
reserved and must be escaped with a backslash, or the post is cut or refused. Hashtags are
written as the template `{hashtag|\\#|word}` so they stay hashtags after escaping.
https://learn.microsoft.com/linkedin/marketing/community-management/shares/little-text-format
"""

from __future__ import annotations

import re

RESERVED = frozenset("\\|{}@[]()<>#*_~")
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_TEMPLATE = re.compile(r"\{hashtag\|\\#\|([^}]*)\}")
_MENTION = re.compile(r"@\[((?:\\.|[^\]\\])*)\]\((urn:li:[^)]*)\)")
_ESCAPED = re.compile(r"\\([\\|{}@\[\]()<>#*_~])")


def _escape_plain(text: str) -> str:
    return "".join("\\" + char if char in RESERVED else char for char in text)


def escape(text: str) -> str:
    """`text` as little text: reserved characters escaped, `#word` as a hashtag."""
    out, last = [], 0
    for match in _HASHTAG.finditer(text):
        out.append(_escape_plain(text[last : match.start()]))
        out.append("{hashtag|\\#|" + _escape_plain(match.group(1)) + "}")
        last = match.end()
    out.append(_escape_plain(text[last:]))
    return "".join(out)


def unescape(text: str) -> str:
    """Little text back to what a reader sees: hashtags as `#word`, mentions as the name,
    escapes removed. `unescape(escape(t)) == t` for any `t`."""
    text = _TEMPLATE.sub(lambda m: "\\#" + m.group(1), text)
    text = _MENTION.sub(lambda m: m.group(1), text)
    return _ESCAPED.sub(r"\1", text)
