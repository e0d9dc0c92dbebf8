"""Media at signed public URLs: `/m/<token>` serves library files to platform downloaders."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import delete

from tandem.core import new_id
from tandem.jobs.publishing import media_url_options
from tandem.media import LocalMediaStore
from tandem.media.public import outbound_name, outbound_path, sign, signing_key
from tandem.media.store import MediaRow
from tandem.storage import Database
from tests.support.world import World
from tests.web.conftest import TestClient, make_settings

SECRET = "k" * 48  # tests/web/conftest.make_settings
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 120


def add_library_file(
    db: Database, world: World, root: Path, content: bytes = PNG
) -> str:
    """A library item of acme with its bytes stored; returns its outbound name."""
    sha = hashlib.sha256(content).hexdigest()
    source = root / "upload.tmp"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(content)
    LocalMediaStore(root).put(sha, source)
    with db.session() as s:
        s.add(
            MediaRow(
                id=new_id(),
                workspace_id=world.acme.id,
                filename="Our bakery.png",
                sha256=sha,
                size_bytes=len(content),
                kind="image",
                mime_type="image/png",
                alt_text="",
                note="",
                created_at=world.clock.now(),
            )
        )
    return outbound_name(sha, "image/png")


@pytest.fixture
def media_root(tmp_path: Path) -> Path:
    return make_settings(tmp_path).media_dir


@pytest.fixture
def name(db: Database, world: World, media_root: Path) -> str:
    return add_library_file(db, world, media_root)


@pytest.fixture
def anonymous(client: TestClient) -> TestClient:
    return client  # not signed in: platforms fetch without any session


def token_for(world: World, name: str, ttl: timedelta = timedelta(hours=1)) -> str:
    return sign(signing_key(SECRET), name, world.clock.now() + ttl)


def test_anyone_with_the_url_gets_the_file(
    anonymous: TestClient, world: World, name: str
) -> None:
    response = anonymous.get(f"/m/{token_for(world, name)}")

    assert response.status_code == 200
    assert response.content == PNG
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-length"] == str(len(PNG))
    assert response.headers["cache-control"] == "public, max-age=3600, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert response.headers["content-disposition"].startswith("inline")
    assert "set-cookie" not in {k.lower() for k in response.headers}


def test_head_answers_the_headers_without_the_body(
    anonymous: TestClient, world: World, name: str
) -> None:
    response = anonymous.head(f"/m/{token_for(world, name)}")

    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-length"] == str(len(PNG))


def test_caches_keep_the_file_no_longer_than_the_url_lives(
    anonymous: TestClient, world: World, name: str
) -> None:
    token = token_for(world, name)
    world.clock.advance(minutes=50)

    response = anonymous.get(f"/m/{token}")

    assert response.headers["cache-control"] == "public, max-age=600, immutable"


def test_a_long_lived_url_is_cached_a_day_at_most(
    anonymous: TestClient, world: World, name: str
) -> None:
    response = anonymous.get(f"/m/{token_for(world, name, timedelta(days=7))}")

    assert response.headers["cache-control"] == "public, max-age=86400, immutable"


def _not_found(client: TestClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 404, url
    head = client.head(url)
    assert head.status_code == 404, url
    return response.text


def test_expired_forged_and_unknown_tokens_get_the_same_404(
    anonymous: TestClient, world: World, name: str
) -> None:
    valid = token_for(world, name, timedelta(minutes=10))
    forged = valid[:-3] + ("AAA" if not valid.endswith("AAA") else "BBB")
    other_key = sign(
        signing_key("x" * 48), name, world.clock.now() + timedelta(hours=1)
    )
    unknown_file = token_for(world, "f" * 64 + ".png")

    answers = {
        _not_found(anonymous, f"/m/{forged}"),
        _not_found(anonymous, f"/m/{other_key}"),
        _not_found(anonymous, f"/m/{unknown_file}"),
        _not_found(anonymous, "/m/not-a-token"),
    }
    world.clock.advance(minutes=10)
    answers.add(_not_found(anonymous, f"/m/{valid}"))

    assert len(answers) == 1
    (answer,) = answers
    assert "expired" in answer  # one message for every case: which one is not revealed


def test_a_file_deleted_from_the_library_is_no_longer_served(
    anonymous: TestClient, db: Database, world: World, name: str
) -> None:
    token = token_for(world, name)
    assert anonymous.get(f"/m/{token}").status_code == 200
    with db.session() as s:
        s.execute(delete(MediaRow).where(MediaRow.sha256 == name[:64]))

    assert anonymous.get(f"/m/{token}").status_code == 404


def test_missing_bytes_are_a_404_not_an_error(
    anonymous: TestClient, world: World, name: str, media_root: Path
) -> None:
    LocalMediaStore(media_root).delete(name[:64])

    assert _not_found(anonymous, f"/m/{token_for(world, name)}")


def test_a_url_the_worker_signs_is_served(
    anonymous: TestClient, world: World, name: str, media_root: Path, tmp_path: Path
) -> None:
    """The worker's options (jobs/publishing.py) and this route agree on the key."""
    from tandem.connectors.registry import media_urls

    settings = make_settings(tmp_path, base_url="https://tandem.example.com")
    url_for = media_urls("Instagram", media_url_options("instagram", settings))
    assert url_for is not None

    url = url_for(str(outbound_path(media_root, name)))

    assert url.startswith("https://tandem.example.com/m/")
    response = anonymous.get(url.removeprefix("https://tandem.example.com"))
    assert response.status_code == 200
    assert response.content == PNG


@pytest.fixture
def rotated_app(db: Database, world: World, tmp_path: Path) -> Iterator[TestClient]:
    from tandem.web import create_app

    settings = make_settings(
        tmp_path, secret_key="n" * 48, secret_key_previous="o" * 8 + "," + SECRET
    )
    app: FastAPI = create_app(settings, database=db, clock=world.clock)
    with TestClient(app, base_url="http://tandem.test") as c:
        yield c


def test_urls_signed_before_a_key_rotation_still_work(
    rotated_app: TestClient, world: World, name: str
) -> None:
    response = rotated_app.get(f"/m/{token_for(world, name)}")

    assert response.status_code == 200
    assert response.content == PNG
