"""The inbox page: the queue, filters, replying once, bulk actions, notes, live arrivals."""

from __future__ import annotations

import json

import pytest

from tandem.accounts import Role
from tandem.inbox import queries
from tandem.inbox.ingest import ingest_account
from tandem.inbox.model import ReplyState, Status
from tandem.inbox.replies import replies_of
from tandem.web.routes import inbox as inbox_routes
from tests.support.fake_conversations import FakeConversations
from tests.web.conftest import api_client, csrf_of


@pytest.fixture
def fake(db, world, monkeypatch):
    source = FakeConversations()
    source.add(
        "Your charger exploded, calling a lawyer", platform_id="c1", author="angry"
    )
    source.add("Does it come in blue?", platform_id="c2", author="curious")
    source.add("Love it! 😍", platform_id="c3", author="fan")
    ingest_account(db, world.acme_account_id, source, world.clock)
    monkeypatch.setattr(
        inbox_routes, "inbox_sources", lambda _state: lambda _platform: source
    )
    return source


def _replies(db, world, item_id):
    with db.session() as s:
        return replies_of(s, world.acme.id, item_id)


def _items(db, world, **kw):
    with db.session() as s:
        return {
            i.platform_id: i
            for i in queries.find_items(s, world.acme.id, queries.ItemQuery(**kw))
        }


def test_the_queue_shows_the_most_urgent_first(client_as, world, fake):
    page = client_as(Role.SOCIAL_MANAGER).get(f"/w/{world.acme.slug}/inbox")
    assert page.status_code == 200
    text = page.text
    assert text.index("@angry") < text.index("@curious") < text.index("@fan")
    assert "crisis" in text and "Send reply" in text


def test_filters_and_search(client_as, world, fake):
    c = client_as(Role.ANALYST)
    only_questions = c.get(f"/w/{world.acme.slug}/inbox?intent=question").text
    assert "@curious" in only_questions and "@angry" not in only_questions
    searched = c.get(f"/w/{world.acme.slug}/inbox?q=charger").text
    assert "@angry" in searched and "@fan" not in searched
    as_json = c.get(
        f"/w/{world.acme.slug}/inbox?sentiment=positive",
        headers={"accept": "application/json"},
    ).json()
    assert [i["author_handle"] for i in as_json["items"]] == ["fan"]
    bad = c.get(
        f"/w/{world.acme.slug}/inbox?intent=furious",
        headers={"accept": "application/json"},
    )
    assert bad.status_code == 422 and "intent" in bad.text


def test_search_is_by_word_prefix_and_any_query_text_is_safe(
    app, client_as, world, fake
):
    c = client_as(Role.ANALYST)
    assert "@angry" in c.get(f"/w/{world.acme.slug}/inbox?q=explod").text
    api = api_client(app, client_as, Role.ANALYST)
    base = f"/api/v1/workspaces/{world.acme.slug}/inbox/items"
    for q, expected in [
        ("CHARGER lawyer", ["angry"]),
        ("arger", []),  # not a word start
        ('"blue*" (IN) -:', ["curious"]),
        ("' OR 1=1 --", []),
    ]:
        page = api.get(base, params={"q": q})
        assert page.status_code == 200, page.text
        assert [i["author_handle"] for i in page.json()["items"]] == expected, q
        html = c.get(f"/w/{world.acme.slug}/inbox", params={"q": q})
        assert html.status_code == 200


def test_analysts_read_but_cannot_reply(client_as, world, fake):
    c = client_as(Role.ANALYST)
    page = c.get(f"/w/{world.acme.slug}/inbox").text
    assert "Send reply" not in page


