"""Measure analysis pages and API over HTTP: attribution, paths, funnels, cohorts, experiments."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from tandem.accounts import Role
from tandem.storage.warehouse import Warehouse
from tests.integration.test_collect_journeys import scenario
from tests.web.conftest import api_client, csrf_of, form_post

RANGE = {"since": "2026-10-23", "until": "2026-11-02", "compare": "previous"}


@pytest.fixture
def events(app, world, tmp_path):
    """The journeys scenario (tests/integration) in this workspace's warehouse."""
    mine = [
        replace(
            e,
            workspace_id=world.acme.id
            if e.workspace_id == "ws-acme"
            else world.beta.id,
        )
        for e in scenario()
    ]
    with Warehouse(tmp_path / "warehouse.duckdb") as warehouse:
        warehouse.append(mine)


@pytest.fixture
def marketer(app, client_as):
    return api_client(app, client_as, Role.MARKETER)


def _base(world, slug=None):
    return f"/api/v1/workspaces/{slug or world.acme.slug}/measure"


def test_the_attribution_api_credits_every_model(events, marketer, world):
    response = marketer.get(f"{_base(world)}/attribution", params=RANGE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["totals"]["conversions"] == 5
    by = {c["channel"]: c for c in body["channels"]}
    assert by["Organic Social"]["value"]["first_touch"] == pytest.approx(100.0)
    assert by["Email"]["conversions"]["last_touch"] == pytest.approx(4.0)
    assert {m["key"] for m in body["models"]} >= {"markov", "shapley", "time_decay"}
    assert body["graph"]["figure"]["data"][0]["type"] == "bar"


def test_another_workspace_sees_none_of_it(events, app, client_as, world):
    beta = api_client(app, client_as, "owner@beta.test")
    body = beta.get(f"{_base(world, world.beta.slug)}/attribution", params=RANGE).json()
    # Only beta's own journey (Display, 999.0), none of acme's five conversions.
    assert body["totals"]["conversions"] == 1 and body["totals"]["value"] == 999.0
    assert [c["channel"] for c in body["channels"]] == ["Display"]


def test_the_attribution_page_draws_the_models_and_exports_csv(
    events, client_as, world
):
    analyst = client_as(Role.ANALYST)
    page = analyst.get(f"/w/{world.acme.slug}/measure/attribution", params=RANGE)
    assert page.status_code == 200
    assert 'id="attribution-models"' in page.text and "Shapley" in page.text
    exported = analyst.get(
        f"/w/{world.acme.slug}/measure/attribution", params={**RANGE, "format": "csv"}
    )
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    email = next(r for r in rows if r["channel"] == "Email")
    assert float(email["last_touch_conversions"]) == pytest.approx(4.0)


def test_paths_funnels_and_cohorts_answer(events, marketer, world):
    paths = marketer.get(f"{_base(world)}/paths", params=RANGE).json()
    assert paths["paths"][0] | {
        "path": "Email", "conversions": 2, "value": 30.0, "not_converted": 0,
        "conversion_rate": 1.0,
    } == paths["paths"][0]  # fmt: skip
    funnel = marketer.get(
        f"{_base(world)}/funnels", params={**RANGE, "step": ["pageview", "conversion"]}
    ).json()
    assert [s["step"] for s in funnel["steps"]] == ["pageview", "conversion"]
    assert funnel["steps"][0]["people"] >= funnel["steps"][1]["people"] > 0
    cohorts = marketer.get(
        f"{_base(world)}/cohorts", params={**RANGE, "weeks": 2}
    ).json()
    assert cohorts["cohorts"] and all(len(c["active"]) == 2 for c in cohorts["cohorts"])


@pytest.mark.parametrize(
    ("path", "params", "status", "field"),
    [
        ("attribution", {"since": "yesterday"}, 422, "since"),
        ("attribution", {"since": "2026-11-02", "until": "2026-10-01"}, 422, "since"),
        ("attribution", {"compare": "lastweek"}, 422, "compare"),
        ("funnels", {"step": ["pageview", "visit:/x"]}, 422, "steps"),
        ("funnels", {"step": ["pageview"]}, 422, "steps"),
        ("cohorts", {"weeks": "99"}, 422, "weeks"),
        ("paths", {"limit": "lots"}, 422, "limit"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(
    marketer, world, path, params, status, field
):
    response = marketer.get(f"{_base(world)}/{path}", params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    named = {problem.get("field")} | {e["field"] for e in problem.get("errors", [])}
    assert field in named


def test_experiments_crud_and_results(marketer, app, client_as, world):
    body = {
        "key": "hero", "name": "Hero copy",
        "variants": [{"name": "A", "weight": 1}, {"name": "B", "weight": 1}],
        "counts": {"A": {"visitors": 1000, "conversions": 50},
                   "B": {"visitors": 1000, "conversions": 80}},
    }  # fmt: skip
    made = marketer.post(f"{_base(world)}/experiments", json=body)
    assert made.status_code == 201, made.text
    exp_id = made.json()["id"]
    again = marketer.post(f"{_base(world)}/experiments", json=body)
    assert again.status_code == 409 and "key" in again.text
    result = marketer.get(f"{_base(world)}/experiments/{exp_id}").json()
    [vs_b] = result["result"]["comparisons"]
    assert vs_b["outcome"] == "better"
    assert vs_b["prob_beats_control"] > 0.99
    assert result["plan"]["per_variant"] > 0
    lopsided = {**body, "counts": {"A": {"visitors": 1000, "conversions": 50},
                                   "B": {"visitors": 1200, "conversions": 80}}}  # fmt: skip
    assert (
        marketer.put(f"{_base(world)}/experiments/{exp_id}", json=lopsided).status_code
        == 200
    )
    result = marketer.get(f"{_base(world)}/experiments/{exp_id}").json()
    assert result["result"]["comparisons"][0]["headline"] == (
        "Sample ratio mismatch: don't trust this"
    )
    analyst = api_client(app, client_as, Role.ANALYST)
    assert analyst.get(f"{_base(world)}/experiments").status_code == 200
    assert analyst.delete(f"{_base(world)}/experiments/{exp_id}").status_code == 403
    beta = api_client(app, client_as, "owner@beta.test")
    assert (
        beta.get(f"{_base(world, world.beta.slug)}/experiments/{exp_id}").status_code
        == 404
    )
    assert marketer.delete(f"{_base(world)}/experiments/{exp_id}").status_code == 204
    assert marketer.get(f"{_base(world)}/experiments").json() == []


def test_a_bad_experiment_names_the_field(marketer, world):
    response = marketer.post(
        f"{_base(world)}/experiments",
        json={
            "key": "Hero Copy",
            "name": "x",
            "variants": [{"name": "A"}, {"name": "B"}],
        },
    )
    assert response.status_code == 422
    assert response.json()["field"] == "key"


def test_an_experiment_made_in_the_page_shows_its_verdict(client_as, world):
    marketer = client_as(Role.MARKETER)
    base = f"/w/{world.acme.slug}/measure/experiments"
    made = form_post(marketer, base, base, {"name": "Hero", "key": "hero",
                     "variants": "A:50, B:50", "metric": "conversion"})  # fmt: skip
    assert made.status_code == 303
    page = marketer.get(made.headers["location"])
    assert page.status_code == 200
    assert "exp:hero" in page.text and "Not enough data yet" in page.text
    bad = form_post(marketer, base, base, {"name": "Bad", "key": "bad",
                    "variants": "A:x, B:1", "metric": "conversion"})  # fmt: skip
    assert bad.status_code == 422 and "weight" in bad.text


def test_measure_pages_of_another_workspace_are_not_found(client_as, world):
    outsider = client_as(world.outsider.email)
    for path in ["attribution", "paths", "funnels", "cohorts", "experiments"]:
        response = outsider.get(f"/w/{world.acme.slug}/measure/{path}")
        assert response.status_code == 404, path


def test_an_analyst_sees_experiments_but_cannot_add_one(client_as, world):
    analyst = client_as(Role.ANALYST)
    base = f"/w/{world.acme.slug}/measure/experiments"
    page = analyst.get(base)
    assert page.status_code == 200 and "New experiment" not in page.text
    refused = form_post(
        analyst, base, base, {"name": "X", "key": "x", "variants": "A, B"}
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "attribution?since=2026-02-30",
        "attribution?until=%00",
        "paths?limit=0",
        "funnels?step=url:%25_!*&step=event:%27;drop",
        "funnels?step=" + "x" * 2000 + "&step=pageview",
        "cohorts?weeks=-1",
        "cohorts?since=1900-01-01&until=1900-01-02",
        "experiments/nope",
        "experiments/nope?baseline=2",
    ],
)
def test_odd_input_never_fails_the_server(events, marketer, world, query):
    response = marketer.get(f"{_base(world)}/{query}")
    assert response.status_code in (200, 404, 422), response.text


def test_a_revenue_experiment_with_no_data_says_so(marketer, world, events):
    made = marketer.post(
        f"{_base(world)}/experiments",
        json={
            "key": "price",
            "name": "Price",
            "metric": "revenue",
            "variants": [{"name": "A"}, {"name": "B"}],
        },  # fmt: skip
    ).json()
    result = marketer.get(
        f"{_base(world)}/experiments/{made['id']}", params={"baseline": 0.9, "mde": 0.5}
    )
    assert result.status_code == 422 and result.json()["field"] == "mde"
    result = marketer.get(f"{_base(world)}/experiments/{made['id']}").json()
    assert result["result"]["comparisons"][0]["outcome"] == "not_enough_data"
    assert result["plan"] is None


SAVED = {
    "name": "Buyers",
    "steps": [{"match": "pageview"}, {"match": "conversion"}],
    "window_days": 7,
}


def test_saved_funnels_over_the_api(events, marketer, app, client_as, world):
    made = marketer.post(f"{_base(world)}/saved-funnels", json=SAVED)
    assert made.status_code == 201, made.text
    funnel_id = made.json()["id"]
    assert made.json()["steps"] == [
        {"match": "pageview", "value": ""}, {"match": "conversion", "value": ""},
    ]  # fmt: skip
    assert [
        f["name"] for f in marketer.get(f"{_base(world)}/saved-funnels").json()
    ] == ["Buyers"]
    again = marketer.post(f"{_base(world)}/saved-funnels", json=SAVED)
    assert again.status_code == 409 and again.json()["field"] == "name"
    results = marketer.get(
        f"{_base(world)}/saved-funnels/{funnel_id}/results", params=RANGE
    ).json()
    assert results["funnel"]["name"] == "Buyers" and results["window_days"] == 7
    adhoc = marketer.get(
        f"{_base(world)}/funnels", params={**RANGE, "step": ["pageview", "conversion"]}
    ).json()
    assert [s["people"] for s in results["steps"]] == [
        s["people"] for s in adhoc["steps"]
    ]
    changed = marketer.put(
        f"{_base(world)}/saved-funnels/{funnel_id}",
        json={
            **SAVED,
            "name": "Renamed",
            "steps": [*SAVED["steps"], {"match": "url", "value": "*/thanks*"}],
        },  # fmt: skip
    )
    assert changed.status_code == 200 and len(changed.json()["steps"]) == 3
    analyst = api_client(app, client_as, Role.ANALYST)
    assert analyst.get(f"{_base(world)}/saved-funnels/{funnel_id}").status_code == 200
    assert (
        analyst.delete(f"{_base(world)}/saved-funnels/{funnel_id}").status_code == 403
    )
    beta = api_client(app, client_as, "owner@beta.test")
    other = f"{_base(world, world.beta.slug)}/saved-funnels/{funnel_id}"
    assert beta.get(other).status_code == 404
    assert beta.get(f"{other}/results").status_code == 404
    assert (
        marketer.delete(f"{_base(world)}/saved-funnels/{funnel_id}").status_code == 204
    )
    assert marketer.get(f"{_base(world)}/saved-funnels/{funnel_id}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**SAVED, "steps": [{"match": "pageview"}, {"match": "conversion"},
                             {"match": "visit", "value": "/x"}]}, "steps[2].match"),
        ({**SAVED, "steps": [{"match": "url"}, {"match": "conversion"}]}, "steps[0].value"),
        ({**SAVED, "name": " "}, "name"),
        ({**SAVED, "window_days": 400}, "window_days"),
        ({**SAVED, "steps": [{"match": "pageview"}]}, "steps"),
        ({**SAVED, "steps": "pageview"}, "steps"),
        ({**SAVED, "name": "x\x00"}, "name"),
    ],
)  # fmt: skip
def test_a_bad_saved_funnel_is_a_problem_naming_the_field(marketer, world, body, field):
    response = marketer.post(f"{_base(world)}/saved-funnels", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    named = {problem.get("field")} | {e["field"] for e in problem.get("errors", [])}
    assert field in named
    assert problem.get("detail")


def test_a_funnel_saved_in_the_page_is_listed_reopened_edited_and_deleted(
    events, client_as, world
):
    marketer = client_as(Role.MARKETER)
    base = f"/w/{world.acme.slug}/measure/funnels"
    token = csrf_of(marketer.get(base).text)
    made = marketer.post(base, data={
        "csrf_token": token, "name": "Buyers", "window_days": "7",
        "match": ["pageview", "conversion", ""], "value": ["", "", ""],
    }, follow_redirects=False)  # fmt: skip
    assert made.status_code == 303, made.text
    listed = marketer.get(base, params=RANGE)
    assert "Buyers" in listed.text and 'id="saved-funnels"' in listed.text
    page = marketer.get(made.headers["location"], params=RANGE)
    assert page.status_code == 200 and 'id="funnel-table"' in page.text
    exported = marketer.get(made.headers["location"], params={**RANGE, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["step"] for r in rows] == ["pageview", "conversion"]
    assert "people_comparison" in rows[0] and "people_change_pct" in rows[0]
    bad = marketer.post(made.headers["location"], data={
        "csrf_token": token, "name": "Buyers", "window_days": "7",
        "match": ["pageview", "url"], "value": ["", ""],
    }, follow_redirects=False)  # fmt: skip
    assert bad.status_code == 422 and "steps[1].value" in bad.text
    edited = marketer.post(made.headers["location"], data={
        "csrf_token": token, "name": "Shoppers", "window_days": "3",
        "match": ["pageview", "conversion"], "value": ["", ""],
    }, follow_redirects=False)  # fmt: skip
    assert edited.status_code == 303
    assert "Shoppers" in marketer.get(base).text
    gone = marketer.post(made.headers["location"] + "/delete",
                         data={"csrf_token": token}, follow_redirects=False)  # fmt: skip
    assert gone.status_code == 303
    assert "No saved funnels yet" in marketer.get(base).text


def test_every_attribution_number_has_its_comparison_and_change(
    events, marketer, world
):
    # The scenario's conversions are on 2026-11-02 (and one on 10-31); a custom comparison
    # period with no conversions gives a zero base: change = the value, percent "-" (None).
    empty = marketer.get(f"{_base(world)}/attribution", params={
        **RANGE, "compare": "custom", "compare_since": "2026-01-01",
        "compare_until": "2026-01-10"}).json()  # fmt: skip
    assert empty["comparison"]["start"] == "2026-01-01"
    assert empty["totals"]["conversions_comparison"] == 0
    assert empty["totals"]["conversions_change"] == 5
    assert empty["totals"]["conversions_change_pct"] is None
    email = next(c for c in empty["channels"] if c["channel"] == "Email")
    assert email["conversions_change"]["last_touch"] == pytest.approx(4.0)
    assert email["conversions_change_pct"]["markov"] is None
    same = marketer.get(f"{_base(world)}/attribution", params={
        **RANGE, "compare": "custom", "compare_since": RANGE["since"],
        "compare_until": RANGE["until"]}).json()  # fmt: skip
    assert (
        same["totals"]["value_change"] == 0 and same["totals"]["value_change_pct"] == 0
    )
    email = next(c for c in same["channels"] if c["channel"] == "Email")
    assert email["conversions_comparison"]["linear"] == email["conversions"]["linear"]
    none = marketer.get(
        f"{_base(world)}/attribution", params={**RANGE, "compare": "none"}
    )
    assert none.json()["totals"]["conversions_comparison"] is None


def test_funnel_and_cohort_views_carry_the_comparison(events, client_as, world):
    analyst = client_as(Role.ANALYST)
    base = f"/w/{world.acme.slug}/measure"
    same = {**RANGE, "compare": "custom", "compare_since": RANGE["since"],
            "compare_until": RANGE["until"]}  # fmt: skip
    funnel = analyst.get(f"{base}/funnels", params={**same, "format": "json",
                         "step": ["pageview", "conversion"]}).json()  # fmt: skip
    first = funnel["steps"][0]
    assert first["people_comparison"] == first["people"] and first["people_change"] == 0
    cohorts = analyst.get(f"{base}/cohorts", params={**same, "format": "json"}).json()
    assert cohorts["totals"]["people_comparison"] == cohorts["totals"]["people"] > 0
    assert {c["channel"] for c in cohorts["channels"]} >= {"Email", "Organic Social"}
    exported = analyst.get(f"{base}/cohorts", params={**same, "format": "csv"})
    summary = [
        r for r in csv.DictReader(io.StringIO(exported.text)) if r["week"] == "all"
    ]
    assert summary and float(summary[0]["people_change"]) == 0
    page = analyst.get(f"{base}/cohorts", params=same)
    assert 'id="cohort-channels"' in page.text and 'data-delta="people"' in page.text
    missing = analyst.get(f"{base}/attribution", params={**RANGE, "compare": "custom"})
    assert missing.status_code == 422 and "compare_since" in missing.text


def test_model_parameters_change_the_credits_and_follow_into_the_csv(
    events, marketer, client_as, world
):
    def credit(**params):
        body = marketer.get(f"{_base(world)}/attribution", params={**RANGE, **params})
        assert body.status_code == 200, body.text
        return {
            c["channel"]: c["conversions"] for c in body.json()["channels"]
        }, body.json()

    default, body = credit()
    assert body["params"] == {"order": 1, "half_life": 7.0, "first_share": 0.4,
                              "last_share": 0.4, "lookback": 30}  # fmt: skip
    ends, _ = credit(first_share=1.0, last_share=0.0)
    assert ends["Organic Social"]["position_based"] == pytest.approx(
        default["Organic Social"]["first_touch"]
    )
    short, _ = credit(lookback=2)  # the Referral touch (5 days before) falls out
    assert "Referral" not in short and "Referral" in default
    assert sum(c["markov"] for c in credit(order=3)[0].values()) == pytest.approx(5)
    analyst = client_as(Role.ANALYST)
    exported = analyst.get(f"/w/{world.acme.slug}/measure/attribution",
                           params={**RANGE, "order": 2, "half_life": 2.5, "format": "csv"})  # fmt: skip
    row = next(csv.DictReader(io.StringIO(exported.text)))
    assert row["order"] == "2" and row["half_life"] == "2.5"
    assert "markov_conversions_comparison" in row
    page = analyst.get(f"/w/{world.acme.slug}/measure/attribution",
                       params={**RANGE, "order": 3})  # fmt: skip
    assert 'data-order="3"' in page.text and '<option value="3" selected>' in page.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"order": 5}, "order"),
        ({"order": "two"}, "order"),
        ({"half_life": 0}, "half_life"),
        ({"first_share": 1.5}, "first_share"),
        ({"first_share": 0.7, "last_share": 0.5}, "last_share"),
        ({"lookback": 0}, "lookback"),
    ],
)
def test_bad_model_parameters_name_the_field(marketer, world, params, field):
    response = marketer.get(f"{_base(world)}/attribution", params=params)
    assert response.status_code == 422, response.text
    problem = response.json()
    named = {problem.get("field")} | {e["field"] for e in problem.get("errors", [])}
    assert field in named


