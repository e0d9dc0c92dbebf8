"""Inbox rules, metrics and SLA over HTTP: forms, API, validation, permissions, tenancy."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tandem.accounts import Role
from tandem.inbox.ingest import ingest_account
from tests.support.fake_conversations import FakeConversations
from tests.web.conftest import form_post


def _api(app, client_as, who) -> TestClient:
    c = client_as(who)
    page = form_post(c, "/account", "/account/tokens", {"name": "api"})
    token = re.search(r"data-new-token>(tdm_[^<]+)<", page.text).group(1)
    return TestClient(
        app, base_url="http://tandem.test", headers={"Authorization": f"Bearer {token}"}
    )


def _ingest(db, world, *texts: str) -> None:
    fake = FakeConversations()
    for n, text in enumerate(texts):
        fake.add(text, platform_id=f"w{n}")
    ingest_account(db, world.acme_account_id, fake, world.clock)


RULE = {
    "name": "Complaints to care",
    "conditions": {"intents": ["complaint"], "platforms": ["sandbox"]},
    "actions": {"assign_role": "social_manager", "add_tags": ["care"]},
}


def test_a_rule_is_written_in_the_form_previewed_and_run(db, world, client_as):
    _ingest(db, world, "Still waiting for my refund after 20 days.", "Love it!")
    social = client_as(Role.SOCIAL_MANAGER)
    base = f"/w/{world.acme.slug}/inbox/rules"
    made = form_post(
        social,
        f"{base}/new",
        base,
        {
            "name": "Complaints to care",
            "enabled": "on",
            "intents": ["complaint", "crisis"],
            "assign": "role:social_manager",
            "add_tags": "care, refunds",
        },
    )
    assert made.status_code == 303, made.text
    rule_page = social.get(made.headers["location"])
    assert rule_page.status_code == 200
    assert "intent is complaint or crisis" in rule_page.text
    assert re.search(r"data-preview-count>1<", rule_page.text)
    rule_id = made.headers["location"].split("/")[-1].split("?")[0]
    ran = form_post(social, f"{base}/{rule_id}", f"{base}/{rule_id}/run", {})
    assert ran.status_code == 303 and ran.headers["location"].endswith("ran=1")
    after = social.get(f"{base}/{rule_id}").text
    assert "run by hand" in after and "tagged care, refunds" in after
    listing = social.get(base).text
    assert (
        "Complaints to care" in listing
        and "assign to role Social media manager" in listing
    )


def test_form_errors_name_the_field_and_keep_the_input(world, client_as):
    owner = client_as(Role.OWNER)
    base = f"/w/{world.acme.slug}/inbox/rules"
    empty = form_post(
        owner, f"{base}/new", base, {"name": "Nothing", "intents": "question"}
    )
    assert empty.status_code == 422
    assert 'data-field="actions"' in empty.text and 'value="Nothing"' in empty.text
    bad = form_post(
        owner,
        f"{base}/new",
        base,
        {"name": "Fans", "min_followers": "many", "add_tags": "x"},
    )
    assert (
        bad.status_code == 422
        and "conditions.min_followers must be a number" in bad.text
    )


def test_read_only_roles_see_rules_but_cannot_change_them(world, client_as, app):
    owner = _api(app, client_as, Role.OWNER)
    rule = owner.post(f"/api/v1/workspaces/{world.acme.slug}/inbox/rules", json=RULE)
    assert rule.status_code == 201, rule.text
    marketer = client_as(Role.MARKETER)
    page = marketer.get(f"/w/{world.acme.slug}/inbox/rules/{rule.json()['id']}")
    assert page.status_code == 200 and "Save rule" not in page.text
    refused = form_post(
        marketer,
        f"/w/{world.acme.slug}/inbox/rules",
        f"/w/{world.acme.slug}/inbox/rules/{rule.json()['id']}/delete",
        {},
    )
    assert refused.status_code == 403


def test_the_api_manages_rules_and_shows_what_they_did(db, world, client_as, app):
    api = _api(app, client_as, Role.SOCIAL_MANAGER)
    base = f"/api/v1/workspaces/{world.acme.slug}/inbox"
    care = api.post(f"{base}/rules", json=RULE).json()
    spam = api.post(
        f"{base}/rules",
        json={
            "name": "Spam",
            "conditions": {"intents": ["spam"]},
            "actions": {"hide": True},
        },
    ).json()
    assert [r["position"] for r in api.get(f"{base}/rules").json()] == [0, 1]
    moved = api.post(
        f"{base}/rules/{spam['id']}/move", json={"direction": "top"}
    ).json()
    assert [r["name"] for r in moved] == ["Spam", "Complaints to care"]
    assert (
        api.patch(f"{base}/rules/{spam['id']}", json={"enabled": False}).json()[
            "enabled"
        ]
        is False
    )
    _ingest(db, world, "My order arrived broken. Really disappointed.")
    runs = api.get(f"{base}/rules/{care['id']}/runs").json()
    assert len(runs) == 1 and runs[0]["trigger"] == "arrival"
    item_id = runs[0]["item_id"]
    history = api.get(f"{base}/items/{item_id}/rule-runs").json()
    assert history[0]["done"][1]["words"] == "tagged care"
    assert api.get(f"{base}/rules/{care['id']}/preview").json()["matching"] == 1
    assert api.post(f"{base}/rules/{care['id']}/run").json() == {"applied": 1}
    changed = dict(RULE, name="Renamed")
    assert (
        api.put(f"{base}/rules/{care['id']}", json=changed).json()["name"] == "Renamed"
    )
    assert api.delete(f"{base}/rules/{care['id']}").status_code == 204
    assert api.get(f"{base}/rules/{care['id']}").status_code == 404


def test_api_validation_names_the_field(world, client_as, app):
    api = _api(app, client_as, Role.OWNER)
    base = f"/api/v1/workspaces/{world.acme.slug}/inbox/rules"
    cases = [
        ({"conditions": {"intents": ["furious"]}}, "conditions.intents"),
        ({"actions": {"assign_user_id": world.outsider.id}}, "actions.assign_user_id"),
        ({"actions": {}}, "actions"),
        ({"conditions": {}}, "conditions"),
        ({"name": ""}, "name"),
    ]
    for change, field in cases:
        body = {**RULE, **change}
        response = api.post(base, json=body)
        assert response.status_code == 422, (field, response.text)
        assert response.json()["field"] == field


def test_another_workspace_sees_none_of_the_rules(world, client_as, app):
    acme = _api(app, client_as, Role.OWNER)
    rule_id = acme.post(
        f"/api/v1/workspaces/{world.acme.slug}/inbox/rules", json=RULE
    ).json()["id"]
    beta = _api(app, client_as, "owner@beta.test")
    base = f"/api/v1/workspaces/{world.beta.slug}/inbox"
    assert beta.get(f"{base}/rules").json() == []
    for response in (
        beta.get(f"{base}/rules/{rule_id}"),
        beta.put(f"{base}/rules/{rule_id}", json=RULE),
        beta.delete(f"{base}/rules/{rule_id}"),
        beta.post(f"{base}/rules/{rule_id}/run"),
        beta.get(f"/api/v1/workspaces/{world.acme.slug}/inbox/rules"),
    ):
        assert response.status_code == 404


def test_metrics_page_csv_and_api_with_empty_weeks(db, world, client_as, app):
    _ingest(db, world, "Is the shop open Sunday?")
    analyst = client_as(Role.ANALYST)
    url = f"/w/{world.acme.slug}/inbox/metrics?since=2026-10-19&until=2026-11-08"
    page = analyst.get(url)
    assert page.status_code == 200
    assert "2026-W43" in page.text and "2026-W45" in page.text
    assert "<svg" in page.text and "data-sla-breaches>0<" in page.text
    csv = analyst.get(
        f"/w/{world.acme.slug}/inbox/metrics.csv?since=2026-10-19&until=2026-11-08"
    )
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].startswith("group,key,items,needing_answer")
    assert any(line.startswith("week,2026-W43,0,0,0,,") for line in lines)
    api = _api(app, client_as, Role.ANALYST)
    report = api.get(
        f"/api/v1/workspaces/{world.acme.slug}/inbox/metrics",
        params={"since": "2026-10-19", "until": "2026-11-08"},
    ).json()
    assert report["total"]["items"] == 1 and report["total"]["needing"] == 1
    assert report["weeks"][0]["stats"]["first_response_median"] is None
    bad = api.get(
        f"/api/v1/workspaces/{world.acme.slug}/inbox/metrics", params={"since": "soon"}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "from"


def test_sla_targets_and_crisis_settings_are_edited_and_validated(
    world, client_as, app
):
    social = client_as(Role.SOCIAL_MANAGER)
    page = f"/w/{world.acme.slug}/inbox/sla"
    saved = form_post(
        social,
        page,
        page,
        {"band_min": ["90", "0", ""], "band_hours": ["0.5", "8", ""]},
    )
    assert saved.status_code == 303
    api = _api(app, client_as, Role.ANALYST)
    view = api.get(f"/api/v1/workspaces/{world.acme.slug}/inbox/sla").json()
    assert view["targets"] == [
        {"min_priority": 90.0, "minutes": 30},
        {"min_priority": 0.0, "minutes": 480},
    ]
    no_floor = form_post(social, page, page, {"band_min": ["50"], "band_hours": ["4"]})
    assert no_floor.status_code == 422 and "must start at 0" in no_floor.text
    crisis = form_post(
        social, page, f"/w/{world.acme.slug}/inbox/crisis", {"enabled": "on", "k": "0"}
    )
    assert crisis.status_code == 422 and 'data-field="k"' in crisis.text
    manager = _api(app, client_as, Role.SOCIAL_MANAGER)
    changed = manager.put(
        f"/api/v1/workspaces/{world.acme.slug}/inbox/sla/crisis",
        json={"enabled": True, "k": 4, "minimum": 20},
    )
    assert changed.json() == {"enabled": True, "k": 4.0, "minimum": 20}
    refused = api.put(
        f"/api/v1/workspaces/{world.acme.slug}/inbox/sla",
        json={"targets": [{"min_priority": 0, "minutes": 60}]},
    )
    assert refused.status_code == 403


def test_the_sla_and_history_macros_render_for_the_inbox_list():
    from datetime import UTC, datetime, timedelta

    from tandem.inbox.rules import Done, RuleRun
    from tandem.inbox.sla import SlaState
    from tandem.web.render import TEMPLATES

    due = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    sla = TEMPLATES.env.get_template("inbox/_sla.html").module
    late = str(sla.sla_badge(SlaState(due, True, timedelta(hours=-2)), "UTC"))
    assert "overdue by 2 h" in late and "sla-breached" in late
    assert str(sla.sla_badge(SlaState(None, False, None))).strip() == ""
    history = TEMPLATES.env.get_template("inbox/_rule_history.html").module
    run = RuleRun(
        "r",
        "x",
        "Spam <b>",
        "i",
        "arrival",
        (Done("hide", "true", "hidden as spam"),),
        due,
    )
    shown = str(history.rule_history([run], "UTC"))
    assert "Spam &lt;b&gt;" in shown and "hidden as spam" in shown


def test_the_sla_page_lists_crisis_alerts_with_their_reasons(db, world, client_as):
    from tandem.inbox.crisis_watch import InboxCrisisAlertRow

    now = world.clock.now()
    with db.session() as s:
        s.add(
            InboxCrisisAlertRow(
                id="a" * 32,
                workspace_id=world.acme.id,
                started_at=now,
                last_seen_at=now,
                ended_at=None,
                volume=24,
                peak=30,
                baseline=3,
                threshold=9.2,
                basis="weekly",
                summary="Negative volume in the last hour: 24\nTop terms: <fire>.",
                details={"terms": ["fire"], "examples": [], "item_ids": []},
            )
        )
    page = client_as(Role.ANALYST).get(f"/w/{world.acme.slug}/inbox/sla")
    assert page.status_code == 200
    assert "ongoing" in page.text and "Top terms: &lt;fire&gt;." in page.text
    assert "Save targets" not in page.text  # analysts read, managers change
