"""Journey 2 in a real browser: write once, live counters, brand kit, approval, calendar."""

from __future__ import annotations

import pytest

from tandem.accounts import Role, store
from tandem.brand import BannedPhrase, BrandKit, save_brand_kit
from tests.browser.test_roles import sign_in
from tests.support.world import PERSONAS

pytestmark = pytest.mark.browser

DRAFT = (
    "Our cheap Trail Bottle is back in three new colours, made from recycled steel. "
    "It keeps drinks cold for 24 hours and hot for 12, and it fits every bike cage we tried this year. "
    "Order this week and we plant a tree for every bottle sold, with our partners at ReForest. "
    "#TrailBottle #Outdoors"
)


def test_write_check_fix_approve_and_see_it_on_the_calendar(
    browser, live_server, db, world, tmp_path
):
    with db.session() as s:
        owner = store.member_in(s, world.users[Role.OWNER], world.acme)
        save_brand_kit(
            s,
            actor=owner,
            clock=world.clock,
            kit=BrandKit(
                banned=(
                    BannedPhrase(
                        "cheap",
                        replacement="affordable",
                        reason="We are not a discounter.",
                    ),
                )
            ),
        )
    ws = world.acme.slug

    author = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(author, live_server, PERSONAS[Role.SOCIAL_MANAGER])
    author.goto(f"{live_server}/w/{ws}/create/new")
    author.get_by_label("Title (for the team)").fill("Trail Bottle relaunch")
    author.get_by_label("@acme").check()
    author.get_by_label("Planned for").fill("2026-11-05T09:30")
    author.get_by_label("Message").fill("Short hello")
    counter = author.locator("[data-counter='x']")
    counter.wait_for()
    first = counter.inner_text()
    author.get_by_label("Message").fill(DRAFT)
    author.wait_for_function(
        "first => document.querySelector(\"[data-counter='x']\").textContent !== first",
        arg=first,
    )
    assert counter.inner_text() != first, "the counter follows the text"
    banned = author.locator("[data-code='brand.banned_word']")
    banned.first.wait_for()
    assert "affordable" in banned.first.inner_text()
    author.get_by_label("Message").fill(DRAFT.replace("cheap", "affordable"))
    banned.first.wait_for(state="detached")
    author.screenshot(path=str(tmp_path / "composer.png"), full_page=True)
    author.get_by_role("button", name="Create variants").click()
    author.wait_for_url("**/create/*")
    author.get_by_role("button", name="Send for approval").click()
    author.wait_for_load_state("networkidle")
    assert "Sent for review" in author.content()

    approver = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True
    ).new_page()
    sign_in(approver, live_server, PERSONAS[Role.APPROVER])
    approver.get_by_role("link", name="Trail Bottle relaunch").click()
    approver.get_by_role("button", name="Approve").click()
    approver.wait_for_load_state("networkidle")
    assert approver.locator("[data-status]").inner_text() == "Approved"

    author.goto(f"{live_server}/w/{ws}/calendar?view=month&date=2026-11-05")
    assert author.get_by_text("Trail Bottle relaunch").first.is_visible()
    author.screenshot(path=str(tmp_path / "calendar.png"), full_page=True)
