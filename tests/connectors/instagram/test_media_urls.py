"""Instagram (and Threads) get media as signed public URLs of this Tandem, through the worker.

A scheduled variant's library files travel in its publication, the worker hands them to the
connector as named local files, and the connector the registry builds turns each into
`<TANDEM_BASE_URL>/m/<token>` for Meta to download (recorded Graph API answers).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tandem.compose.publishing import schedule_variant
from tandem.compose.store import BriefRow, VariantRow
from tandem.connectors import registry
from tandem.connectors.instagram import InstagramConnector
from tandem.core import new_id
from tandem.jobs.publishing import media_url_options, policy_for, publishers_for
from tandem.media import LocalMediaStore
from tandem.media.public import outbound_name, outbound_path, verify
from tandem.media.store import MediaRow
from tandem.publish import worker as pw
from tandem.publish.ledger import PublicationRow, PublicationState
from tandem.publish.ports import AccountRef, ErrorKind, Publisher, PublishError
from tandem.publish.store import SocialAccountRow
from tandem.settings import Settings
from tandem.storage import Database
from tests.connectors.instagram.conftest import IG_ID, MEDIA_ID, TOKEN
from tests.connectors.replay import Replay, form_of
from tests.support.world import World

SECRET = "m" * 48
PUBLIC = "https://tandem.example.com"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
LEASE = timedelta(minutes=5)


def settings_for(tmp_path: Path, base_url: str = PUBLIC) -> Settings:
    return Settings(  # type: ignore[call-arg]
        data_dir=tmp_path, secret_key=SECRET, base_url=base_url, log_format="text"
    )


def library_file(db: Database, world: World, root: Path) -> tuple[str, str]:
    """An image in acme's library with its bytes stored: (media id, sha256)."""
    sha = hashlib.sha256(JPEG).hexdigest()
    source = root / "incoming.tmp"
    root.mkdir(parents=True, exist_ok=True)
    source.write_bytes(JPEG)
    LocalMediaStore(root).put(sha, source)
    media_id = new_id()
    with db.session() as s:
        s.add(
            MediaRow(
                id=media_id,
                workspace_id=world.acme.id,
                filename="Loaf.JPG",
                sha256=sha,
                size_bytes=len(JPEG),
                kind="image",
                mime_type="image/jpeg",
                alt_text="",
                note="",
                created_at=world.clock.now(),
            )
        )
    return media_id, sha


def scheduled_instagram_post(db: Database, world: World, media_ids: list[str]) -> str:
    """A scheduled brief's Instagram variant, due now, handed to the publisher."""
    now = world.clock.now()
    with db.session() as s:
        account_id = new_id()
        s.add(
            SocialAccountRow(
                id=account_id,
                workspace_id=world.acme.id,
                platform="instagram",
                handle="crumbbakery",
                display_name="Crumb Bakery",
                created_at=now,
            )
        )
        brief = BriefRow(
            id=new_id(),
            workspace_id=world.acme.id,
            title="Bread",
            text="Fresh bread",
            status="scheduled",
            planned_at=now,
            created_at=now,
            updated_at=now,
        )
        s.add(brief)
        s.flush()
        variant = VariantRow(
            id=new_id(),
            brief_id=brief.id,
            workspace_id=world.acme.id,
            account_id=account_id,
            platform="instagram",
            content={"parts": ["Fresh bread, every morning"], "media": media_ids},
            updated_at=now,
        )
        s.add(variant)
        s.flush()
        publication = schedule_variant(s, variant_id=variant.id, now=now)
        assert publication is not None
        return publication.id


def with_credentials(resolve: Callable[[str], Publisher]) -> Callable[[str], Publisher]:
    """Stored credentials are another test's subject (tests/integration/test_credentials.py):
    here the connector gets the Graph ids and token the recordings expect."""

    class Credentialed:
        def __init__(self, inner: Publisher) -> None:
            self.inner = inner

        def _with(self, account: AccountRef) -> AccountRef:
            bag = {"ig_user_id": IG_ID, "access_token": TOKEN, "page_id": "1"}
            return replace(account, credentials=bag)

        def publish(self, account, post):  # type: ignore[no-untyped-def]
            return self.inner.publish(self._with(account), post)

        def recent_posts(self, account, *, since):  # type: ignore[no-untyped-def]
            return self.inner.recent_posts(self._with(account), since=since)

        def delete(self, account, platform_post_id):  # type: ignore[no-untyped-def]
            self.inner.delete(self._with(account), platform_post_id)

    return lambda platform: Credentialed(resolve(platform))


