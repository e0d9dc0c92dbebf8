"""Workspace isolation: one test per resource; workspace B never reads or changes A's data."""

from __future__ import annotations

import re

import pytest

from tandem.accounts import Role, store
from tests.web.conftest import TestClient, form_post


@pytest.fixture
def beta_api(app, client_as, world):
    """An API client for the owner of Beta (another organisation)."""
    c = client_as(world.outsider.email)
    page = form_post(c, "/account", "/account/tokens", {"name": "probe"})
    secret = re.search(r"data-new-token>(tdm_[^<]+)<", page.text).group(1)
    return TestClient(
        app,
        base_url="http://tandem.test",
        headers={"Authorization": f"Bearer {secret}"},
    )


@pytest.fixture
def acme_api(app, client_as):
    c = client_as(Role.OWNER)
    page = form_post(c, "/account", "/account/tokens", {"name": "probe"})
    secret = re.search(r"data-new-token>(tdm_[^<]+)<", page.text).group(1)
    return TestClient(
        app,
        base_url="http://tandem.test",
        headers={"Authorization": f"Bearer {secret}"},
    )


READS = [
    "",
    "/members",
    "/invitations",
    "/audit",
    "/accounts",
    "/posts",
    "/performance",
]


@pytest.mark.parametrize("resource", READS)
def test_another_workspace_cannot_read_the_resource(beta_api, world, resource):
    response = beta_api.get(f"/api/v1/workspaces/{world.acme.slug}{resource}")
    assert response.status_code == 404
    assert world.acme.name not in response.text


def test_a_social_account_of_another_workspace_is_not_found_by_id(acme_api, world):
    response = acme_api.get(
        f"/api/v1/workspaces/{world.acme.slug}/accounts/{world.beta_account_id}"
    )
    assert response.status_code == 404
    filtered = acme_api.get(
        f"/api/v1/workspaces/{world.acme.slug}/posts",
        params={"account": world.beta_account_id},
    )
    assert filtered.status_code == 404


def test_posts_and_performance_only_count_the_own_workspace(acme_api, beta_api, world):
    acme_posts = acme_api.get(f"/api/v1/workspaces/{world.acme.slug}/posts").json()
    beta_posts = beta_api.get(f"/api/v1/workspaces/{world.beta.slug}/posts").json()
    assert acme_posts["total"] == 5 and beta_posts["total"] == 3
    assert {p["post"]["workspace_id"] for p in acme_posts["posts"]} == {world.acme.id}


def test_another_workspace_cannot_change_members_or_invitations(
    beta_api, acme_api, db, world
):
    analyst = world.users[Role.ANALYST]
    base = f"/api/v1/workspaces/{world.acme.slug}"
    assert (
        beta_api.patch(
            f"{base}/members/{analyst.id}", json={"role": "owner"}
        ).status_code
        == 404
    )
    assert beta_api.delete(f"{base}/members/{analyst.id}").status_code == 404
    assert (
        beta_api.post(
            f"{base}/invitations", json={"email": "x@beta.test", "role": "owner"}
        ).status_code
        == 404
    )
    invitation = acme_api.post(
        f"{base}/invitations", json={"email": "new@acme.test", "role": "analyst"}
    ).json()
    assert beta_api.delete(f"{base}/invitations/{invitation['id']}").status_code == 404
    with db.session() as s:
        roles = {m.user.email: m.role for m in store.memberships_in(s, world.acme.id)}
        open_invitations = [
            i for i in store.invitations_in(s, world.acme.id) if i.revoked_at is None
        ]
    assert roles[analyst.email] is Role.ANALYST and len(open_invitations) == 1


def test_ids_from_another_workspace_do_not_work_through_the_own_workspace(
    beta_api, acme_api, world, db
):
    beta_base = f"/api/v1/workspaces/{world.beta.slug}"
    analyst = world.users[Role.ANALYST]
    assert beta_api.delete(f"{beta_base}/members/{analyst.id}").status_code == 404
    invitation = acme_api.post(
        f"/api/v1/workspaces/{world.acme.slug}/invitations",
        json={"email": "new@acme.test", "role": "analyst"},
    ).json()
    assert (
        beta_api.delete(f"{beta_base}/invitations/{invitation['id']}").status_code
        == 404
    )


def test_the_audit_log_of_a_workspace_holds_only_its_own_changes(
    acme_api, beta_api, world
):
    beta_api.patch(
        f"/api/v1/workspaces/{world.beta.slug}",
        json={"name": "Beta Renamed", "timezone": "UTC"},
    )
    entries = acme_api.get(f"/api/v1/workspaces/{world.acme.slug}/audit").json()[
        "entries"
    ]
    assert entries and all(e["workspace_id"] == world.acme.id for e in entries)
    assert not any("Beta Renamed" in str(e["after"]) for e in entries)


def test_html_pages_of_another_workspace_are_not_found(client_as, world):
    c = client_as(world.outsider.email)
    for path in [
        "/",
        "/publish",
        "/measure",
        "/settings",
        "/settings/members",
        "/settings/audit",
    ]:
        response = c.get(f"/w/{world.acme.slug}{path}")
        assert response.status_code == 404, path
        assert "Acme post" not in response.text
