"""Listen in a real browser: define a competitor topic, see share of voice, open a trend,
draft a post from it (the composer opens with the text prefilled)."""

from __future__ import annotations

import pytest

from tandem.accounts import Role
from tests.browser.test_roles import sign_in
from tests.support.listen import seed_history
from tests.support.world import PERSONAS, T0

pytestmark = pytest.mark.browser


def test_competitor_topic_share_of_voice_trend_and_draft(
    browser, live_server, db, world
):
    seed_history(db, world.acme.id, T0)
    ws = world.acme.slug
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server, PERSONAS[Role.SOCIAL_MANAGER])
    page.goto(f"{live_server}/w/{ws}")
    page.get_by_role("link", name="Listen").first.click()
    page.wait_for_url(f"{live_server}/w/{ws}/listen")

    form = page.locator("#add-topic")
    form.get_by_label("Name").fill("Acme")
    form.get_by_label("Query").fill("acme")
    form.get_by_role("button", name="Add topic").click()
    page.wait_for_url("**/listen?notice=topic-added")
    form = page.locator("#add-topic")
    form.get_by_label("Name").fill("Rival")
    form.get_by_label("Kind").select_option("competitor")
    form.get_by_label("Query").fill("rival OR #rivalrecall")
    form.get_by_role("button", name="Add topic").click()
    page.wait_for_url("**/listen?notice=topic-added")

    rival = page.locator("[data-sov] tr[data-topic='Rival']")
    assert rival.locator("td").nth(1).inner_text() == "competitor"
    rival_share = float(rival.locator("[data-share]").inner_text().rstrip("%"))
    acme_share = float(
        page.locator("[data-sov] tr[data-topic='Acme'] [data-share]")
        .inner_text()
        .rstrip("%")
    )
    assert rival_share > acme_share > 0 and abs(rival_share + acme_share - 100) < 0.2
    page.locator("#listen-sov .plot-area .main-svg").first.wait_for()  # plotly drew it

    page.locator("[data-trends] a", has_text="#rivalrecall").click()
    page.wait_for_url("**/listen/trend?label=*")
    assert page.locator("[data-trend-label]").inner_text() == "#rivalrecall"
    assert "40 mentions in the last 24 h" in page.locator("[data-why]").inner_text()

    page.locator("[data-draft]").click()
    page.wait_for_url(f"{live_server}/w/{ws}/create/new?*")
    message = page.get_by_label("Message")
    assert message.input_value().startswith("Everyone's talking about #rivalrecall")
    assert "#rivalrecall" in message.input_value()