# The journeys scenario split in two: Nov 1-2 against Oct 25-31 (Europe/Paris).
# Comparison: vE converts on Oct 31 after an Email touch (Email: 1 conversion, 10.0);
# vA and vD (Organic Social), vB1 (Paid Search) and vC (Referral) have not converted yet.
# Period: vE again after Email (1, 20.0), vA Organic Social > Email (1, 100.0), vB Paid
# Search > Email (1, 50.0), vC Referral (1, 25.0) and then an open Organic Search journey.
SPLIT = {"since": "2026-11-01", "until": "2026-11-02", "compare": "custom",
         "compare_since": "2026-10-25", "compare_until": "2026-10-31"}  # fmt: skip


def test_every_path_number_has_its_comparison_and_change(events, marketer, world):
    body = marketer.get(f"{_base(world)}/paths", params=SPLIT).json()
    assert body["comparison"] == {"start": "2026-10-25", "end": "2026-10-31",
                                  "zone": world.acme.timezone}  # fmt: skip
    by = {p["path"]: p for p in body["paths"]}
    assert [p["path"] for p in body["paths"]] == [
        "Email", "Organic Social > Email", "Paid Search > Email", "Referral",
        "Organic Search", "Organic Social", "Paid Search",
    ]  # fmt: skip
    email = by["Email"]
    assert (email["conversions"], email["conversions_comparison"]) == (1, 1)
    assert (email["conversions_change"], email["conversions_change_pct"]) == (0, 0)
    assert (email["value"], email["value_comparison"]) == (20.0, 10.0)
    assert (email["value_change"], email["value_change_pct"]) == (10.0, 1.0)
    assert email["status"] == "current"
    referral = by["Referral"]  # converted now, an open journey in the comparison
    assert referral["not_converted_comparison"] == 1
    assert referral["not_converted_change"] == -1
    assert referral["not_converted_change_pct"] == -1.0
    assert referral["conversions_change"] == 1
    assert referral["conversions_change_pct"] is None  # zero base: "-"
    new = by["Organic Social > Email"]  # only in the period
    assert new["status"] == "new" and new["conversions_comparison"] == 0
    assert new["value_change"] == 100.0 and new["value_change_pct"] is None
    gone = by["Organic Social"]  # only in the comparison (vA's and vD's open journeys)
    assert gone["status"] == "gone"
    assert (gone["not_converted"], gone["not_converted_comparison"]) == (0, 2)
    assert gone["not_converted_change_pct"] == -1.0
    totals = body["totals"]
    assert (totals["conversions"], totals["conversions_comparison"]) == (4, 1)
    assert totals["conversions_change"] == 3 and totals["conversions_change_pct"] == 3.0
    assert (totals["value"], totals["value_comparison"]) == (195.0, 10.0)
    assert totals["value_change"] == 185.0 and totals["value_change_pct"] == 18.5
    assert (totals["not_converted"], totals["not_converted_comparison"]) == (1, 4)
    assert totals["not_converted_change_pct"] == -0.75
    assert (totals["distinct_paths"], totals["distinct_paths_comparison"]) == (5, 4)
    bars = body["graph"]["figure"]["data"]
    assert [b["name"] for b in bars] == ["Conversions", "Comparison period"]
    assert bars[1]["y"][:2] == [1, 0]


