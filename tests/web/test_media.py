"""The media library over HTTP: forms and REST, limits, file serving, roles and tenancy."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from fastapi import FastAPI

from tandem.accounts import Role, User, auth
from tandem.core import Problem, Severity
from tandem.media import LocalMediaStore, MediaInfo
from tandem.media.upload import FIELD_ALLOWANCE
from tandem.storage import Database
from tandem.web.routes import media as media_routes
from tests.support import media as files
from tests.support.world import World
from tests.web.conftest import TestClient, csrf_of, make_settings

PNG = files.image(1080, 1350)
LIMIT = 4000


@pytest.fixture(autouse=True)
def media_app(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    """No ffprobe, so results do not depend on what the machine has installed."""
    monkeypatch.setattr(media_routes, "find_ffprobe", lambda: None)
    return app


@pytest.fixture
def small_limit(app: FastAPI, tmp_path, monkeypatch: pytest.MonkeyPatch) -> int:
    app.state.tandem.settings = make_settings(tmp_path, media_max_bytes=LIMIT)
    return LIMIT


def api_client(app: FastAPI, db: Database, world: World, user: User) -> TestClient:
    with db.session() as session:
        secret, _ = auth.create_api_token(
            session, user=user, name="media test", clock=world.clock
        )
    return TestClient(
        app,
        base_url="http://tandem.test",
        headers={"Authorization": f"Bearer {secret}"},
    )


@pytest.fixture
def acme_api(app, db, world) -> TestClient:
    return api_client(app, db, world, world.users[Role.MARKETER])


@pytest.fixture
def beta_api(app, db, world) -> TestClient:
    return api_client(app, db, world, world.outsider)


def api_upload(
    client: TestClient,
    slug: str,
    data: bytes,
    name: str = "photo.png",
    content_type: str = "image/png",
    alt_text: str = "",
):
    return client.post(
        f"/api/v1/workspaces/{slug}/media",
        files={"file": (name, data, content_type)},
        data={"alt_text": alt_text} if alt_text else None,
    )


def form_upload(client: TestClient, slug: str, data: bytes, name: str = "photo.png"):
    token = csrf_of(client.get(f"/w/{slug}/media").text)
    return client.post(
        f"/w/{slug}/media",
        files={"file": (name, data, "application/octet-stream")},
        data={"csrf_token": token, "alt_text": "A red square"},
        follow_redirects=False,
    )


# ---- uploading ----------------------------------------------------------------------------


def test_a_marketer_uploads_an_image_with_the_form_and_finds_it_in_the_library(
    client_as: Callable[[Role], TestClient], world
):
    client = client_as(Role.MARKETER)
    response = form_upload(client, world.acme.slug, PNG, name="launch.png")
    assert response.status_code == 303, response.text
    item_page = client.get(response.headers["location"])
    assert "Uploaded." in item_page.text
    assert "1080 × 1350" in item_page.text
    library = client.get(f"/w/{world.acme.slug}/media")
    assert "launch.png" in library.text
    assert "A red square" in library.text


def test_an_api_upload_creates_once_and_returns_the_same_item_for_the_same_bytes(
    acme_api, world
):
    first = api_upload(acme_api, world.acme.slug, PNG, alt_text="Poster")
    again = api_upload(acme_api, world.acme.slug, PNG, name="copy.png")
    assert first.status_code == 201, first.text
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    body = first.json()
    assert (body["kind"], body["mime_type"]) == ("image", "image/png")
    assert (body["width"], body["height"], body["alt_text"]) == (1080, 1350, "Poster")
    assert body["file_url"] == f"/w/{world.acme.slug}/media/{body['id']}/file"


def test_a_video_upload_reads_duration_and_size_from_the_mp4(acme_api, world):
    video = files.mp4(seconds=661, width=1920, height=1080)
    response = api_upload(acme_api, world.acme.slug, video, "clip.mp4", "video/mp4")
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["kind"], body["mime_type"]) == ("video", "video/mp4")
    assert (body["width"], body["height"], body["duration_seconds"]) == (
        1920,
        1080,
        661.0,
    )


def test_a_webm_without_ffprobe_is_kept_with_its_duration_marked_unknown(
    client_as, acme_api, world
):
    response = api_upload(
        acme_api, world.acme.slug, files.webm_header(), "clip.webm", "video/webm"
    )
    assert response.status_code == 201, response.text
    assert response.json()["duration_seconds"] is None
    page = client_as(Role.MARKETER).get(
        f"/w/{world.acme.slug}/media/{response.json()['id']}"
    )
    assert "ffprobe" in page.text and "data-media-note" in page.text


def test_a_text_file_named_jpg_is_refused_by_the_api_and_the_form(
    client_as, acme_api, world
):
    response = api_upload(
        acme_api, world.acme.slug, files.NOT_AN_IMAGE, "photo.jpg", "image/jpeg"
    )
    assert response.status_code == 422
    assert "neither an image" in response.json()["detail"]
    assert response.json()["field"] == "file"
    page = form_upload(client_as(Role.MARKETER), world.acme.slug, files.NOT_AN_IMAGE)
    assert page.status_code == 422
    assert "data-upload-error" in page.text and "neither an image" in page.text


def test_an_upload_that_is_not_multipart_is_refused(acme_api, world):
    response = acme_api.post(
        f"/api/v1/workspaces/{world.acme.slug}/media", json={"file": "x"}
    )
    assert response.status_code == 422
    assert "multipart/form-data" in response.json()["detail"]


# ---- the size limit -----------------------------------------------------------------------


def test_an_api_upload_over_the_limit_gets_413_naming_the_limit(
    small_limit, acme_api, world, tmp_path
):
    response = api_upload(acme_api, world.acme.slug, b"\xff\xd8\xff" + b"\0" * 5000)
    assert response.status_code == 413
    assert "upload limit of 3.9 KB (4,000 bytes)" in response.json()["detail"]
    incoming = LocalMediaStore(tmp_path / "media").incoming_dir
    assert not incoming.exists() or list(incoming.iterdir()) == []


def test_a_body_announced_as_too_large_is_refused_before_it_is_read(
    small_limit, acme_api, world
):
    body = b"x" * (LIMIT + FIELD_ALLOWANCE + 1)
    response = acme_api.post(
        f"/api/v1/workspaces/{world.acme.slug}/media",
        content=body,
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert response.status_code == 413
    assert "4,000 bytes" in response.json()["detail"]


def test_a_form_upload_over_the_limit_shows_the_limit_on_the_page(
    small_limit, client_as, world
):
    page = form_upload(client_as(Role.MARKETER), world.acme.slug, b"\0" * 5000)
    assert page.status_code == 413
    assert "upload limit of 3.9 KB" in page.text


# ---- serving files ------------------------------------------------------------------------


def test_the_file_is_served_with_the_detected_type_and_nosniff(
    client_as, acme_api, world
):
    created = api_upload(acme_api, world.acme.slug, PNG, "page.html", "text/html")
    client = client_as(Role.ANALYST)
    response = client.get(created.json()["file_url"])
    assert response.status_code == 200
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"] == 'inline; filename="page.html"'
    download = client.get(created.json()["file_url"] + "?download=1")
    assert download.headers["content-disposition"].startswith("attachment;")


def test_videos_are_served_in_ranges_so_players_can_seek(client_as, acme_api, world):
    video = files.mp4(mdat_bytes=10_000)
    created = api_upload(acme_api, world.acme.slug, video, "clip.mp4", "video/mp4")
    response = client_as(Role.MARKETER).get(
        created.json()["file_url"], headers={"range": "bytes=100-199"}
    )
    assert response.status_code == 206
    assert response.content == video[100:200]
    assert response.headers["content-type"] == "video/mp4"


def test_file_names_are_escaped_in_pages_and_headers(client_as, acme_api, world):
    name = '<img src=x onerror=alert(1)>".png'
    created = api_upload(acme_api, world.acme.slug, PNG, name)
    client = client_as(Role.MARKETER)
    library = client.get(f"/w/{world.acme.slug}/media")
    assert "<img src=x onerror" not in library.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in library.text
    served = client.get(created.json()["file_url"])
    assert '"' not in served.headers["content-disposition"].split("filename*=")[1]


# ---- the item page: alt text and platforms --------------------------------------------------


def test_missing_alt_text_is_warned_and_saving_it_clears_the_warning(
    client_as, acme_api, world
):
    item = api_upload(acme_api, world.acme.slug, PNG).json()
    client = client_as(Role.SOCIAL_MANAGER)
    url = f"/w/{world.acme.slug}/media/{item['id']}"
    assert 'data-problem="media.alt_text_missing"' in client.get(url).text
    token = csrf_of(client.get(url).text)
    saved = client.post(
        f"{url}/alt",
        data={"alt_text": "Team photo at the launch", "csrf_token": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert "Alt text saved." in page.text
    assert "media.alt_text_missing" not in page.text


def test_alt_text_over_1500_characters_is_refused_with_the_limit(
    client_as, acme_api, world
):
    item = api_upload(acme_api, world.acme.slug, PNG).json()
    api = acme_api.patch(
        f"/api/v1/workspaces/{world.acme.slug}/media/{item['id']}",
        json={"alt_text": "a" * 1501},
    )
    assert api.status_code == 422
    client = client_as(Role.MARKETER)
    url = f"/w/{world.acme.slug}/media/{item['id']}"
    page = client.post(
        f"{url}/alt",
        data={"alt_text": "a" * 1501, "csrf_token": csrf_of(client.get(url).text)},
    )
    assert page.status_code == 422
    assert "at most 1,500 characters" in page.text


def test_the_api_changes_alt_text(acme_api, world):
    item = api_upload(acme_api, world.acme.slug, PNG).json()
    url = f"/api/v1/workspaces/{world.acme.slug}/media/{item['id']}"
    assert acme_api.patch(url, json={"alt_text": "Logo"}).json()["alt_text"] == "Logo"
    assert acme_api.get(url).json()["alt_text_problems"] == []


def _fake_validate(
    platform: str, text: str, media: list[MediaInfo], **_: object
) -> list[Problem]:
    info = media[0]
    if platform == "instagram" and info.aspect_ratio and info.aspect_ratio < 0.8:
        return [Problem(Severity.ERROR, "media.aspect_ratio", "Crop to 4:5.")]
    return [Problem(Severity.WARNING, "text.empty", "Write something.")]


def test_the_item_page_shows_each_platforms_media_problems(
    monkeypatch, client_as, acme_api, world
):
    rules = SimpleNamespace(
        validate=_fake_validate,
        PLATFORMS=("instagram", "bluesky"),
        rules_for=lambda platform: SimpleNamespace(label=platform.title()),
    )
    monkeypatch.setattr(media_routes, "platform_rules", rules)
    tall = files.image(1080, 1920)
    item = api_upload(acme_api, world.acme.slug, tall).json()
    detail = acme_api.get(f"/api/v1/workspaces/{world.acme.slug}/media/{item['id']}")
    platforms = {row["platform"]: row for row in detail.json()["platforms"]}
    assert platforms["instagram"]["status"] == "error"
    assert platforms["instagram"]["problems"][0]["message"] == "Crop to 4:5."
    assert platforms["bluesky"] == {
        "platform": "bluesky",
        "label": "Bluesky",
        "status": "ok",
        "problems": [],
    }
    page = client_as(Role.MARKETER).get(f"/w/{world.acme.slug}/media/{item['id']}")
    assert "Crop to 4:5." in page.text and "Write something." not in page.text


def test_the_item_page_has_a_json_twin(client_as, acme_api, world):
    item = api_upload(acme_api, world.acme.slug, files.mp4(), "a.mp4", "video/mp4")
    twin = client_as(Role.MARKETER).get(
        f"/w/{world.acme.slug}/media/{item.json()['id']}", params={"format": "json"}
    )
    assert twin.json()["item"]["duration_seconds"] == 12.5
    assert twin.json()["alt_text_problems"][0]["code"] == "media.alt_text_missing"


def test_an_eleven_minute_video_is_checked_against_the_real_platform_rules(
    client_as, acme_api, world
):
    video = files.mp4(seconds=661, width=1920, height=1080)
    item = api_upload(acme_api, world.acme.slug, video, "talk.mp4", "video/mp4").json()
    detail = acme_api.get(f"/api/v1/workspaces/{world.acme.slug}/media/{item['id']}")
    rows = {row["platform"]: row for row in detail.json()["platforms"]}
    assert len(rows) == 12
    assert rows["tiktok"]["status"] == "error"
    assert "media.duration" in {p["code"] for p in rows["tiktok"]["problems"]}
    assert all(
        p["code"].startswith("media.") for r in rows.values() for p in r["problems"]
    )
    page = client_as(Role.MARKETER).get(f"/w/{world.acme.slug}/media/{item['id']}")
    assert 'data-platform="tiktok"' in page.text and "TikTok" in page.text


# ---- listing ------------------------------------------------------------------------------


def test_the_library_filters_sorts_pages_and_exports(client_as, acme_api, world):
    for width in (100, 200, 300):
        api_upload(acme_api, world.acme.slug, files.image(width, 100), f"{width}.png")
    api_upload(acme_api, world.acme.slug, files.mp4(), "=clip.mp4", "video/mp4")
    client = client_as(Role.ANALYST)
    base = f"/w/{world.acme.slug}/media"
    videos = client.get(base, params={"kind": "video", "format": "json"}).json()
    assert [i["filename"] for i in videos["items"]] == ["=clip.mp4"]
    by_name = client.get(
        base,
        params={"sort": "filename", "order": "asc"},
        headers={"accept": "application/json"},
    ).json()
    assert [i["filename"] for i in by_name["items"]] == [
        "100.png",
        "200.png",
        "300.png",
        "=clip.mp4",
    ]
    api_page = acme_api.get(
        f"/api/v1/workspaces/{world.acme.slug}/media",
        params={"sort": "size", "order": "asc", "limit": 2, "offset": 2},
    ).json()
    assert api_page["total"] == 4 and len(api_page["items"]) == 2
    exported = client.get(base, params={"export": "csv", "kind": "video"})
    header, *rows = list(csv.reader(io.StringIO(exported.text)))
    assert {"id", "filename", "kind", "width", "alt_text", "created_at"} <= set(header)
    (row,) = [dict(zip(header, r, strict=True)) for r in rows]
    assert row["filename"] == "'=clip.mp4"  # no formula in spreadsheets
    assert (row["kind"], row["duration_seconds"]) == ("video", "12.5")


def test_an_unknown_sort_is_refused_with_the_choices(client_as, world):
    response = client_as(Role.ANALYST).get(
        f"/w/{world.acme.slug}/media", params={"sort": "colour", "format": "json"}
    )
    assert response.status_code == 422
    assert "created_at" in response.json()["detail"]


# ---- deleting -----------------------------------------------------------------------------


def test_deleting_keeps_a_file_another_workspace_uses_until_the_last_delete(
    acme_api, beta_api, world, tmp_path
):
    ours = api_upload(acme_api, world.acme.slug, PNG).json()
    theirs = api_upload(beta_api, world.beta.slug, PNG).json()
    sha = ours["sha256"]
    stored = tmp_path / "media" / sha[:2] / sha[2:4] / sha
    assert stored.is_file()
    url = "/api/v1/workspaces/{}/media/{}"
    assert acme_api.delete(url.format(world.acme.slug, ours["id"])).status_code == 204
    assert stored.is_file()
    assert acme_api.get(url.format(world.acme.slug, ours["id"])).status_code == 404
    assert beta_api.delete(url.format(world.beta.slug, theirs["id"])).status_code == 204
    assert not stored.exists()


def test_deleting_with_the_form_goes_back_to_the_library(client_as, acme_api, world):
    item = api_upload(acme_api, world.acme.slug, PNG).json()
    client = client_as(Role.OWNER)
    url = f"/w/{world.acme.slug}/media/{item['id']}"
    response = client.post(
        f"{url}/delete",
        data={"csrf_token": csrf_of(client.get(url).text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "Deleted." in client.get(response.headers["location"]).text
    assert client.get(url).status_code == 404


# ---- roles and tenancy --------------------------------------------------------------------


def test_an_approver_can_neither_upload_nor_browse(client_as, world):
    client = client_as(Role.APPROVER)
    assert client.get(f"/w/{world.acme.slug}/media").status_code == 403
    response = client.post(
        f"/w/{world.acme.slug}/media",
        files={"file": ("photo.png", PNG, "image/png")},
        headers={"x-csrf-token": csrf_of(client.get("/account").text)},
    )
    assert response.status_code == 403


def test_an_analyst_can_browse_but_not_upload(app, db, world):
    analyst = api_client(app, db, world, world.users[Role.ANALYST])
    assert analyst.get(f"/api/v1/workspaces/{world.acme.slug}/media").status_code == 200
    assert api_upload(analyst, world.acme.slug, PNG).status_code == 403


def test_another_workspace_cannot_list_read_download_change_or_delete(
    acme_api, beta_api, client_as, world
):
    item = api_upload(acme_api, world.acme.slug, PNG).json()
    acme, beta = world.acme.slug, world.beta.slug
    api = f"/api/v1/workspaces/{acme}/media"
    assert beta_api.get(api).status_code == 404
    assert beta_api.get(f"{api}/{item['id']}").status_code == 404
    assert (
        beta_api.patch(f"{api}/{item['id']}", json={"alt_text": "x"}).status_code == 404
    )
    assert beta_api.delete(f"{api}/{item['id']}").status_code == 404
    assert api_upload(beta_api, acme, PNG).status_code == 404
    # Acme's id under Beta's own workspace, where the caller is a member: still not found.
    own = f"/api/v1/workspaces/{beta}/media/{item['id']}"
    assert beta_api.get(own).status_code == 404
    assert beta_api.delete(own).status_code == 404
    assert beta_api.get(f"/w/{beta}/media/{item['id']}/file").status_code == 404
    assert beta_api.get(f"/w/{acme}/media/{item['id']}/file").status_code == 404
    assert beta_api.get(f"/api/v1/workspaces/{beta}/media").json()["items"] == []
    outsider = client_as(world.outsider.email)
    assert outsider.get(f"/w/{acme}/media/{item['id']}").status_code == 404
    assert outsider.get(f"/w/{beta}/media/{item['id']}").status_code == 404
