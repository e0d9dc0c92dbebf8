"""Connecting accounts through the web app and the API, against a real Sandbox process
(SQLite and PostgreSQL): OAuth with PKCE, callback errors, single-use states, choosing among
several identities, disconnecting, tenancy, and no secret in any page or answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from tandem.accounts import Role
from tandem.connectors import connect as glue
from tandem.connectors import registry
from tandem.connectors.sandbox.process import SandboxServer, free_port
from tandem.publish.credentials import AccountCredentialRow
from tandem.publish.ports import Identity
from tandem.publish.store import SocialAccountRow
from tests.support.fake_oauth import FakeOAuth
from tests.web.conftest import TestClient, form_post, make_settings
from tests.web.test_api_publications import _api


@pytest.fixture(scope="module")
def sandbox_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    server = SandboxServer(
        tmp_path_factory.mktemp("sandbox") / "sandbox.db", free_port()
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(db, world, tmp_path: Path, sandbox_server: SandboxServer) -> FastAPI:
    from tandem.web import create_app

    sandbox_server.control("reset")
    settings = make_settings(tmp_path, sandbox_url=sandbox_server.url)
    return create_app(settings, database=db, clock=world.clock)


def accounts_url(world) -> str:  # type: ignore[no-untyped-def]
    return f"/w/{world.acme.slug}/publish/accounts"


def start(client: TestClient, world, platform: str = "sandbox") -> str:  # type: ignore[no-untyped-def]
    response = form_post(
        client, accounts_url(world), f"{accounts_url(world)}/connect/{platform}", {}
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


def consent(url: str, handle: str, decision: str = "allow") -> str:
    """The user on the Sandbox's page: returns the callback path + query on Tandem."""
    form = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    answer = httpx.post(
        f"{origin}/oauth/authorize",
        data=form | {"handle": handle, "decision": decision},
        timeout=5,
    )
    assert answer.status_code == 303
    back = urlsplit(answer.headers["location"])
    assert back.netloc == "tandem.test" and back.path == "/oauth/callback/sandbox"
    return f"{back.path}?{back.query}"


def account_row(db, handle: str) -> SocialAccountRow:  # type: ignore[no-untyped-def]
    with db.session() as s:
        row = s.scalar(
            select(SocialAccountRow).where(SocialAccountRow.handle == handle)
        )
    assert row is not None
    return row


