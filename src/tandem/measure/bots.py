"""Which collector requests are not a person viewing a page; they are answered, not stored.

The user-agent list of tracked links (tandem.links.bots) covers crawlers, link-preview
fetchers and HTTP libraries. The collector adds what only shows up when JavaScript runs:
automated browsers and monitors (they execute the snippet, preview fetchers do not):
- `navigator.webdriver` is true under WebDriver, Puppeteer and Playwright (W3C WebDriver
  section 6.1); the snippet sends it as `webdriver: true`;
- user agents naming a headless or scripted browser, or a performance monitor;
- a prerendered or prefetched page: `Sec-Purpose: prefetch` / `Purpose: prefetch`
  (the snippet also waits for `document.prerendering` to end before sending anything).
"""

from __future__ import annotations

from tandem.links.bots import bot_agent, is_prefetch
from tandem.measure.model import FilterReason, Request

HEADLESS_MARKERS = (
    "headless",  # HeadlessChrome, Firefox --headless builds that say so
    "phantomjs",
    "slimerjs",
    "puppeteer",
    "playwright",
    "selenium",
    "webdriver",
    "cypress",
    "electron/",  # scrapers built on Electron; the desktop apps do not load our snippet
    "lighthouse",  # Chrome-Lighthouse and PageSpeed Insights
    "gtmetrix",
    "pingdom",
    "uptimerobot",
    "datadogsynthetics",
    "checkly",
    "prerender",  # prerender.io and similar pre-rendering services
)


def is_headless(user_agent: str | None) -> bool:
    agent = (user_agent or "").lower()
    return any(marker in agent for marker in HEADLESS_MARKERS)


def filter_reason(request: Request) -> FilterReason | None:
    """Why this request is not counted, or None when it is a person's."""
    if is_prefetch(request.purpose):
        return FilterReason.PREFETCH
    if not (request.user_agent or "").strip():
        return FilterReason.NO_USER_AGENT
    if request.webdriver or is_headless(request.user_agent):
        return FilterReason.HEADLESS
    if bot_agent(request.user_agent):
        return FilterReason.USER_AGENT
    return None
