"""Landing URL + referrer -> source / medium / campaign / channel, as GA4 derives them."""

from __future__ import annotations

from tandem.measure import Channel, traffic_of


def own(host: str) -> bool:
    return host.endswith("example.com")


def test_utm_parameters_decide_and_are_lowercased():
    t = traffic_of(
        "https://example.com/?utm_source=Newsletter&utm_medium=Email&utm_campaign=Spring"
        "&utm_content=hero&utm_term=shoes",
        "https://www.google.com/",
        is_own_host=own,
    )
    assert t is not None
    assert (t.source, t.medium, t.campaign, t.content, t.term) == (
        "newsletter",
        "email",
        "spring",
        "hero",
        "shoes",
    )
    assert t.channel == Channel.EMAIL


def test_a_missing_utm_medium_is_not_set():
    t = traffic_of("https://example.com/?utm_source=partner", None, is_own_host=own)
    assert t is not None and (t.source, t.medium) == ("partner", "(not set)")
    assert t.channel == Channel.UNASSIGNED


def test_google_ads_click_ids_without_utm_are_paid_search():
    t = traffic_of("https://example.com/?gclid=abc", None, is_own_host=own)
    assert t is not None and (t.source, t.medium, t.channel) == (
        "google",
        "cpc",
        Channel.PAID_SEARCH,
    )
    t = traffic_of("https://example.com/?msclkid=abc", None, is_own_host=own)
    assert t is not None and t.source == "bing"


def test_no_referrer_and_no_tags_is_direct():
    t = traffic_of("https://example.com/pricing", None, is_own_host=own)
    assert t is not None and t.channel == Channel.DIRECT
    assert (t.source, t.medium) == ("(direct)", "(none)")


def test_search_engine_referrers_are_organic_search_under_the_engine_name():
    for referrer, engine in [
        ("https://www.google.com.mx/", "google"),
        ("https://www.bing.com/search?q=x", "bing"),
        ("https://duckduckgo.com/", "duckduckgo"),
        ("https://search.yahoo.com/", "yahoo"),
    ]:
        t = traffic_of("https://example.com/", referrer, is_own_host=own)
        assert t is not None and (t.source, t.medium) == (engine, "organic"), referrer
        assert t.channel == Channel.ORGANIC_SEARCH


def test_webmail_is_a_referral_not_a_search():
    t = traffic_of("https://example.com/", "https://mail.google.com/", is_own_host=own)
    assert t is not None and t.channel == Channel.REFERRAL


def test_social_referrers_are_organic_social_by_host():
    t = traffic_of(
        "https://example.com/", "https://l.facebook.com/l.php", is_own_host=own
    )
    assert t is not None and (t.source, t.channel) == (
        "l.facebook.com",
        Channel.ORGANIC_SOCIAL,
    )
    t = traffic_of("https://example.com/", "https://t.co/abc", is_own_host=own)
    assert t is not None and t.channel == Channel.ORGANIC_SOCIAL


def test_other_sites_are_referrals_without_www():
    t = traffic_of(
        "https://example.com/", "https://www.blog.test/post", is_own_host=own
    )
    assert t is not None and (t.source, t.medium, t.channel) == (
        "blog.test",
        "referral",
        Channel.REFERRAL,
    )


def test_navigation_inside_the_site_is_not_a_touch():
    assert (
        traffic_of("https://example.com/b", "https://example.com/a", is_own_host=own)
        is None
    )
    assert (
        traffic_of("https://example.com/", "https://shop.example.com/", is_own_host=own)
        is None
    )
