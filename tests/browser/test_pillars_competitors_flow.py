"""Content pillars and competitors in a real browser: add a pillar and a competitor, see
both on the social dashboard."""

from __future__ import annotations

import pytest

from tandem.accounts import Role
from tests.browser.test_roles import sign_in
from tests.support.world import PERSONAS

pytestmark = pytest.mark.browser


def test_a_pillar_and_a_competitor_show_on_the_dashboard(browser, live_server, world):
    base = f"{live_server}/w/{world.acme.slug}"
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, live_server, PERSONAS[Role.SOCIAL_MANAGER])

    page.goto(f"{base}/create/pillars")
    form = page.locator("#add-pillar")
    form.get_by_label("Name").fill("Education")
    form.get_by_label("Description").fill("How-tos")
    form.get_by_role("button", name="Add pillar").click()
    page.wait_for_url("**/create/pillars?notice=*")
    assert "Education" in page.locator("#pillars").inner_text()

    page.goto(f"{base}/dashboard/competitors")
    form = page.locator("#add-competitor")
    form.get_by_label("Platform").select_option("instagram")
    form.get_by_label("Handle").fill("@rival")
    form.get_by_role("button", name="Add competitor").click()
    page.wait_for_url("**/dashboard/competitors?notice=*")
    assert "No public metrics on instagram" in page.locator("#competitors").inner_text()

    page.goto(f"{base}/dashboard?view=social")
    assert (
        page.get_by_label("Pillar").locator("option", has_text="Education").count() == 1
    )
    body = page.locator("main").inner_text()
    assert "Performance by content pillar" in body
    assert "Competitor benchmarks" in body and "@rival" in body
    assert "no public metrics on instagram" in body.lower()
