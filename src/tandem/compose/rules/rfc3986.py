"""Whether a string is one well-formed http(s) URL (RFC 3986), as twitter-text judges it.

twitter-text's validator extends RFC 3986 in two ways kept here: Cyrillic letters count
as unreserved characters, and a host may be an unencoded internationalised domain.
Subdomains may hold `_`; the registered domain and the TLD may not.
"""

from __future__ import annotations

import re

_UNRESERVED = r"[a-z\u0400-\u04ff0-9\-._~]"
_PCT_ENCODED = r"%[0-9a-f]{2}"
_SUB_DELIMS = r"[!$&'()*+,;=]"
_PCHAR = rf"(?:{_UNRESERVED}|{_PCT_ENCODED}|{_SUB_DELIMS}|[:@])"

_SPLIT = re.compile(
    r"(?:([^:/?#]+)://)?([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?", re.S
)
_SCHEME = re.compile(r"https?", re.IGNORECASE)
_PATH = re.compile(rf"(?:/{_PCHAR}*)*", re.IGNORECASE)
_QUERY = re.compile(rf"(?:{_PCHAR}|[/?])*", re.IGNORECASE)

_DEC_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]|[0-9])"
_IPV4 = rf"(?:{_DEC_OCTET}(?:\.{_DEC_OCTET}){{3}})"
_IPV6 = r"(?:\[[a-f0-9:.]+\])"


def _domain(alnum: str) -> str:
    subdomain = rf"(?:{alnum}(?:(?:{alnum}|[_\-])*{alnum})?)"
    segment = rf"(?:{alnum}(?:(?:{alnum}|-)*{alnum})?)"
    letter = alnum.replace("0-9", "")
    tld = rf"(?:{letter}(?:(?:{alnum}|-)*{alnum})?)"
    return rf"(?:(?:{subdomain}\.)*(?:{segment}\.){tld})"


_ASCII = "[a-z0-9]"
_UNICODE = r"[a-z0-9\u0080-\U0010ffff]"
_USERINFO = rf"(?:{_UNRESERVED}|{_PCT_ENCODED}|{_SUB_DELIMS}|:)*"


def _authority(domain: str) -> re.Pattern[str]:
    host = f"(?:{_IPV4}|{_IPV6}|{domain})"
    return re.compile(rf"(?:{_USERINFO}@)?{host}(?::[0-9]*)?", re.IGNORECASE)


_AUTHORITY = _authority(_domain(_ASCII))
_UNICODE_AUTHORITY = _authority(_domain(_UNICODE))


def is_valid_url(
    url: str, *, unicode_domains: bool = True, require_scheme: bool = True
) -> bool:
    """True when `url` as a whole is an http(s) URL (its scheme optional on request)."""
    parts = _SPLIT.fullmatch(url) if url else None
    if parts is None:
        return False
    scheme, authority, path, query, fragment = parts.groups()
    if require_scheme and not (scheme and _SCHEME.fullmatch(scheme)):
        return False
    if not _PATH.fullmatch(path):
        return False
    if any(
        part is not None and not _QUERY.fullmatch(part) for part in (query, fragment)
    ):
        return False
    pattern = _UNICODE_AUTHORITY if unicode_domains else _AUTHORITY
    return pattern.fullmatch(authority) is not None
