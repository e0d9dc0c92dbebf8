"""The publications API: create (idempotent with a key), list, read, change, cancel, retry."""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tandem.accounts import Role
from tandem.publish import idempotency
from tandem.publish.ledger import PublicationRow
from tests.web.conftest import TestClient, form_post

PARIS_WALL = "2026-11-20T10:30"  # CET (+01:00) -> 09:30Z


def _api(app, client_as, who):
    c = client_as(who)
    page = form_post(c, "/account", "/account/tokens", {"name": "api"})
    secret = re.search(r"data-new-token>(tdm_[^<]+)<", page.text).group(1)
    return TestClient(
        app,
        base_url="http://tandem.test",
        headers={"Authorization": f"Bearer {secret}"},
    )


@pytest.fixture
def api(app, client_as):
    return _api(app, client_as, Role.OWNER)


@pytest.fixture
def base(world):
    return f"/api/v1/workspaces/{world.acme.slug}/publications"


def _body(world, **overrides):
    body = {
        "account_id": world.acme_account_id,
        "parts": ["Our Trail Bottle is back."],
        "local_time": PARIS_WALL,
    }
    body.update(overrides)
    return body


def _count(db, **where):
    with db.session() as s:
        query = select(func.count()).select_from(PublicationRow)
        for column, value in where.items():
            query = query.where(getattr(PublicationRow, column) == value)
        return s.scalar(query)


def _set_state(db, publication_id, state):
    with db.session() as s:
        s.get(PublicationRow, publication_id).state = state


def _utc(text):
    return datetime.fromisoformat(text).astimezone(UTC)


def test_create_plans_a_paris_wall_time_in_utc(api, base, world):
    response = api.post(base, json=_body(world, first_comment="Link below"))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["timezone"] == "Europe/Paris"  # the workspace zone by default
    assert _utc(created["due_at"]) == datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    assert created["state"] == "scheduled" and created["first_comment"] == "Link below"
    assert "Idempotent-Replayed" not in response.headers