def test_a_social_manager_connects_a_sandbox_account_end_to_end(
    client_as, world, db, sandbox_server
) -> None:
    client = client_as(Role.SOCIAL_MANAGER)
    url = start(client, world)
    assert url.startswith(f"{sandbox_server.url}/oauth/authorize?")
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == ["http://tandem.test/oauth/callback/sandbox"]
    callback = consent(url, "acme_social")
    done = client.get(callback, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == f"{accounts_url(world)}?notice=connected"
    page = client.get(done.headers["location"]).text
    assert "Account connected." in page and "@acme_social" in page
    assert "Tandem renews the token before" in page
    row = account_row(db, "acme_social")
    assert row.workspace_id == world.acme.id and row.followers > 0
    twin = client.get(accounts_url(world), params={"format": "json"})
    assert twin.status_code == 200
    assert "sbx_at_" not in twin.text and "sbx_rt_" not in twin.text
    assert "sbx_at_" not in page and "ciphertext" not in twin.text
    replay = client.get(callback, follow_redirects=False)
    assert replay.status_code == 400 and "already used" in replay.text


def test_a_declined_authorisation_is_explained_in_words(client_as, world, db) -> None:
    client = client_as(Role.OWNER)
    callback = consent(start(client, world), "acme_social", decision="deny")
    response = client.get(callback, follow_redirects=False)
    assert response.status_code == 400
    assert (
        "Sandbox did not connect the account: the authorisation was declined"
        in response.text
    )
    assert "The user denied the app access to the account." in response.text
    with db.session() as s:
        assert (
            s.scalar(
                select(SocialAccountRow).where(SocialAccountRow.handle == "acme_social")
            )
            is None
        )


def test_a_callback_for_another_person_is_refused(client_as, world) -> None:
    callback = consent(start(client_as(Role.OWNER), world), "acme_social")
    response = client_as(Role.SOCIAL_MANAGER).get(callback, follow_redirects=False)
    assert response.status_code == 400 and "started by someone else" in response.text


def test_reconnecting_keeps_one_account_and_disconnect_deletes_the_credentials(
    client_as, world, db
) -> None:
    client = client_as(Role.OWNER)
    for _ in range(2):
        client.get(consent(start(client, world), "acme_social"), follow_redirects=False)
    with db.session() as s:
        rows = s.scalars(
            select(SocialAccountRow).where(SocialAccountRow.handle == "acme_social")
        ).all()
        assert len(rows) == 1
        account_id = rows[0].id
        assert s.get(AccountCredentialRow, account_id).version == 2
    outsider = client_as(world.outsider.email)
    refused = form_post(
        outsider, "/account", f"{accounts_url(world)}/{account_id}/disconnect", {}
    )
    assert refused.status_code == 404
    response = form_post(
        client,
        accounts_url(world),
        f"{accounts_url(world)}/{account_id}/disconnect",
        {},
    )
    assert response.status_code == 303
    with db.session() as s:
        assert s.get(AccountCredentialRow, account_id).ciphertext is None
    page = client.get(accounts_url(world)).text
    assert "Disconnected by owner@acme.test" in page
    publish_page = client.get(f"/w/{world.acme.slug}/publish").text
    assert "Accounts need attention" in publish_page and "@acme_social" in publish_page


def test_a_marketer_sees_the_accounts_but_cannot_connect(client_as, world) -> None:
    client = client_as(Role.MARKETER)
    page = client.get(accounts_url(world))
    assert page.status_code == 200 and "Connect Sandbox" not in page.text
    response = form_post(
        client, accounts_url(world), f"{accounts_url(world)}/connect/sandbox", {}
    )
    assert response.status_code == 403


@pytest.fixture
def fake_platform(monkeypatch: pytest.MonkeyPatch) -> FakeOAuth:
    fake = FakeOAuth(
        identities_=[
            Identity("page-1", "cafe", "Café", 10, {"page_token": "pt-1"}),
            Identity("page-2", "shop", "Shop", 20, {"page_token": "pt-2"}),
        ]
    )
    monkeypatch.setitem(registry.CONNECTORS, "fake", lambda _options: fake)  # type: ignore[arg-type, return-value]
    monkeypatch.setattr(glue, "_cache", {})
    return fake


def test_several_pages_lead_to_a_chooser_after_the_app_is_registered(
    client_as, world, db, fake_platform
) -> None:
    client = client_as(Role.OWNER)
    first = form_post(
        client, accounts_url(world), f"{accounts_url(world)}/connect/fake", {}
    )
    assert first.status_code == 303 and first.headers["location"].endswith(
        "/apps/fake?missing=1"
    )
    saved = form_post(
        client,
        accounts_url(world),
        f"{accounts_url(world)}/apps/fake",
        {"client_id": "my-client", "client_secret": "my-secret-123"},
    )
    assert saved.status_code == 303
    assert "my-secret-123" not in client.get(accounts_url(world)).text
    url = start(client, world, "fake")
    query = parse_qs(urlsplit(url).query)
    assert query["client_id"] == ["my-client"]
    chooser = client.get(
        f"/oauth/callback/fake?code=good-code&state={query['state'][0]}",
        follow_redirects=False,
    )
    assert chooser.status_code == 303 and "/choose/" in chooser.headers["location"]
    page = client.get(chooser.headers["location"])
    assert "@cafe" in page.text and "@shop" in page.text and "pt-1" not in page.text
    chosen = form_post(
        client,
        chooser.headers["location"],
        chooser.headers["location"],
        {"chosen": "page-2"},
    )
    assert chosen.status_code == 303
    assert account_row(db, "shop").platform == "fake"
    with db.session() as s:
        assert (
            s.scalar(select(SocialAccountRow).where(SocialAccountRow.handle == "cafe"))
            is None
        )


def test_the_api_starts_a_connection_and_lists_connections_without_secrets(
    app, client_as, world, db
) -> None:
    api = _api(app, client_as, Role.OWNER)
    base = f"/api/v1/workspaces/{world.acme.slug}"
    started = api.post(f"{base}/accounts/connect/sandbox", json={})
    assert started.status_code == 201
    url = started.json()["authorize_url"]
    assert "code_challenge=" in url
    listed = api.get(f"{base}/connections").json()
    assert [c["account"]["handle"] for c in listed] == ["acme"]
    assert listed[0]["connected"] is False
    bad = api.post(
        f"{base}/accounts/password/sandbox", json={"handle": "x", "password": "y"}
    )
    assert bad.status_code == 422
    outsider = _api(app, client_as, world.outsider.email)
    assert outsider.get(f"{base}/connections").status_code == 404
