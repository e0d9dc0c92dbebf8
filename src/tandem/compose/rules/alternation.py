"""Regex alternations of many literal words, compiled as a trie.

A plain `a|b|c` of 1,500 top-level domains makes the regex engine try every word in
turn at every candidate position; a trie shares prefixes, so a match costs one step per
character. At each node longer continuations come first, so the engine prefers the
longest word and still backtracks to shorter ones when what follows does not fit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_Trie = dict[str, "_Trie"]
_END = ""  # marks a node where a word ends; no real key is empty


def trie_pattern(words: Iterable[str]) -> str:
    """A regex (no capturing groups) matching any of `words`, longest first."""
    root: _Trie = {}
    for word in words:
        if not word:
            continue
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[_END] = {}
    return _node_pattern(root)


def _node_pattern(node: _Trie) -> str:
    branches = [
        re.escape(char) + _node_pattern(child)
        for char, child in sorted(node.items())
        if char != _END
    ]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END not in node:
        return body
    return body + "?" if len(body) == 1 else f"(?:{body})?"
