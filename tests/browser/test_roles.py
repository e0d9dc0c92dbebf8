"""Each role signs in with a real browser, lands on its home and sees the navigation it may use."""

from __future__ import annotations

import pytest

from tandem.accounts import Role
from tests.support.world import PASSWORD, PERSONAS

pytestmark = pytest.mark.browser

ALL = [
    "Home",
    "Plan",
    "Create",
    "Review",
    "Publish",
    "Engage",
    "Listen",
    "Measure",
    "Dashboard",
    "Settings",
]
TEAM = [n for n in ALL if n != "Review"]
HOMES = {
    Role.OWNER: ("Acme: overview", ALL),
    Role.ADMIN: ("Acme: overview", ALL),
    Role.SOCIAL_MANAGER: ("Social this week", TEAM),
    Role.MARKETER: ("Performance, last 30 days", TEAM),
    Role.ANALYST: ("Performance, last 30 days", TEAM),
    Role.APPROVER: ("Review queue", ["Home", "Review", "Settings"]),
}


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/")
    assert "/login" in page.url
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_home_with_its_navigation(
    browser, live_server, world, role, tmp_path
):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, PERSONAS[role])
    heading, nav = HOMES[role]
    assert page.url.endswith(f"/w/{world.acme.slug}/")
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert (
        page.get_by_role("navigation", name="Main")
        .get_by_role("link")
        .all_inner_texts()
        == nav
    )
    page.screenshot(path=str(tmp_path / f"home-{role.value}.png"), full_page=True)
    assert (tmp_path / f"home-{role.value}.png").stat().st_size > 10_000
    assert errors == [], f"JavaScript errors: {errors}"
    context.close()


def test_a_phone_sized_screen_still_shows_the_review_queue(browser, live_server):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, live_server, PERSONAS[Role.APPROVER])
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )
    context.close()


def test_the_workspace_switcher_moves_between_workspaces(
    browser, live_server, db, world
):
    from tandem.accounts import actions, store

    with db.session() as s:
        owner = store.member_in(s, world.users[Role.OWNER], world.acme)
        actions.create_workspace(
            s, actor=owner, name="Client Two", timezone="UTC", clock=world.clock
        )
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server, PERSONAS[Role.OWNER])
    page.get_by_label("Workspace").select_option("client-two")
    page.wait_for_url("**/w/client-two/")
    assert page.get_by_role("heading", level=1).inner_text() == "Client Two: overview"
    context.close()


def test_signing_out_returns_to_the_sign_in_page(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server, PERSONAS[Role.MARKETER])
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
    page.goto(f"{live_server}/account")
    assert "/login" in page.url
    context.close()