def test_the_journeys_page_shows_the_change_and_exports_it(
    events, app, client_as, world
):
    analyst = client_as(Role.ANALYST)
    base = f"/w/{world.acme.slug}/measure/paths"
    twin = analyst.get(
        base, params=SPLIT, headers={"Accept": "application/json"}
    ).json()
    api = api_client(app, client_as, Role.ANALYST)
    assert (
        twin["paths"] == api.get(f"{_base(world)}/paths", params=SPLIT).json()["paths"]
    )
    assert twin["totals"]["value_change"] == 185.0
    page = analyst.get(base, params=SPLIT)
    assert page.status_code == 200 and 'id="paths-kpis"' in page.text
    assert 'data-path="Organic Social &gt; Email" data-status="new"' in page.text
    assert '<span class="up" data-delta="conversions">new</span>' in page.text
    assert 'data-path="Organic Social" data-status="gone"' in page.text
    assert '+3 <span class="up">(+300.0%)</span>' in page.text  # totals conversions
    exported = analyst.get(base, params={**SPLIT, "format": "csv"})
    assert exported.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(exported.text))
    assert reader.fieldnames == ["path"] + [
        f"{m}{s}" for m in ("conversions", "value", "not_converted")
        for s in ("", "_comparison", "_change", "_change_pct")
    ] + ["status"]  # fmt: skip
    rows = {r["path"]: r for r in reader}
    assert rows["Email"]["value_change"] == "10.0"
    assert rows["Email"]["value_change_pct"] == "1.0"
    assert rows["Referral"]["conversions_change_pct"] == ""
    assert rows["Paid Search"]["status"] == "gone"
    assert rows["All paths"]["status"] == "total"
    assert rows["All paths"]["value_change"] == "185.0"


def test_journeys_without_a_comparison(events, client_as, world):
    analyst = client_as(Role.ANALYST)
    base = f"/w/{world.acme.slug}/measure/paths"
    alone = {**SPLIT, "compare": "none"}
    body = analyst.get(base, params={**alone, "format": "json"}).json()
    assert body["comparison"] is None
    assert {p["status"] for p in body["paths"]} == {"current"}
    assert len(body["paths"]) == body["distinct_paths"] == 5  # no comparison-only rows
    assert all(p["conversions_comparison"] is None for p in body["paths"])
    assert body["totals"]["value_change"] is None
    assert len(body["graph"]["figure"]["data"]) == 1
    page = analyst.get(base, params=alone)
    assert 'id="paths-kpis"' not in page.text and "data-delta" not in page.text
    exported = analyst.get(base, params={**alone, "format": "csv"})
    total = list(csv.DictReader(io.StringIO(exported.text)))[-1]
    assert total["conversions"] == "4" and total["conversions_comparison"] == ""
