"""Visitor ids never hold an IP; bots, prefetches and automated browsers are filtered."""

from __future__ import annotations

from tandem.measure import FilterReason, Request, contact_id, filter_reason
from tandem.measure.privacy import (
    consented_visitor,
    cookieless_visitor,
    truncate_ip,
)

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def test_ips_are_truncated_to_their_network():
    assert truncate_ip("203.0.113.77") == "203.0.113.0"
    assert truncate_ip("2001:db8:abcd:12:1:2:3:4") == "2001:db8:abcd::"
    assert truncate_ip("not an ip") == ""
    assert truncate_ip(None) == ""


def test_the_cookieless_id_changes_with_the_salt_and_hides_the_address():
    a = cookieless_visitor(b"day1", site_id="s", user_agent=FIREFOX, ip="203.0.113.77")
    same_network = cookieless_visitor(
        b"day1", site_id="s", user_agent=FIREFOX, ip="203.0.113.5"
    )
    next_day = cookieless_visitor(
        b"day2", site_id="s", user_agent=FIREFOX, ip="203.0.113.77"
    )
    other_site = cookieless_visitor(
        b"day1", site_id="t", user_agent=FIREFOX, ip="203.0.113.77"
    )
    assert a == same_network
    assert len({a, next_day, other_site}) == 3
    assert "203" not in a and a.startswith("h_")


def test_only_well_formed_consented_ids_are_used():
    assert consented_visitor("0123456789abcdef0123456789abcdef") == (
        "v_0123456789abcdef0123456789abcdef"
    )
    assert consented_visitor("short") is None
    assert consented_visitor("has spaces in it!") is None
    assert consented_visitor(None) is None


def test_contact_ids_are_pseudonyms_stable_per_workspace():
    assert contact_id("ws1", " Ann@Example.com ") == contact_id(
        "ws1", "ann@example.com"
    )
    assert contact_id("ws1", "ann@example.com") != contact_id("ws2", "ann@example.com")
    assert contact_id("ws1", "Customer-42") != contact_id("ws1", "customer-42")
    assert "ann" not in contact_id("ws1", "ann@example.com")


def _request(**kw: object) -> Request:
    values: dict[str, object] = {"user_agent": FIREFOX, "ip": "1.2.3.4", "origin": None}
    values.update(kw)
    return Request(**values)  # type: ignore[arg-type]


def test_a_browser_is_counted():
    assert filter_reason(_request()) is None


def test_prefetch_and_prerender_headers_are_filtered():
    assert filter_reason(_request(purpose="prefetch")) is FilterReason.PREFETCH
    assert (
        filter_reason(_request(purpose="prefetch;prerender")) is FilterReason.PREFETCH
    )


def test_automated_browsers_are_filtered():
    assert filter_reason(_request(webdriver=True)) is FilterReason.HEADLESS
    headless = FIREFOX.replace("Firefox", "HeadlessChrome")
    assert filter_reason(_request(user_agent=headless)) is FilterReason.HEADLESS
    lighthouse = FIREFOX + " Chrome-Lighthouse"
    assert filter_reason(_request(user_agent=lighthouse)) is FilterReason.HEADLESS


def test_crawlers_and_missing_agents_are_filtered():
    googlebot = (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    )
    assert filter_reason(_request(user_agent=googlebot)) is FilterReason.USER_AGENT
    assert filter_reason(_request(user_agent="curl/8.5.0")) is FilterReason.USER_AGENT
    assert filter_reason(_request(user_agent="")) is FilterReason.NO_USER_AGENT