def test_reply_goes_out_once_even_when_submitted_twice(db, client_as, world, fake):
    c = client_as(Role.SOCIAL_MANAGER)
    item = _items(db, world)["c2"]
    page = c.get(f"/w/{world.acme.slug}/inbox?item={item.id}").text
    form = {
        "csrf_token": csrf_of(page),
        "text": "Yes! Blue ships next week.",
        "key": "click-1",
    }
    url = f"/w/{world.acme.slug}/inbox/items/{item.id}/reply"
    first = c.post(url, data=form, follow_redirects=False)
    second = c.post(url, data=form, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert "reply-sent" in first.headers["location"]
    assert "reply-already-sent" in second.headers["location"]
    assert fake.replies == [("c2", "Yes! Blue ships next week.")]
    (reply,) = _replies(db, world, item.id)
    assert reply.state is ReplyState.SENT
    shown = c.get(first.headers["location"]).text
    assert "Reply sent." in shown and "Yes! Blue ships next week." in shown
    assert _items(db, world)["c2"].status is Status.WAITING


def test_an_empty_reply_names_the_field(client_as, world, db, fake):
    c = client_as(Role.SOCIAL_MANAGER)
    item = _items(db, world)["c2"]
    page = c.get(f"/w/{world.acme.slug}/inbox?item={item.id}").text
    response = c.post(
        f"/w/{world.acme.slug}/inbox/items/{item.id}/reply",
        data={"csrf_token": csrf_of(page), "text": "  ", "key": "k"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 422 and "text" in response.text
    assert fake.replies == []


def test_bulk_close_assign_and_note(db, client_as, world, fake):
    c = client_as(Role.MARKETER)
    items = _items(db, world)
    token = csrf_of(c.get(f"/w/{world.acme.slug}/inbox").text)
    social = world.users[Role.SOCIAL_MANAGER]
    assigned = c.post(
        f"/w/{world.acme.slug}/inbox/bulk",
        data={
            "csrf_token": token,
            "ids": [items["c1"].id, items["c2"].id],
            "action": "assign",
            "value": social.id,
        },
        follow_redirects=False,
    )
    assert assigned.status_code == 303
    closed = c.post(
        f"/w/{world.acme.slug}/inbox/bulk",
        data={
            "csrf_token": token,
            "ids": [items["c3"].id],
            "action": "status",
            "value": "closed",
        },
        follow_redirects=False,
    )
    assert closed.status_code == 303
    noted = c.post(
        f"/w/{world.acme.slug}/inbox/items/{items['c1'].id}/note",
        data={"csrf_token": token, "body": "Escalated to legal"},
        follow_redirects=False,
    )
    assert noted.status_code == 303
    after = _items(db, world, status="all")
    assert after["c1"].assignee_id == social.id and after["c1"].status is Status.OPEN
    assert after["c3"].status is Status.CLOSED
    page = c.get(f"/w/{world.acme.slug}/inbox?item={items['c1'].id}").text
    assert "Escalated to legal" in page
    bad = c.post(
        f"/w/{world.acme.slug}/inbox/bulk",
        data={"csrf_token": token, "ids": [items["c3"].id], "action": "explode"},
        headers={"accept": "application/json"},
    )
    assert bad.status_code == 422 and "action" in bad.text


def test_another_workspace_cannot_open_or_change_an_item(db, client_as, world, fake):
    item = _items(db, world)["c1"]
    outsider = client_as("owner@beta.test")
    # Another organisation's workspace does not exist as far as an outsider can tell.
    assert outsider.get(f"/w/{world.acme.slug}/inbox").status_code == 404
    page = outsider.get(
        f"/w/{world.beta.slug}/inbox?item={item.id}",
        headers={"accept": "application/json"},
    )
    assert page.status_code == 404
    token = csrf_of(outsider.get(f"/w/{world.beta.slug}/inbox").text)
    changed = outsider.post(
        f"/w/{world.beta.slug}/inbox/bulk",
        data={
            "csrf_token": token,
            "ids": [item.id],
            "action": "status",
            "value": "closed",
        },
        headers={"accept": "application/json"},
    )
    assert changed.status_code == 404
    assert _items(db, world)["c1"].status is Status.NEW


def test_new_items_arrive_as_server_sent_events(db, client_as, world, fake):
    c = client_as(Role.SOCIAL_MANAGER)
    since = world.clock.now().isoformat()
    world.clock.advance(minutes=1)
    fake.add("Where is my order? Still waiting.", platform_id="c4", author="late")
    ingest_account(db, world.acme_account_id, fake, world.clock)
    with c.stream(
        "GET",
        f"/w/{world.acme.slug}/inbox/events",
        params={"since": since, "wait": 0},
        headers={"accept": "text/event-stream"},
    ) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        body = "".join(stream.iter_text())
    events = [block for block in body.split("\n\n") if "event: arrived" in block]
    assert len(events) == 1
    data = json.loads(events[0].split("data: ", 1)[1])
    assert data["author"] == "late" and data["intent"] == "complaint"
    # Without an EventSource, the same endpoint answers with JSON at once.
    polled = c.get(
        f"/w/{world.acme.slug}/inbox/events",
        params={"since": since},
        headers={"accept": "application/json"},
    ).json()
    assert [i["platform_id"] for i in polled["items"]] == ["c4"]


def test_rest_api_lists_reads_replies_once_and_changes(app, db, client_as, world, fake):
    c = api_client(app, client_as, Role.SOCIAL_MANAGER)
    base = f"/api/v1/workspaces/{world.acme.slug}/inbox"
    listed = c.get(f"{base}/items", params={"intent": "question"}).json()
    assert listed["total"] == 1 and listed["total_exact"] is True
    item_id = listed["items"][0]["id"]
    headers = {"Idempotency-Key": "api-1"}
    first = c.post(
        f"{base}/items/{item_id}/replies", json={"text": "Yes!"}, headers=headers
    )
    again = c.post(
        f"{base}/items/{item_id}/replies", json={"text": "Yes!"}, headers=headers
    )
    assert first.status_code == 201, first.text
    assert again.status_code == 201, again.text
    assert first.json()["id"] == again.json()["id"] and first.json()["state"] == "sent"
    assert fake.replies == [("c2", "Yes!")]
    no_key = c.post(f"{base}/items/{item_id}/replies", json={"text": "Hi"})
    assert no_key.status_code == 422 and "Idempotency-Key" in no_key.text
    changed = c.post(
        f"{base}/items/change", json={"ids": [item_id], "action": "tag", "value": "vip"}
    )
    assert changed.status_code == 200 and changed.json()[0]["tags"] == ["vip"]
    note = c.post(f"{base}/items/{item_id}/notes", json={"body": "Sent the catalogue"})
    assert note.status_code == 201
    detail = c.get(f"{base}/items/{item_id}").json()
    assert [r["text"] for r in detail["replies"]] == ["Yes!"]
    assert detail["notes"][0]["body"] == "Sent the catalogue"
    bad = c.post(
        f"{base}/items/change",
        json={"ids": [item_id], "action": "status", "value": "x"},
    )
    assert bad.status_code == 422 and "status" in bad.text
    analyst = api_client(app, client_as, Role.ANALYST)
    refused = analyst.post(
        f"{base}/items/{item_id}/replies",
        json={"text": "no"},
        headers={"Idempotency-Key": "z"},
    )
    assert refused.status_code == 403


def test_a_reply_with_an_unfilled_variable_is_refused(db, client_as, world, fake):
    c = client_as(Role.SOCIAL_MANAGER)
    item = _items(db, world)["c2"]
    page = c.get(f"/w/{world.acme.slug}/inbox?item={item.id}").text
    response = c.post(
        f"/w/{world.acme.slug}/inbox/items/{item.id}/reply",
        data={"csrf_token": csrf_of(page), "text": "Hi {first_name}!", "key": "k9"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 422 and "{first_name}" in response.text
    assert fake.replies == []
