"""The UTM builder: GA4 conventions, destinations kept intact, unsafe URLs refused."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from tandem.core import InvalidInput
from tandem.links import (
    CHANNELS,
    Platform,
    build_tracked_url,
    check_destination,
    parse_platform,
    tracked_url,
    utm_value,
)

# GA4 default channel group, the two rules our platforms rely on:
# https://support.google.com/analytics/answer/9756891
ORGANIC_SOCIAL_MEDIUM = re.compile(
    r"^(social|social-network|social-media|sm|social network|social media)$"
)


def ga4_channel(source: str, medium: str) -> str:
    if ORGANIC_SOCIAL_MEDIUM.match(medium):
        return "Organic Social"
    if medium == "organic":
        return "Organic Search"
    return "Unassigned"


def utm(url: str) -> dict[str, str]:
    return {k: v for k, v in parse_qsl(urlsplit(url).query) if k.startswith("utm_")}


@pytest.mark.parametrize("platform", list(Platform))
def test_every_platform_lands_in_the_ga4_channel_it_documents(platform):
    channel = CHANNELS[platform]
    assert ga4_channel(channel.source, channel.medium) == channel.ga4_channel
    assert channel.source == channel.source.lower()


def test_social_platforms_land_in_organic_social_and_google_business_in_search():
    assert {p for p, c in CHANNELS.items() if c.ga4_channel != "Organic Social"} == {
        Platform.GOOGLE_BUSINESS
    }
    assert CHANNELS[Platform.GOOGLE_BUSINESS].source == "google"
    assert CHANNELS[Platform.GOOGLE_BUSINESS].medium == "organic"


@pytest.mark.parametrize(
    ("alias", "platform"),
    [
        ("twitter", Platform.X),
        ("X", Platform.X),
        ("bsky.app", Platform.BLUESKY),
        ("Google Business Profile", Platform.GOOGLE_BUSINESS),
        (" Instagram ", Platform.INSTAGRAM),
    ],
)
def test_platform_aliases_resolve_to_one_platform(alias, platform):
    assert parse_platform(alias) is platform


def test_an_unknown_platform_is_refused_naming_the_field():
    with pytest.raises(InvalidInput) as caught:
        parse_platform("myspace")
    assert caught.value.field == "platform"


def test_it_tags_a_plain_destination_for_a_platform_and_campaign():
    url = build_tracked_url(
        "https://acme.test/spring",
        platform="linkedin",
        campaign="Spring Sale 2026",
        content="Carousel A",
    )
    assert url == (
        "https://acme.test/spring?utm_source=linkedin&utm_medium=social"
        "&utm_campaign=spring-sale-2026&utm_content=carousel-a"
    )


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Spring Sale", "spring-sale"),
        ("spring_sale", "spring-sale"),
        ("  Spring -- Sale!! ", "spring-sale"),
        ("Q4/2026: launch", "q4-2026-launch"),
        ("v1.2", "v1.2"),
        ("ÉTÉ Soldes", "été-soldes"),
        ("ｆｕｌｌwidth", "fullwidth"),  # NFKC folds compatibility forms
    ],
)
def test_values_are_lower_case_with_single_hyphens(raw, value):
    assert utm_value(raw, field="campaign_key") == value


def test_term_is_added_only_when_given():
    without = build_tracked_url("https://acme.test/", platform="x", campaign="c")
    with_term = build_tracked_url(
        "https://acme.test/", platform="x", campaign="c", term="Running Shoes"
    )
    assert "utm_term" not in without
    assert utm(with_term)["utm_term"] == "running-shoes"


def test_existing_query_parameters_and_fragment_are_kept_verbatim():
    url = build_tracked_url(
        "https://acme.test/p?id=7&ref=a%20b&flag&tag=1&tag=2#reviews",
        platform="instagram",
        campaign="launch",
    )
    assert url == (
        "https://acme.test/p?id=7&ref=a%20b&flag&tag=1&tag=2"
        "&utm_source=instagram&utm_medium=social&utm_campaign=launch#reviews"
    )


def test_existing_utm_parameters_are_replaced_not_duplicated():
    url = build_tracked_url(
        "https://acme.test/?utm_source=newsletter&UTM_MEDIUM=email&utm_id=42&a=1"
        "&utm%5Fcampaign=old",
        platform="bluesky",
        campaign="new",
    )
    query = urlsplit(url).query
    assert query == "a=1&utm_source=bluesky&utm_medium=social&utm_campaign=new"


def test_unicode_values_are_percent_encoded_as_utf8():
    url = build_tracked_url(
        "https://acme.test/", platform="threads", campaign="Été 2026", content="日本"
    )
    assert "utm_campaign=%C3%A9t%C3%A9-2026" in url
    assert "utm_content=%E6%97%A5%E6%9C%AC" in url
    assert utm(url)["utm_campaign"] == "été-2026"
    assert url.isascii()


def test_an_idn_host_becomes_punycode_and_a_unicode_path_is_encoded():
    url = build_tracked_url(
        "https://Bücher.example/straße?q=ä#Überblick",
        platform="facebook",
        campaign="books",
    )
    assert url.startswith("https://xn--bcher-kva.example/stra%C3%9Fe?q=%C3%A4&")
    assert url.endswith("#%C3%9Cberblick")
    assert url.isascii()


def test_a_bare_host_gets_a_root_path_and_keeps_its_port():
    assert check_destination("HTTP://Acme.TEST:8080") == "http://acme.test:8080/"
    assert check_destination("https://[2001:db8::1]/x") == "https://[2001:db8::1]/x"


@pytest.mark.parametrize(
    "destination",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)//https://acme.test",
        "data:text/html,<script>alert(1)</script>",
        "ftp://acme.test/file",
        "mailto:someone@acme.test",
        "//evil.test/path",
        "/relative/path",
        "acme.test/no-scheme",
        "https://user:secret@acme.test/",
        "https://user@acme.test/",
        "https://acme.test\\@evil.test/",
        "https:///no-host",
        "https://acme.test/\r\nSet-Cookie: x=1",
        "https://acme.test:99999/",
        "",
        "   ",
    ],
)
def test_unsafe_or_invalid_destinations_are_refused_naming_the_field(destination):
    with pytest.raises(InvalidInput) as caught:
        build_tracked_url(destination, platform="x", campaign="c")
    assert caught.value.field == "destination"


def test_credentials_are_refused_with_a_clear_message():
    with pytest.raises(InvalidInput, match="user name or password"):
        check_destination("https://admin:hunter2@acme.test/")


def test_a_missing_campaign_is_refused_naming_the_campaign_key():
    with pytest.raises(InvalidInput) as caught:
        build_tracked_url("https://acme.test/", platform="x", campaign=" !! ")
    assert caught.value.field == "campaign_key"


@pytest.mark.parametrize("field", ["campaign", "content", "term"])
def test_values_longer_than_ga4_keeps_are_refused(field):
    values = {"campaign": "c", "content": None, "term": None, field: "a" * 101}
    with pytest.raises(InvalidInput) as caught:
        tracked_url("https://acme.test/", platform="x", **values)
    assert caught.value.field == {"campaign": "campaign_key"}.get(field, field)


def test_a_preview_reports_tags_platform_and_channel():
    built = tracked_url(
        "https://acme.test/", platform="twitter", campaign="Launch", content="v-1"
    )
    assert built.platform is Platform.X
    assert (built.tags.source, built.tags.medium) == ("x", "social")
    assert built.channel == "Organic Social"
    assert utm(built.url) == {
        "utm_source": "x",
        "utm_medium": "social",
        "utm_campaign": "launch",
        "utm_content": "v-1",
    }
