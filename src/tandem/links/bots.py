"""Which requests for a short link are not a person clicking it.

They are still redirected (a preview card needs the destination), but recorded as bots and
left out of click counts. Signals, strongest first:
- HEAD asks whether a link works; browsers never follow a link with it;
- prefetch headers: `Sec-Purpose: prefetch` (Fetch standard; values start with "prefetch",
  e.g. "prefetch;prerender": https://developer.mozilla.org/docs/Web/HTTP/Headers/Sec-Purpose),
  the legacy `Purpose: prefetch` Chrome still sends for <link rel=prefetch>, Safari's
  `X-Purpose: preview` and old Firefox's `X-Moz: prefetch`;
- the user agent: link-preview fetchers of the networks we post to, search crawlers, HTTP
  libraries, and anything calling itself a bot, crawler or spider;
- no user agent at all: every browser sends one.
"""

from __future__ import annotations

from tandem.links.model import BotReason, Visit

# (lower-case substring of the User-Agent, family reported). First match wins, so specific
# names come before the generic words at the end.
BOT_AGENTS: tuple[tuple[str, str], ...] = (
    (
        "telegrambot",
        "TelegramBot",
    ),  # "TelegramBot (like TwitterBot)": before Twitterbot
    (
        "facebookexternalhit",
        "facebookexternalhit",
    ),  # Facebook, Instagram, Threads cards
    ("facebot", "Facebot"),
    ("meta-externalagent", "Meta external agent"),
    ("twitterbot", "Twitterbot"),  # X cards
    ("linkedinbot", "LinkedInBot"),
    ("slackbot", "Slackbot"),  # "Slackbot-LinkExpanding 1.0"
    ("slack-imgproxy", "Slackbot"),
    ("discordbot", "Discordbot"),
    ("whatsapp", "WhatsApp"),
    ("skypeuripreview", "SkypeUriPreview"),  # Skype and Microsoft Teams
    ("mastodon", "Mastodon"),  # "http.rb/5.1.1 (Mastodon/4.2.0; +https://...)"
    ("cardyb", "Bluesky Cardyb"),  # Bluesky's card fetcher
    ("pinterest", "Pinterestbot"),
    ("redditbot", "Redditbot"),
    ("embedly", "Embedly"),
    ("iframely", "Iframely"),
    ("googlebot", "Googlebot"),
    ("google-inspectiontool", "Googlebot"),
    ("adsbot-google", "Googlebot"),
    ("bingbot", "Bingbot"),
    ("bingpreview", "Bingbot"),
    ("applebot", "Applebot"),
    ("duckduckbot", "DuckDuckBot"),
    ("yandexbot", "YandexBot"),
    ("baiduspider", "Baiduspider"),
    ("petalbot", "PetalBot"),
    ("gptbot", "GPTBot"),
    ("headlesschrome", "HeadlessChrome"),
    ("curl/", "curl"),
    ("wget/", "Wget"),
    ("python-requests", "python-requests"),
    ("python-httpx", "python-httpx"),
    ("python-urllib", "python-urllib"),
    ("aiohttp", "aiohttp"),
    ("go-http-client", "Go-http-client"),
    ("okhttp", "okhttp"),
    ("java/", "Java"),
    ("libwww-perl", "libwww-perl"),
    ("bot", "Other bot"),
    ("crawler", "Other bot"),
    ("spider", "Other bot"),
    ("preview", "Other bot"),
    ("fetcher", "Other bot"),
)

# Browsers, checked in order: Edge and Opera also say "Chrome", Chrome also says "Safari".
BROWSERS: tuple[tuple[str, str], ...] = (
    ("edg/", "Edge"),
    ("edga/", "Edge"),
    ("edgios/", "Edge"),
    ("opr/", "Opera"),
    ("samsungbrowser/", "Samsung Internet"),
    ("firefox/", "Firefox"),
    ("fxios/", "Firefox"),
    ("crios/", "Chrome"),
    ("chrome/", "Chrome"),
    ("safari/", "Safari"),
)

PREFETCH_PURPOSES = ("prefetch", "prerender", "preview")
MAX_FAMILY = 64


def bot_agent(user_agent: str | None) -> str | None:
    """The bot family named by `user_agent`, or None when it looks like a browser."""
    agent = (user_agent or "").lower()
    for needle, family in BOT_AGENTS:
        if needle in agent:
            return family
    return None


def user_agent_family(user_agent: str | None) -> str:
    """A coarse family ("Firefox", "Slackbot"): never the full string, which fingerprints."""
    if not (user_agent or "").strip():
        return "None"
    bot = bot_agent(user_agent)
    if bot:
        return bot
    agent = (user_agent or "").lower()
    for needle, family in BROWSERS:
        if needle in agent:
            return family
    return "Other"


def is_prefetch(purpose: str | None) -> bool:
    value = (purpose or "").lower()
    return any(word in value for word in PREFETCH_PURPOSES)


def bot_reason(visit: Visit) -> BotReason | None:
    """Why `visit` is not a person clicking, or None when it is one."""
    if visit.method.upper() == "HEAD":
        return BotReason.HEAD
    if is_prefetch(visit.purpose):
        return BotReason.PREFETCH
    if not (visit.user_agent or "").strip():
        return BotReason.NO_USER_AGENT
    if bot_agent(visit.user_agent):
        return BotReason.USER_AGENT
    return None