def test_a_wall_time_in_the_spring_forward_gap_moves_forward(api, base, world):
    response = api.post(base, json=_body(world, local_time="2027-03-28T02:30"))
    assert response.status_code == 201, response.text
    # 02:30 never happens in Paris that day: 03:30 CEST, which is 01:30 UTC.
    assert _utc(response.json()["due_at"]) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_a_retry_with_the_same_key_replays_the_first_response(api, base, world, db):
    headers = {"Idempotency-Key": "order-42"}
    first = api.post(base, json=_body(world), headers=headers)
    again = api.post(base, json=_body(world), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _count(db) == 1


def test_the_same_key_with_another_body_is_a_conflict(api, base, world, db):
    headers = {"Idempotency-Key": "order-42"}
    assert api.post(base, json=_body(world), headers=headers).status_code == 201
    other = api.post(base, json=_body(world, parts=["Other text"]), headers=headers)
    assert other.status_code == 409
    assert other.headers["content-type"].startswith("application/problem+json")
    assert "Idempotency-Key was used with a different request" in other.json()["detail"]
    assert _count(db) == 1


def test_a_key_is_per_workspace_and_a_failed_request_leaves_none(
    app, client_as, api, base, world, db
):
    headers = {"Idempotency-Key": "k"}
    bad = api.post(base, json=_body(world, timezone="Mars/Base"), headers=headers)
    assert bad.status_code == 422
    good = api.post(base, json=_body(world), headers=headers)
    assert good.status_code == 201 and "Idempotent-Replayed" not in good.headers
    beta = _api(app, client_as, world.outsider.email)
    beta_body = _body(world, account_id=world.beta_account_id)
    response = beta.post(
        f"/api/v1/workspaces/{world.beta.slug}/publications",
        json=beta_body,
        headers=headers,
    )
    assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert _count(db) == 2


def test_without_a_key_each_request_creates_a_publication(api, base, world, db):
    assert api.post(base, json=_body(world)).status_code == 201
    assert api.post(base, json=_body(world)).status_code == 201
    assert _count(db) == 2


def test_an_idempotency_key_too_long_is_rejected(api, base, world, db):
    response = api.post(base, json=_body(world), headers={"Idempotency-Key": "k" * 201})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert _count(db) == 0


def test_concurrent_twins_create_once(db, world):
    """The loser of the race on (workspace_id, key) replays the winner's response."""
    fingerprint = idempotency.request_fingerprint({"a": 1})
    entered, results = threading.Event(), []

    def call(label, hold):
        with db.session() as s:

            def produce():
                entered.set()
                if hold:
                    time.sleep(0.5)  # the twin starts while this one holds the key
                return 201, f'{{"by": "{label}"}}'

            results.append(
                idempotency.run_once(
                    s,
                    workspace_id=world.acme.id,
                    key="twin",
                    fingerprint=fingerprint,
                    now=world.clock.now(),
                    produce=produce,
                )
            )

    first = threading.Thread(target=call, args=("first", True))
    first.start()
    assert entered.wait(5)
    entered.clear()
    call("second", False)
    first.join(5)
    assert not entered.is_set(), "the twin must not run the request again"
    first_result = next(r for r in results if not r.replayed)
    twin = next(r for r in results if r.replayed)
    assert first_result.body == twin.body == '{"by": "first"}'


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"local_time": "20/11/2026 10:30"}, "local_time"),
        ({"local_time": "2026-13-40T10:30"}, "local_time"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"timezone": "../../etc/passwd"}, "timezone"),
        ({"timezone": ""}, "timezone"),
        ({"account_id": "0" * 32}, "account_id"),
        ({"parts": []}, "parts"),
        ({"parts": ["  "]}, "parts"),
        ({"parts": ["x"] * 26}, "parts"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(api, base, world, db, overrides, field):
    response = api.post(base, json=_body(world, **overrides))
    assert response.status_code == 422, response.text
    problem = response.json()
    named = {problem.get("field")} | {e["field"] for e in problem.get("errors", [])}
    assert any(n and n.split(".")[0] == field for n in named), problem
    assert _count(db) == 0


def test_an_account_of_another_workspace_is_refused(api, base, world, db):
    response = api.post(base, json=_body(world, account_id=world.beta_account_id))
    assert response.status_code == 422 and response.json()["field"] == "account_id"
    assert _count(db) == 0


def test_patch_reschedules_and_is_audited(api, base, world):
    created = api.post(base, json=_body(world)).json()
    response = api.patch(
        f"{base}/{created['id']}",
        json={"local_time": "2026-11-21T08:00", "parts": ["New text"]},
    )
    assert response.status_code == 200, response.text
    changed = response.json()
    assert changed["local_time"] == "2026-11-21T08:00" and changed["parts"] == [
        "New text"
    ]
    assert _utc(changed["due_at"]) == datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
    assert changed["fingerprint"] != created["fingerprint"]
    moved = api.patch(f"{base}/{created['id']}", json={"timezone": "America/New_York"})
    assert _utc(moved.json()["due_at"]) == datetime(2026, 11, 21, 13, 0, tzinfo=UTC)
    audit = api.get(f"/api/v1/workspaces/{world.acme.slug}/audit").json()["entries"]
    assert any(
        e["action"] == "publication.edit" and e["entity_id"] == created["id"]
        for e in audit
    )


def test_patch_of_a_published_post_is_a_conflict(api, base, world, db):
    created = api.post(base, json=_body(world)).json()
    _set_state(db, created["id"], "published")
    response = api.patch(f"{base}/{created['id']}", json={"local_time": PARIS_WALL})
    assert response.status_code == 409
    assert "published" in response.json()["detail"]
    bad = api.patch(f"{base}/{created['id']}", json={"local_time": "soon"})
    assert bad.status_code in (409, 422)


def test_patch_with_a_bad_time_is_a_422(api, base, world):
    created = api.post(base, json=_body(world)).json()
    response = api.patch(f"{base}/{created['id']}", json={"timezone": "Nowhere"})
    assert response.status_code == 422 and response.json()["field"] == "timezone"


def test_delete_cancels(api, base, world, db):
    created = api.post(base, json=_body(world)).json()
    response = api.delete(f"{base}/{created['id']}")
    assert response.status_code == 204 and response.content == b""
    assert api.get(f"{base}/{created['id']}").json()["publication"]["state"] == (
        "cancelled"
    )
    assert api.delete(f"{base}/{created['id']}").status_code == 409


def test_retry_queues_a_failed_post_now(api, base, world, db):
    created = api.post(base, json=_body(world)).json()
    assert api.post(f"{base}/{created['id']}/retry").status_code == 409  # scheduled
    _set_state(db, created["id"], "failed")
    response = api.post(f"{base}/{created['id']}/retry")
    assert response.status_code == 200, response.text
    retried = response.json()
    assert retried["state"] == "scheduled"
    assert _utc(retried["next_attempt_at"]) == world.clock.now()


def test_list_filters_by_state_and_pages(api, base, world, db):
    ids = [
        api.post(base, json=_body(world, local_time=f"2026-11-2{d}T10:00")).json()["id"]
        for d in range(3)
    ]
    _set_state(db, ids[1], "failed")
    everything = api.get(base).json()
    assert everything["total"] == 3
    assert [p["id"] for p in everything["publications"]] == ids  # by due time
    failed = api.get(base, params={"state": "failed"}).json()
    assert failed["total"] == 1 and failed["publications"][0]["id"] == ids[1]
    page = api.get(base, params={"limit": 1, "offset": 2}).json()
    assert page["total"] == 3 and [p["id"] for p in page["publications"]] == ids[2:]
    assert api.get(base, params={"state": "nope"}).status_code == 422
    assert api.get(base, params={"limit": 0}).status_code == 422


def test_get_returns_the_publication_and_its_attempts(api, base, world):
    created = api.post(base, json=_body(world)).json()
    detail = api.get(f"{base}/{created['id']}").json()
    assert detail["publication"] == created and detail["attempts"] == []
    assert api.get(f"{base}/{'0' * 32}").status_code == 404


def test_another_workspace_gets_404_for_every_id(app, client_as, api, base, world):
    created = api.post(base, json=_body(world)).json()
    beta = _api(app, client_as, world.outsider.email)
    own = f"/api/v1/workspaces/{world.beta.slug}/publications/{created['id']}"
    theirs = f"{base}/{created['id']}"
    for url in (own, theirs):
        assert beta.get(url).status_code == 404
        assert beta.patch(url, json={"parts": ["x"]}).status_code == 404
        assert beta.delete(url).status_code == 404
        assert beta.post(f"{url}/retry").status_code == 404
    assert beta.get(base).status_code == 404
    assert beta.post(base, json=_body(world)).status_code == 404
    listed = beta.get(f"/api/v1/workspaces/{world.beta.slug}/publications").json()
    assert listed["total"] == 0
    assert api.get(theirs).json()["publication"]["state"] == "scheduled"


def test_an_approver_may_neither_read_nor_write(app, client_as, api, base, world):
    created = api.post(base, json=_body(world)).json()
    approver = _api(app, client_as, Role.APPROVER)
    url = f"{base}/{created['id']}"
    assert approver.get(base).status_code == 403
    assert approver.get(url).status_code == 403
    assert approver.post(base, json=_body(world)).status_code == 403
    assert approver.patch(url, json={"parts": ["x"]}).status_code == 403
    assert approver.delete(url).status_code == 403
    assert approver.post(f"{url}/retry").status_code == 403
