"""Measure end to end in a real browser: a visitor follows a tracked link to a small site
that loads Tandem's snippet from the live server, buys (a conversion with a value), the
ship job moves the events to the warehouse, and the conversion shows in the attribution
comparison page, credited to the link's channel by every model. Then a marketer changes the
Markov order (the URL and the credits follow) and saves a funnel, listed with its results."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest

from tandem.accounts import Role
from tandem.links.actions import create_link
from tandem.links.model import short_url
from tandem.measure import DuckDBRunner, create_site, ship_collected_events, store
from tandem.measure.comparison import MODELS, ModelParams, compare_models
from tandem.storage.warehouse import EventType, Warehouse, WarehouseEvent
from tandem.storage.warehouse_open import open_for_reading
from tests.browser.test_roles import sign_in
from tests.support.world import PERSONAS
from tests.web.conftest import make_settings

pytestmark = pytest.mark.browser

# Playwright sets navigator.webdriver and a HeadlessChrome user agent, which the collector
# rightly drops as a bot; this visitor presents as the desktop browser it stands in for.
DESKTOP = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/128.0.0.0 Safari/537.36"
)
NOT_AUTOMATED = "Object.defineProperty(navigator, 'webdriver', {get: () => false});"


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A static site on 127.0.0.1 (its own port); yields its directory and base URL."""
    root = tmp_path / "shop"
    root.mkdir()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    thread.join(timeout=10)


def _outbox(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return len(store.oldest(s, limit=100))


def test_a_tracked_click_and_a_purchase_show_in_the_attribution_comparison(
    browser, live_server, shop, db, world, tmp_path
):
    root, shop_url = shop
    with db.session() as s:
        site = create_site(
            s, workspace_id=world.acme.id, name="Shop", domains=["127.0.0.1"],
            clock=world.clock,
        )  # fmt: skip
        link = create_link(
            s, workspace_id=world.acme.id, destination=f"{shop_url}/landing.html",
            campaign_key="autumn", platform="mastodon", actor=None, clock=world.clock,
        )  # fmt: skip
    snippet = f'<script defer src="{live_server}/t.js" data-site="{site.key}"></script>'
    (root / "landing.html").write_text(
        f"<!doctype html><title>Shop</title>{snippet}<h1>Autumn sale</h1>"
        "<button id=buy onclick=\"tandem('conversion', {value: 42, currency: 'EUR', "
        "order_id: 'O-1'}); this.textContent = 'Thanks'\">Buy</button>"
    )
    (root / "post.html").write_text(
        f'<!doctype html><title>A post</title><a href="{short_url(live_server, link.code)}">Our sale</a>'
    )

    visitor = browser.new_context(user_agent=DESKTOP)
    visitor.add_init_script(NOT_AUTOMATED)
    page = visitor.new_page()
    page.goto(f"{shop_url}/post.html")
    page.get_by_role("link", name="Our sale").click()
    page.wait_for_url(f"{shop_url}/landing.html?*")
    assert "utm_source=" in page.url
    page.wait_for_function("typeof window.tandem === 'function'")
    page.get_by_role("button", name="Buy").click()
    page.get_by_role("button", name="Thanks").wait_for()
    deadline = time.monotonic() + 10
    while _outbox(db) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)  # beacons are asynchronous
    assert _outbox(db) == 2  # the landing pageview and the conversion
    visitor.close()

    settings = make_settings(tmp_path, base_url=live_server)
    with db.session() as s:
        ship_collected_events(
            SimpleNamespace(session=s, settings=settings, clock=world.clock), {}
        )
    assert _outbox(db) == 0

    analyst = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(analyst, live_server, PERSONAS[Role.MARKETER])
    analyst.goto(f"{live_server}/w/{world.acme.slug}/measure")
    analyst.get_by_role("link", name="Attribution").click()
    analyst.wait_for_url("**/measure/attribution")
    assert (
        analyst.locator("[data-totals]")
        .inner_text()
        .startswith("1 conversions worth 42.00")
    )
    row = analyst.locator("#attribution-table tr[data-channel='Organic Social']")
    for model, _ in MODELS:
        cell = row.locator(f"td[data-model='{model}']")
        assert cell.locator("[data-credit]").inner_text() == "1.00", model
        assert float(cell.get_attribute("data-value") or 0) == pytest.approx(42.0)
    analyst.locator("#attribution-models .plot-area .main-svg").first.wait_for()

    # More journeys, where Markov orders 1 and 2 credit Email differently.
    with Warehouse(tmp_path / "warehouse.duckdb") as warehouse:
        warehouse.append(_journeys(world.acme.id, world.clock.now()))
    expected = _markov_email(tmp_path / "warehouse.duckdb", world)
    assert expected[1] != expected[2]
    analyst.reload()
    email = analyst.locator(
        "#attribution-table tr[data-channel='Email'] td[data-model='markov'] [data-credit]"
    )
    assert email.inner_text() == f"{expected[1]:.2f}"
    analyst.get_by_label("Markov order").select_option("2")
    analyst.get_by_role("button", name="Apply").click()
    analyst.wait_for_url("**/measure/attribution?*order=2*")
    assert analyst.locator("#attribution-table").get_attribute("data-order") == "2"
    assert email.inner_text() == f"{expected[2]:.2f}"

    analyst.get_by_role("link", name="Funnels").click()
    analyst.wait_for_url("**/measure/funnels*")
    analyst.get_by_text("Save a new funnel").click()
    analyst.get_by_label("Name").fill("Landing to purchase")
    analyst.get_by_label("Step 1 kind").select_option("url")
    analyst.get_by_label("Step 1 value").fill("*/landing.html*")
    analyst.get_by_label("Step 2 kind").select_option("conversion")
    analyst.get_by_role("button", name="Save funnel").click()
    analyst.wait_for_url("**/measure/funnels/*")
    # The test clock is frozen, so the purchase is not after the landing: one entered.
    entered = analyst.locator("#funnel-table tr[data-step='0'] [data-people]")
    assert entered.inner_text() == "1"
    assert analyst.locator("#funnel-table tbody tr").count() == 2
    analyst.get_by_role("link", name="All funnels").click()
    analyst.get_by_role("link", name="Landing to purchase").wait_for()


