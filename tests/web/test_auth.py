"""Sign-in, throttling, CSRF, sessions, password reset by email, invitations, API tokens."""

from __future__ import annotations

import re

import pytest

from tandem.accounts import Role, store
from tandem.jobs import Worker, run_pending
from tandem.web import create_app
from tests.support.world import PASSWORD, PERSONAS
from tests.web.conftest import TestClient, csrf_of, form_post, make_settings, sign_in

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def mail(db, world, tmp_path, smtp_server):
    """App + worker wired to the local SMTP server."""
    settings = make_settings(
        tmp_path,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
        mail_from="Tandem <tandem@acme.test>",
    )
    app = create_app(settings, database=db, clock=world.clock)
    worker = Worker(database=db, settings=settings, clock=world.clock)
    return app, worker, smtp_server.inbox


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "email": PERSONAS[Role.OWNER],
            "password": "nope nope nope",
            "csrf_token": token,
        },
    )
    assert response.status_code == 401
    assert "The email or password is not right." in response.text
    assert "tandem_session" not in response.cookies


def test_sign_in_sets_a_http_only_same_site_session_cookie(client):
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": PERSONAS[Role.OWNER], "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert (
        "tandem_session=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=lax" in cookie
    )


def test_repeated_failures_are_throttled_with_retry_after(client):
    token = csrf_of(client.get("/login").text)
    form = {
        "email": PERSONAS[Role.MARKETER],
        "password": "wrong password!",
        "csrf_token": token,
    }
    statuses = [client.post("/login", data=form).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    blocked = client.post("/login", data={**form, "password": PASSWORD})
    assert blocked.status_code == 429, (
        "even the right password waits until the window passes"
    )
    assert int(blocked.headers["retry-after"]) > 0


def test_throttling_ends_when_the_window_has_passed(client, world):
    token = csrf_of(client.get("/login").text)
    form = {
        "email": PERSONAS[Role.MARKETER],
        "password": "wrong password!",
        "csrf_token": token,
    }
    for _ in range(5):
        client.post("/login", data=form)
    world.clock.advance(minutes=16)
    ok = client.post(
        "/login", data={**form, "password": PASSWORD}, follow_redirects=False
    )
    assert ok.status_code == 303


def test_a_form_post_without_the_csrf_token_is_refused(client_as, world):
    c = client_as(Role.OWNER)
    response = c.post(
        f"/w/{world.acme.slug}/settings", data={"name": "Hijacked", "timezone": "UTC"}
    )
    assert response.status_code == 403
    assert "form expired" in response.text
    assert c.get(f"/w/{world.acme.slug}/settings").text.count("Hijacked") == 0


def test_sign_out_ends_the_session_on_the_server(client_as, world):
    c = client_as(Role.OWNER)
    cookie = c.cookies.get("tandem_session")
    form_post(c, "/account", "/logout", {})
    replay = TestClient(
        c.app, base_url="http://tandem.test", cookies={"tandem_session": cookie}
    )
    response = replay.get(f"/w/{world.acme.slug}/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith(
        "/login"
    )


def test_password_reset_by_emailed_one_time_link(mail, db, world):
    app, worker, inbox = mail
    c = TestClient(app, base_url="http://tandem.test")
    form_post(
        c, "/password-reset", "/password-reset", {"email": PERSONAS[Role.ANALYST]}
    )
    assert run_pending(worker) == 1
    inbox.wait_for(1)
    assert inbox.messages[0]["To"] == PERSONAS[Role.ANALYST]
    link = re.search(r"http://tandem\.test(/password-reset/\S+)", inbox.body()).group(1)
    page = c.get(link)
    assert page.status_code == 200
    done = c.post(
        link,
        data={
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert c.get(link).status_code == 404, "the link works once"
    sign_in(
        TestClient(app, base_url="http://tandem.test"),
        PERSONAS[Role.ANALYST],
        NEW_PASSWORD,
    )


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(mail):
    app, worker, inbox = mail
    c = TestClient(app, base_url="http://tandem.test")
    response = form_post(
        c, "/password-reset", "/password-reset", {"email": "nobody@acme.test"}
    )
    assert "If nobody@acme.test has an account" in response.text
    assert run_pending(worker) == 0 and inbox.messages == []


def test_an_expired_reset_link_is_refused(mail, world):
    app, worker, inbox = mail
    c = TestClient(app, base_url="http://tandem.test")
    form_post(c, "/password-reset", "/password-reset", {"email": PERSONAS[Role.OWNER]})
    run_pending(worker)
    link = re.search(
        r"http://tandem\.test(/password-reset/\S+)", inbox.wait_for(1) and inbox.body()
    ).group(1)
    world.clock.advance(minutes=61)
    assert c.get(link).status_code == 404


def test_an_invited_person_joins_with_the_role_they_were_invited_with(
    mail, db, world, client_as
):
    app, worker, inbox = mail
    owner = sign_in(
        TestClient(app, base_url="http://tandem.test"), PERSONAS[Role.OWNER]
    )
    members_page = f"/w/{world.acme.slug}/settings/members"
    response = form_post(
        owner,
        members_page,
        f"{members_page}/invite",
        {"email": "legal@client.test", "role": "approver"},
    )
    assert response.status_code == 303
    run_pending(worker)
    body = inbox.wait_for(1) and inbox.body()
    assert "as Approver" in body
    link = re.search(r"http://tandem\.test(/invitations/\S+)", body).group(1)
    guest = TestClient(app, base_url="http://tandem.test")
    page = guest.get(link)
    accepted = guest.post(
        link,
        data={
            "name": "Lee Legal",
            "password": NEW_PASSWORD,
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=False,
    )
    assert accepted.status_code == 303
    assert "Review queue" in guest.get(accepted.headers["location"]).text
    with db.session() as s:
        roles = {m.user.email: m.role for m in store.memberships_in(s, world.acme.id)}
    assert roles["legal@client.test"] is Role.APPROVER
    assert guest.get(link).status_code == 404, "an invitation is used once"


def test_an_admin_cannot_invite_an_owner(client_as, world):
    admin = client_as(Role.ADMIN)
    page = f"/w/{world.acme.slug}/settings/members"
    response = form_post(
        admin, page, f"{page}/invite", {"email": "boss@acme.test", "role": "owner"}
    )
    assert response.status_code == 403
    assert "cannot invite a Owner" in response.text or "cannot invite" in response.text


def test_api_token_is_shown_once_works_as_bearer_and_dies_when_revoked(
    client_as, app, world
):
    c = client_as(Role.MARKETER)
    response = form_post(c, "/account", "/account/tokens", {"name": "reporting script"})
    secret = re.search(r"data-new-token>(tdm_[^<]+)<", response.text).group(1)
    assert secret not in c.get("/account").text, "the secret is shown only once"
    api = TestClient(
        app,
        base_url="http://tandem.test",
        headers={"Authorization": f"Bearer {secret}"},
    )
    me = api.get("/api/v1/me").json()
    assert me["user"]["email"] == PERSONAS[Role.MARKETER]
    assert [w["role"] for w in me["workspaces"]] == ["marketer"]
    token_id = re.search(r"/account/tokens/(\w+)/revoke", c.get("/account").text).group(
        1
    )
    form_post(c, "/account", f"/account/tokens/{token_id}/revoke", {})
    refused = api.get("/api/v1/me")
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_api_writes_with_a_bearer_token_need_no_csrf(client_as, app, world):
    c = client_as(Role.OWNER)
    secret = re.search(
        r"data-new-token>(tdm_[^<]+)<",
        form_post(c, "/account", "/account/tokens", {"name": "ci"}).text,
    ).group(1)
    api = TestClient(
        app,
        base_url="http://tandem.test",
        headers={"Authorization": f"Bearer {secret}"},
    )
    response = api.patch(
        f"/api/v1/workspaces/{world.acme.slug}",
        json={"name": "Acme Inc", "timezone": "Europe/Paris"},
    )
    assert response.status_code == 200 and response.json()["name"] == "Acme Inc"


def test_sign_up_is_closed_by_default(client):
    assert client.get("/signup").status_code == 404


def test_open_sign_up_creates_an_organisation_owned_by_the_new_user(
    db, world, tmp_path
):
    app = create_app(
        make_settings(tmp_path, signup="open"), database=db, clock=world.clock
    )
    c = TestClient(app, base_url="http://tandem.test")
    response = form_post(
        c,
        "/signup",
        "/signup",
        {
            "organisation": "Gamma Goods",
            "name": "Gil",
            "email": "gil@gamma.test",
            "password": NEW_PASSWORD,
            "timezone": "America/New_York",
        },
    )
    assert (
        response.status_code == 303
        and response.headers["location"] == "/w/gamma-goods/"
    )
    assert "overview" in c.get("/w/gamma-goods/").text


def test_sign_up_with_a_taken_email_names_the_problem_and_writes_nothing(
    db, world, tmp_path
):
    app = create_app(
        make_settings(tmp_path, signup="open"), database=db, clock=world.clock
    )
    c = TestClient(app, base_url="http://tandem.test")
    response = form_post(
        c,
        "/signup",
        "/signup",
        {
            "organisation": "Dup",
            "name": "D",
            "email": PERSONAS[Role.OWNER],
            "password": NEW_PASSWORD,
            "timezone": "UTC",
        },
    )
    assert response.status_code == 409 and "already exists" in response.text
    with db.session() as s:
        assert store.workspace_by_slug(s, "dup") is None