@pytest.fixture
def recorded_instagram(replay: Replay, monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry's Instagram factory builds its connector on the recordings."""
    monkeypatch.setattr(
        registry,
        "InstagramConnector",
        functools.partial(InstagramConnector, transport=replay.transport),
    )


def publish_due(db: Database, world: World, settings: Settings) -> PublicationRow:
    with db.session() as s:
        claim = pw.claim_due(s, worker="w1", now=world.clock.now(), lease=LEASE)
    assert claim is not None
    pw.run_publication(
        db,
        claim,
        publishers=with_credentials(publishers_for(settings)),
        clock=world.clock,
        policy=policy_for(settings),
    )
    with db.session() as s:
        row = s.get(PublicationRow, claim.publication_id)
        assert row is not None
        s.expunge(row)
        return row


@pytest.mark.usefixtures("recorded_instagram")
def test_the_container_request_carries_a_signed_public_url_of_the_file(
    db: Database, world: World, replay: Replay, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    media_id, sha = library_file(db, world, settings.media_dir)
    publication_id = scheduled_instagram_post(db, world, [media_id])
    for name in ("publishing_limit", "container_created", "container_finished"):
        replay.expect(name)
    replay.expect("media_published")
    replay.expect("media_details")

    signed_at = datetime.now(UTC)
    row = publish_due(db, world, settings)

    assert (row.id, row.state, row.platform_post_id) == (
        publication_id,
        PublicationState.PUBLISHED,
        MEDIA_ID,
    )
    (container,) = [
        r for r in replay.sent("POST") if r.url.path == f"/v26.0/{IG_ID}/media"
    ]
    image_url = form_of(container)["image_url"]
    assert image_url.startswith(PUBLIC + "/m/")
    token = verify(image_url.removeprefix(PUBLIC + "/m/"), [SECRET], now=signed_at)
    assert token is not None
    assert (token.sha256, token.extension) == (sha, ".jpg")
    lifetime = token.expires_at - signed_at
    assert timedelta(minutes=59) < lifetime <= timedelta(hours=1, seconds=1)
    assert (
        verify(image_url.removeprefix(PUBLIC + "/m/"), ["x" * 48], now=signed_at)
        is None
    )


def test_the_publication_keeps_the_variants_media_in_order(
    db: Database, world: World, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    first, sha = library_file(db, world, settings.media_dir)
    publication_id = scheduled_instagram_post(db, world, [first, "gone-item"])

    with db.session() as s:
        row = s.get(PublicationRow, publication_id)
        assert row is not None
        assert row.parts["media"] == [outbound_name(sha, "image/jpeg"), "gone-item"]


@pytest.mark.usefixtures("recorded_instagram")
def test_a_media_post_fails_permanently_naming_the_setting_when_base_url_is_local(
    db: Database, world: World, replay: Replay, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, base_url="http://127.0.0.1:8000")
    media_id, _ = library_file(db, world, settings.media_dir)
    scheduled_instagram_post(db, world, [media_id])
    replay.expect("publishing_limit")  # the quota is read before any container

    row = publish_due(db, world, settings)

    assert row.state == PublicationState.FAILED
    assert row.error_kind == ErrorKind.PERMANENT
    assert "Set TANDEM_BASE_URL to this Tandem's public https address" in (
        row.last_error or ""
    )
    assert "http://127.0.0.1:8000, not an https address" in (row.last_error or "")
    assert replay.sent("POST") == []  # nothing was sent to Instagram


# --- the registry's factories, Threads included -----------------------------------------


def _outbound(tmp_path: Path) -> str:
    root = tmp_path / "media"
    sha = hashlib.sha256(JPEG).hexdigest()
    root.mkdir()
    (root / "in.tmp").write_bytes(JPEG)
    LocalMediaStore(root).put(sha, root / "in.tmp")
    return str(outbound_path(root, sha + ".jpg"))


@pytest.mark.parametrize("platform", ["instagram", "threads"])
def test_both_meta_downloaders_get_signed_urls_from_the_worker_options(
    platform: str, tmp_path: Path
) -> None:
    options = media_url_options(platform, settings_for(tmp_path))
    connector = registry.CONNECTORS[platform](options)

    url = connector.media_url_for(_outbound(tmp_path))  # type: ignore[attr-defined]

    assert url.startswith(PUBLIC + "/m/")
    assert verify(url.removeprefix(PUBLIC + "/m/"), [SECRET], now=datetime.now(UTC))


@pytest.mark.parametrize(
    ("platform", "label"), [("instagram", "Instagram"), ("threads", "Threads")]
)
@pytest.mark.parametrize(
    ("base_url", "why"),
    [
        ("http://127.0.0.1:8000", "not an https address"),
        ("https://192.168.1.20", "private or loopback address"),
        ("https://tandem.internal", "only resolves inside your network"),
    ],
)
def test_a_base_url_platforms_cannot_reach_is_refused_with_the_fix(
    platform: str, label: str, base_url: str, why: str, tmp_path: Path
) -> None:
    options = media_url_options(platform, settings_for(tmp_path, base_url))
    connector = registry.CONNECTORS[platform](options)

    with pytest.raises(PublishError) as caught:
        connector.media_url_for(_outbound(tmp_path))  # type: ignore[attr-defined]

    assert caught.value.kind is ErrorKind.PERMANENT
    message = caught.value.message
    assert message.startswith(f"{label} downloads media from a public https address")
    assert why in message
    assert "Set TANDEM_BASE_URL" in message
    assert f"docs/connectors/{platform}.md" in message


def test_a_file_outside_the_library_is_refused(tmp_path: Path) -> None:
    options = media_url_options("instagram", settings_for(tmp_path))
    connector = registry.instagram(options)

    with pytest.raises(PublishError) as caught:
        connector.media_url_for(str(tmp_path / "holiday.jpg"))  # type: ignore[attr-defined]

    assert caught.value.kind is ErrorKind.PERMANENT
    assert "holiday.jpg is not a file of Tandem's media library" in caught.value.message


def test_without_a_secret_key_there_are_no_url_options(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "nokey", log_format="text")  # type: ignore[call-arg]

    assert media_url_options("instagram", settings) == {}
    connector = registry.instagram({})
    with pytest.raises(PublishError, match="no public media URL configured"):
        connector.media_url_for("/x/loaf.jpg")  # type: ignore[attr-defined]


def test_other_platforms_get_no_media_url_options(tmp_path: Path) -> None:
    assert media_url_options("facebook", settings_for(tmp_path)) == {}
    assert media_url_options("sandbox", settings_for(tmp_path)) == {}