def _journeys(workspace_id: str, now: datetime) -> list[WarehouseEvent]:
    paths = [("Email > Paid Search", 10.0), ("Paid Search > Email", None), ("Email", None),
             ("Paid Search > Email > Paid Search", 10.0),
             ("Email > Email > Paid Search", 10.0), ("Paid Search", None)]  # fmt: skip
    out = []
    for n, (path, value) in enumerate(paths):
        start = now - timedelta(days=2, hours=n)
        for i, channel in enumerate(path.split(" > ")):
            at = start + timedelta(minutes=i)
            out.append(WarehouseEvent(f"j{n}-{i}", workspace_id, EventType.PAGEVIEW, at,
                                      at, visitor_id=f"j{n}", channel=channel))  # fmt: skip
        if value is not None:
            at = start + timedelta(minutes=30)
            out.append(WarehouseEvent(f"j{n}-c", workspace_id, EventType.CONVERSION, at,
                                      at, visitor_id=f"j{n}", value=value))  # fmt: skip
    return out


def _markov_email(path: Path, world) -> dict[int, float]:  # type: ignore[no-untyped-def]
    now = world.clock.now()
    with open_for_reading(path) as warehouse:
        return {
            order: next(c.conversions["markov"] for c in compare_models(
                DuckDBRunner(warehouse), workspace_id=world.acme.id,
                since=now - timedelta(days=30), until=now + timedelta(days=1),
                params=ModelParams(order=order), models=("markov", "last_touch"),
            ).channels if c.channel == "Email")
            for order in (1, 2)
        }  # fmt: skip
