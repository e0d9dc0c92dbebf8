"""Bulk CSV import: every row checked, row numbers in errors, all or nothing unless asked."""

from __future__ import annotations

from tandem.accounts import Role
from tests.web.conftest import csrf_of

HEADER = "account,text,time,campaign,link,sponsored\n"
GOOD = '@acme,"Three new colours of the Trail Bottle. #TrailBottle",2026-11-10 09:30,spring,https://shop.example.com/t,no\n'
TOO_LONG = "@acme," + "x" * 300 + ",2026-11-11 09:30,spring,,no\n"
UNKNOWN = "@nobody,Hello there,2026-11-12 09:30,,,no\n"
BAD_TIME = "@acme,Hello there,next tuesday,,,no\n"


def _upload(client, world, content: str, valid_only: bool = False):
    page = f"/w/{world.acme.slug}/create/import"
    token = csrf_of(client.get(page).text)
    data = {"csrf_token": token}
    if valid_only:
        data["valid_only"] = "true"
    return client.post(
        page, data=data, files={"file": ("posts.csv", content.encode(), "text/csv")}
    )


def _briefs(client, world) -> int:
    return client.get(f"/api/v1/workspaces/{world.acme.slug}/briefs").json()["total"]


def test_a_clean_file_imports_every_row_as_a_draft_with_its_text_kept(client_as, world):
    c = client_as(Role.SOCIAL_MANAGER)
    response = _upload(c, world, HEADER + GOOD + GOOD.replace("Three", "Four"))
    assert response.status_code == 200 and "Imported 2 of 2 row(s)" in response.text
    briefs = c.get(f"/api/v1/workspaces/{world.acme.slug}/briefs").json()["briefs"]
    assert {b["status"] for b in briefs} == {"draft"}
    detail = c.get(
        f"/api/v1/workspaces/{world.acme.slug}/briefs/{briefs[0]['id']}"
    ).json()
    assert detail["variants"][0]["variant"]["parts"][0].endswith("#TrailBottle")
    assert detail["brief"]["planned_at"].startswith(
        "2026-11-10T08:30"
    )  # 09:30 in Paris


def test_a_bad_row_blocks_the_whole_file_and_every_error_names_its_row(
    client_as, world
):
    c = client_as(Role.SOCIAL_MANAGER)
    response = _upload(c, world, HEADER + GOOD + TOO_LONG + UNKNOWN + BAD_TIME)
    assert response.status_code == 422 and "Nothing was imported" in response.text
    for row, text in [
        (3, "x: "),
        (4, "No connected account"),
        (5, "is not a time like"),
    ]:
        assert f'<td class="num">{row}</td>' in response.text, row
        assert text in response.text
    assert _briefs(c, world) == 0


def test_the_valid_rows_are_imported_only_when_asked(client_as, world):
    c = client_as(Role.SOCIAL_MANAGER)
    response = _upload(c, world, HEADER + GOOD + UNKNOWN, valid_only=True)
    assert response.status_code == 200 and "Imported 1 of 2 row(s)" in response.text
    assert _briefs(c, world) == 1


def test_a_wrong_header_is_explained(client_as, world):
    c = client_as(Role.SOCIAL_MANAGER)
    response = _upload(c, world, "handle,message\n@acme,hi\n")
    assert (
        response.status_code == 422
        and "needs the column(s) account, text" in response.text
    )


def test_the_api_reports_rows_as_json(client_as, world):
    c = client_as(Role.MARKETER)
    token = csrf_of(c.get(f"/w/{world.acme.slug}/create/import").text)
    response = c.post(
        f"/api/v1/workspaces/{world.acme.slug}/briefs/import",
        headers={"x-csrf-token": token},
        files={"file": ("p.csv", (HEADER + UNKNOWN).encode(), "text/csv")},
    )
    body = response.json()
    assert response.status_code == 200 and body["imported"] is False
    assert body["errors"] == [
        {"row": 2, "field": "account", "message": body["errors"][0]["message"]}
    ]
