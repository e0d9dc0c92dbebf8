"""Every route declares its access, and every role gets exactly what the permission table says."""

from __future__ import annotations

import re
import weakref
from typing import Any

import pytest
from fastapi.routing import APIRoute

from tandem.accounts import Permission, Role, allows
from tandem.web.deps import PUBLIC, SIGNED_IN, declared_access
from tandem.web.routes import ROUTERS

DUMMY = "0" * 32


def routes(app):
    """Every API route of the app (routers are mounted from tandem.web.routes.ROUTERS)."""
    found = [r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)]
    assert len(found) >= 30
    return found


def test_every_route_declares_exactly_one_access_rule(app):
    undeclared = [
        f"{sorted(r.methods)} {r.path}"
        for r in routes(app)
        if len(declared_access(r.dependant)) != 1
    ]
    assert undeclared == [], f"routes without exactly one access rule: {undeclared}"


def _url(route: APIRoute, slug: str) -> str:
    return re.sub(
        r"\{(\w+)\}", lambda m: slug if m.group(1) == "ws" else DUMMY, route.path
    )


_CSRF: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def _csrf(client) -> str:
    """The session's CSRF token, read once per client from a page that carries it."""
    if client not in _CSRF:
        page = client.get("/account", headers={"accept": "text/html"})
        match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
        _CSRF[client] = (
            match.group(1) if match else client.cookies.get("tandem_csrf") or ""
        )
    return _CSRF[client]


def _call(client, route: APIRoute, url: str):
    method = sorted(route.methods - {"HEAD"})[0]
    headers = {"accept": "application/json"}
    if method == "GET":
        return client.get(url, headers=headers, follow_redirects=False)
    headers["x-csrf-token"] = _csrf(client)
    return client.request(method, url, headers=headers, json={}, follow_redirects=False)


def _workspace_routes(app):
    out = []
    for route in routes(app):
        (access,) = declared_access(route.dependant)
        if access not in (PUBLIC, SIGNED_IN):
            out.append((route, Permission(access)))
    return out


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_the_routes_its_permissions_allow(
    app, client_as, world, role
):
    client = client_as(role)
    assert len(_workspace_routes(app)) >= 20
    wrong = []
    for route, permission in _workspace_routes(app):
        response = _call(client, route, _url(route, world.acme.slug))
        allowed = allows(role, permission)
        if allowed and response.status_code in (401, 403):
            wrong.append(
                f"{route.path} {sorted(route.methods)} refused ({response.status_code}) but allowed"
            )
        if not allowed and response.status_code != 403:
            wrong.append(
                f"{route.path} {sorted(route.methods)} answered {response.status_code} but not allowed"
            )
        assert response.status_code < 500, (route.path, response.text[:300])
    assert wrong == []


def test_a_member_of_another_workspace_gets_not_found_everywhere(app, client_as, world):
    client = client_as(world.outsider.email)
    for route, _permission in _workspace_routes(app):
        response = _call(client, route, _url(route, world.acme.slug))
        assert response.status_code == 404, (route.path, response.status_code)


def test_anonymous_callers_are_sent_to_sign_in(app, client, world):
    for route in routes(app):
        (access,) = declared_access(route.dependant)
        if access == PUBLIC:
            continue
        response = _call(client, route, _url(route, world.acme.slug))
        if route.path.startswith("/api/"):
            assert response.status_code == 401, route.path
        else:
            assert response.status_code in (303, 401, 403), (
                route.path,
                response.status_code,
            )
            if response.status_code == 303:
                assert response.headers["location"].startswith("/login?next="), (
                    route.path
                )
