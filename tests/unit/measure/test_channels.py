"""GA4's default channel grouping: one test per rule, plus the precedence between rules."""

from __future__ import annotations

import pytest

from tandem.measure import Channel, channel_group


@pytest.mark.parametrize(
    ("source", "medium", "campaign", "expected"),
    [
        ("(direct)", "(none)", None, Channel.DIRECT),
        ("(direct)", "(not set)", None, Channel.DIRECT),
        ("google", "cpc", "brand-cross-network-q4", Channel.CROSS_NETWORK),
        ("amazon", "cpc", None, Channel.PAID_SHOPPING),
        ("newsletter-partner", "paid", "summer-shopping", Channel.PAID_SHOPPING),
        ("google", "cpc", None, Channel.PAID_SEARCH),
        ("bing", "ppc", None, Channel.PAID_SEARCH),
        ("facebook", "paid-social", None, Channel.PAID_SOCIAL),
        ("linkedin", "retargeting", None, Channel.PAID_SOCIAL),
        ("youtube", "cpv", None, Channel.PAID_VIDEO),
        ("adnetwork", "banner", None, Channel.DISPLAY),
        ("adnetwork", "cpm", None, Channel.DISPLAY),
        ("podcast-network", "paid", None, Channel.PAID_OTHER),
        ("etsy.com", "referral", None, Channel.ORGANIC_SHOPPING),
        ("partner", "referral", "shop-the-look", Channel.ORGANIC_SHOPPING),
        ("l.facebook.com", "referral", None, Channel.ORGANIC_SOCIAL),
        ("mastodon", "social", None, Channel.ORGANIC_SOCIAL),
        ("anything", "social network", None, Channel.ORGANIC_SOCIAL),
        ("vimeo.com", "referral", None, Channel.ORGANIC_VIDEO),
        ("blog", "video-embed", None, Channel.ORGANIC_VIDEO),
        ("duckduckgo", "organic", None, Channel.ORGANIC_SEARCH),
        ("local-directory", "organic", None, Channel.ORGANIC_SEARCH),
        ("example.org", "referral", None, Channel.REFERRAL),
        ("partner-app", "app", None, Channel.REFERRAL),
        ("newsletter", "email", None, Channel.EMAIL),
        ("e-mail", "(not set)", None, Channel.EMAIL),
        ("partner", "affiliate", None, Channel.AFFILIATES),
        ("spotify-ads", "audio", None, Channel.AUDIO),
        ("sms", "(not set)", None, Channel.SMS),
        ("twilio", "sms", None, Channel.SMS),
        ("app", "web-push", None, Channel.MOBILE_PUSH),
        ("app", "mobile-alert", None, Channel.MOBILE_PUSH),
        ("app", "notification", None, Channel.MOBILE_PUSH),
        ("firebase", "(not set)", None, Channel.MOBILE_PUSH),
        ("somewhere", "flyer", None, Channel.UNASSIGNED),
        (None, None, None, Channel.UNASSIGNED),
    ],
)
def test_each_rule_assigns_its_channel(source, medium, campaign, expected):
    assert channel_group(source, medium, campaign) is expected


def test_matching_ignores_case_and_surrounding_spaces():
    assert channel_group(" Google ", "CPC") is Channel.PAID_SEARCH
    assert channel_group("Facebook.com", "Social") is Channel.ORGANIC_SOCIAL


def test_a_paid_medium_on_a_social_site_is_paid_social_not_organic():
    assert channel_group("instagram", "cpc") is Channel.PAID_SOCIAL
    assert channel_group("instagram", "social") is Channel.ORGANIC_SOCIAL


def test_display_wins_over_paid_other_and_social_source_wins_over_display():
    assert channel_group("unknown", "display") is Channel.DISPLAY
    assert (
        channel_group("facebook", "cpm") is Channel.PAID_SOCIAL
    )  # "cpm" matches .*cp.*


def test_the_shop_pattern_needs_a_word_start():
    # ^(.*(([^a-df-z]|^)shop|shopping).*)$: "eshop" matches ("e" is allowed before shop),
    # "workshop" does not ("k" is in a-d/f-z).
    assert channel_group("partner", "referral", "eshop-launch") is (
        Channel.ORGANIC_SHOPPING
    )
    assert channel_group("partner", "referral", "workshop-2026") is Channel.REFERRAL


def test_tracked_link_platforms_land_where_links_docs_say():
    from tandem.links import CHANNELS

    for channel in CHANNELS.values():
        assert channel_group(channel.source, channel.medium) == channel.ga4_channel
