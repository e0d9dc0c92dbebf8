"""Bot, link-preview and prefetch detection: redirected, recorded, never counted as clicks."""

from __future__ import annotations

import pytest

from tandem.links import BotReason, Visit, bot_reason, user_agent_family
from tandem.links.actions import referrer_host

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
EDGE = CHROME + " Edg/131.0.2903.86"
SAMSUNG = (
    "Mozilla/5.0 (Linux; Android 14; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36"
)

BOTS = [
    ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "Slackbot"),
    ("Twitterbot/1.0", "Twitterbot"),
    (
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "facebookexternalhit",
    ),
    (
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "LinkedInBot",
    ),
    ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "Discordbot"),
    ("TelegramBot (like TwitterBot)", "TelegramBot"),
    ("WhatsApp/2.23.20.0", "WhatsApp"),
    ("http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/)", "Mastodon"),
    (
        "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
        "Bluesky Cardyb",
    ),
    (
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Googlebot",
    ),
    ("curl/8.5.0", "curl"),
    ("python-requests/2.32.3", "python-requests"),
    ("SomeNewCrawler/0.1", "Other bot"),
]


@pytest.mark.parametrize(("agent", "family"), BOTS)
def test_known_bots_and_preview_fetchers_are_bots(agent, family):
    assert bot_reason(Visit("GET", agent, None)) is BotReason.USER_AGENT
    assert user_agent_family(agent) == family


@pytest.mark.parametrize(
    ("agent", "family"),
    [
        (CHROME, "Chrome"),
        (IPHONE_SAFARI, "Safari"),
        (FIREFOX, "Firefox"),
        (EDGE, "Edge"),
        (SAMSUNG, "Samsung Internet"),
    ],
)
def test_browsers_are_people_and_get_a_coarse_family(agent, family):
    assert bot_reason(Visit("GET", agent, "https://t.co/")) is None
    assert user_agent_family(agent) == family


@pytest.mark.parametrize(
    "purpose", ["prefetch", "prefetch;prerender", "prefetch;anonymous-client-ip"]
)
def test_prefetches_are_not_clicks(purpose):
    assert bot_reason(Visit("GET", CHROME, None, purpose)) is BotReason.PREFETCH


def test_safari_previews_and_legacy_purpose_headers_are_not_clicks():
    assert (
        bot_reason(Visit("GET", IPHONE_SAFARI, None, "preview")) is BotReason.PREFETCH
    )
    assert bot_reason(Visit("GET", CHROME, None, "Prefetch")) is BotReason.PREFETCH


def test_head_requests_are_not_clicks_even_from_a_browser():
    assert bot_reason(Visit("HEAD", CHROME, None)) is BotReason.HEAD


@pytest.mark.parametrize("agent", [None, "", "   "])
def test_a_request_without_user_agent_is_a_bot(agent):
    assert bot_reason(Visit("GET", agent, None)) is BotReason.NO_USER_AGENT
    assert user_agent_family(agent) == "None"


def test_an_unknown_agent_that_is_no_bot_counts_and_is_reported_as_other():
    assert bot_reason(Visit("GET", "SomeBrowser/1.0", None)) is None
    assert user_agent_family("SomeBrowser/1.0") == "Other"


@pytest.mark.parametrize(
    ("referrer", "host"),
    [
        (
            "https://www.linkedin.com/feed/update/urn:li:activity:1/?x=secret",
            "www.linkedin.com",
        ),
        ("https://mail.example.com/inbox/12345#message", "mail.example.com"),
        ("android-app://com.slack/", "com.slack"),
        ("not a url", None),
        ("http://[::1", None),
        (None, None),
        ("", None),
    ],
)
def test_only_the_host_of_the_referrer_is_kept(referrer, host):
    assert referrer_host(referrer) == host
