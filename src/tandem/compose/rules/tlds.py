"""Top-level domains that make text a link.

Source: the Public Suffix List's ICANN section as shipped by the `publicsuffixlist`
package (https://publicsuffix.org/list/, MPL-2.0), read from the installed package on
first use. The last label of every ICANN rule is a delegated TLD; internationalised
ones are added in their `xn--` form too, as twitter-text lists both.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from tandem.compose.rules.alternation import trie_pattern

_PACKAGE = "publicsuffixlist"
_FILE = "public_suffix_list.dat"


@cache
def top_level_domains() -> frozenset[str]:
    """Every ICANN top-level domain, lower case, Unicode and punycode forms."""
    text = resources.files(_PACKAGE).joinpath(_FILE).read_text(encoding="utf-8")
    icann = text.split("===BEGIN ICANN DOMAINS===", 1)[1].split("===END ICANN", 1)[0]
    found: set[str] = set()
    for line in icann.splitlines():
        rule = line.strip()
        if not rule or rule.startswith("//"):
            continue
        tld = rule.lstrip("!*.").rsplit(".", 1)[-1].lower()
        found.add(tld)
        if not tld.isascii():
            found.add("xn--" + tld.encode("punycode").decode("ascii"))
    return frozenset(found)


@cache
def tld_pattern() -> str:
    """A regex matching any top-level domain (compile it case-insensitively)."""
    return trie_pattern(sorted(top_level_domains()))
