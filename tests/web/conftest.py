"""Web fixtures: the app on the test database, and clients signed in as each persona."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tandem.accounts import Role
from tandem.settings import Settings
from tandem.storage import Database
from tests.support.world import PASSWORD, PERSONAS, World

with warnings.catch_warnings():
    warnings.simplefilter(
        "ignore"
    )  # starlette suggests httpx2 over httpx; both work the same here
    from fastapi.testclient import TestClient

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": tmp_path,
        "secret_key": "k" * 48,
        "log_format": "text",
        "base_url": "http://tandem.test",
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture
def app(db: Database, world: World, tmp_path: Path) -> FastAPI:
    from tandem.web import create_app

    return create_app(make_settings(tmp_path), database=db, clock=world.clock)


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://tandem.test") as c:
        yield c


@pytest.fixture
def client_as(app: FastAPI) -> Iterator[Callable[[Role | str], TestClient]]:
    """A factory of clients signed in as a persona (Role) or as any email."""
    clients: list[TestClient] = []

    def make(who: Role | str) -> TestClient:
        c = TestClient(app, base_url="http://tandem.test")
        clients.append(c)
        return sign_in(c, PERSONAS[who] if isinstance(who, Role) else who)

    yield make
    for c in clients:
        c.close()


def form_post(
    client: TestClient, page: str, action: str, data: dict[str, str]
) -> object:
    token = csrf_of(client.get(page).text)
    return client.post(
        action, data={**data, "csrf_token": token}, follow_redirects=False
    )


def api_client(
    app: FastAPI, client_as: Callable[[Role | str], TestClient], who: Role | str
) -> TestClient:
    """A client calling the REST API with a fresh API token of `who` (no cookies, no CSRF)."""
    c = client_as(who)
    page = form_post(c, "/account", "/account/tokens", {"name": "api"})
    match = re.search(r"data-new-token>(tdm_[^<]+)<", page.text)
    assert match, "no token shown"
    return TestClient(
        app,
        base_url="http://tandem.test",
        headers={"Authorization": f"Bearer {match.group(1)}"},
    )
