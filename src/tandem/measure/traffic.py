"""Where a landing came from: UTM parameters, ad click ids, else the referrer, as GA4 does.

Order of evidence (GA4's, https://support.google.com/analytics/answer/10917952):
1. utm_* parameters on the landing URL (a missing source or medium is "(not set)");
2. an ad click id without UTM: gclid/gbraid/wbraid is google / cpc, msclkid bing / cpc;
3. the referrer: a search engine is <engine> / organic, any other site <host> / referral,
   a page of the same site is internal navigation (no new touch);
4. nothing: (direct) / (none).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from tandem.measure.channels import DIRECT_SOURCE, channel_group
from tandem.measure.model import Traffic
from tandem.measure.sources import SEARCH_SITES

MAX_VALUE = 100  # GA4 keeps 100 characters of a traffic-source value
UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")
CLICK_IDS = (
    ("gclid", "google"),
    ("gbraid", "google"),
    ("wbraid", "google"),
    ("msclkid", "bing"),
)
# Engines whose country and mobile hosts vary (google.com.mx, m.baidu.com): the label names
# the engine wherever it stands before the public suffix.
ENGINE_LABELS = frozenset(
    {
        "google",
        "bing",
        "yahoo",
        "baidu",
        "duckduckgo",
        "yandex",
        "ecosia",
        "naver",
        "daum",
        "seznam",
        "qwant",
        "startpage",
        "sogou",
        "brave",
    }
)
_HOST_PREFIXES = ("www.", "m.")
# Products of the same companies that are not search results: webmail is Referral in GA4.
NOT_SEARCH = frozenset(
    {"mail", "docs", "drive", "calendar", "sites", "groups", "accounts", "play", "ads"}
)


def host_of(url: str | None) -> str | None:
    """The lower-case host of `url`, or None when it has none (or is not a URL)."""
    try:
        host = urlsplit((url or "").strip()).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def _clean(value: str | None) -> str | None:
    text = (value or "").strip().lower()
    return text[:MAX_VALUE] or None


def search_engine(host: str) -> str | None:
    """The engine name GA4 reports as source for a search results host, else None."""
    bare = host
    for prefix in _HOST_PREFIXES:
        bare = bare.removeprefix(prefix)
    labels = bare.split(".")
    if labels[0] in NOT_SEARCH:
        return None
    if len(labels) >= 2:
        for label in labels[:-1]:
            if label in ENGINE_LABELS:
                return label
    if host in SEARCH_SITES or bare in SEARCH_SITES:
        return labels[0] if len(labels) > 1 else bare
    return None


def _from_query(url: str) -> Traffic | None:
    try:
        params = dict(parse_qsl(urlsplit(url).query, keep_blank_values=False))
    except ValueError:
        return None
    lowered = {k.lower(): v for k, v in params.items()}
    source, medium, campaign, content, term = (_clean(lowered.get(k)) for k in UTM)
    if source or medium or campaign:
        src = source or "(not set)"
        med = medium or "(not set)"
        return Traffic(
            src, med, channel_group(src, med, campaign), campaign, content, term
        )
    for name, engine in CLICK_IDS:
        if lowered.get(name):
            return Traffic(engine, "cpc", channel_group(engine, "cpc"))
    return None


def traffic_of(
    url: str, referrer: str | None, *, is_own_host: Callable[[str], bool]
) -> Traffic | None:
    """The traffic source of a page view; None for navigation inside the site.

    `is_own_host` says whether a referrer host belongs to the site (its allow-list), so a
    move from shop.example.com to example.com is not a referral.
    """
    tagged = _from_query(url)
    if tagged is not None:
        return tagged
    ref_host = host_of(referrer)
    if ref_host is None:
        return Traffic(DIRECT_SOURCE, "(none)", channel_group(DIRECT_SOURCE, "(none)"))
    if ref_host == host_of(url) or is_own_host(ref_host):
        return None
    engine = search_engine(ref_host)
    if engine is not None:
        return Traffic(engine, "organic", channel_group(engine, "organic"))
    source = ref_host.removeprefix("www.")[:MAX_VALUE]
    return Traffic(source, "referral", channel_group(source, "referral"))
