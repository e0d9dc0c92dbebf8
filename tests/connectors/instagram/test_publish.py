"""Publishing to Instagram through media containers, against recorded Graph API answers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tandem.connectors.instagram import InstagramConnector
from tandem.publish.ledger import fingerprint
from tandem.publish.ports import AccountRef, ErrorKind, OutboundPost, PublishError
from tandem.publish.reconcile import find_remote
from tests.connectors.instagram.conftest import (
    CONTAINER,
    IG_ID,
    MEDIA_ID,
    MEDIA_ROOT,
    TOKEN,
)
from tests.connectors.replay import Replay, form_of


def _files(tmp_path: Path, *names: str) -> tuple[str, ...]:
    for name in names:
        (tmp_path / name).write_bytes(b"media bytes")
    return tuple(str(tmp_path / name) for name in names)


def _post(media: tuple[str, ...], *parts: str, first_comment: str = "") -> OutboundPost:
    parts = parts or ("Fresh bread, every morning 🥖",)
    return OutboundPost(
        parts=parts,
        fingerprint=fingerprint("acc-crumb-ig", parts),
        media_paths=media,
        first_comment=first_comment,
    )


def _happy_single(replay: Replay) -> None:
    replay.expect("publishing_limit")
    replay.expect("container_created")
    replay.expect("container_finished")
    replay.expect("media_published")
    replay.expect("media_details")


def test_an_image_goes_through_container_then_publish(
    connector: InstagramConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    _happy_single(replay)

    ref = connector.publish(account, _post(_files(tmp_path, "loaf.jpg")))

    assert ref.platform_post_id == MEDIA_ID
    assert ref.url == "https://www.instagram.com/p/DCa1b2c3d4E/"
    assert ref.published_at == datetime(2026, 11, 28, 10, tzinfo=UTC)
    paths = [(r.method, r.url.path) for r in replay.requests]
    assert paths == [
        ("GET", f"/v26.0/{IG_ID}/content_publishing_limit"),
        ("POST", f"/v26.0/{IG_ID}/media"),
        ("GET", f"/v26.0/{CONTAINER}"),
        ("POST", f"/v26.0/{IG_ID}/media_publish"),
        ("GET", f"/v26.0/{MEDIA_ID}"),
    ]
    assert all(r.url.params["access_token"] == TOKEN for r in replay.requests)
    assert form_of(replay.requests[1]) == {
        "image_url": MEDIA_ROOT + "loaf.jpg",
        "caption": "Fresh bread, every morning 🥖",
    }
    assert form_of(replay.requests[3]) == {"creation_id": CONTAINER}


def test_a_video_is_a_reel_and_is_polled_until_finished(
    connector: InstagramConnector,
    replay: Replay,
    account: AccountRef,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    replay.expect("publishing_limit")
    replay.expect("container_created")
    replay.expect("container_in_progress")
    replay.expect("container_finished")
    replay.expect("media_published")
    replay.expect("media_details")

    connector.publish(account, _post(_files(tmp_path, "bake.mp4")))

    assert form_of(replay.requests[1]) == {
        "media_type": "REELS",
        "video_url": MEDIA_ROOT + "bake.mp4",
        "caption": "Fresh bread, every morning 🥖",
    }
    assert replay.requests[2].url.params["fields"] == "status_code,status"
    assert sleeps == [0.5]


def test_a_container_still_processing_is_retried_naming_the_container(
    connector: InstagramConnector,
    replay: Replay,
    account: AccountRef,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    replay.expect("publishing_limit")
    replay.expect("container_created")
    for _ in range(3):
        replay.expect("container_in_progress")

    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post(_files(tmp_path, "bake.mp4")))

    assert raised.value.kind is ErrorKind.RETRY
    assert CONTAINER in raised.value.message
    assert sleeps == [0.5, 0.5]  # bounded: three looks, two waits
    assert not replay.sent("POST", f"/v26.0/{IG_ID}/media_publish")


def test_a_container_in_error_is_permanent_with_instagrams_words(
    connector: InstagramConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    replay.expect("publishing_limit")
    replay.expect("container_created")
    replay.expect("container_error")

    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post(_files(tmp_path, "bake.mp4")))

    assert raised.value.kind is ErrorKind.PERMANENT
    assert "failed with error code 2207026" in raised.value.message


def test_a_carousel_has_children_then_a_carousel_container(
    connector: InstagramConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    replay.expect("publishing_limit")
    replay.expect("container_created", json_body={"id": "17890000000000011"})
    replay.expect("container_created", json_body={"id": "17890000000000012"})
    replay.expect("container_finished", path="/v26.0/17890000000000012")
    replay.expect("container_created")
    replay.expect("container_finished")
    replay.expect("media_published")
    replay.expect("media_details")

    connector.publish(account, _post(_files(tmp_path, "a.jpg", "b.mp4")))

    creations = replay.sent("POST", f"/v26.0/{IG_ID}/media")
    children = [form_of(r) for r in creations if r.url.path.endswith("/media")]
    assert children == [
        {"image_url": MEDIA_ROOT + "a.jpg", "is_carousel_item": "true"},
        {
            "media_type": "VIDEO",
            "video_url": MEDIA_ROOT + "b.mp4",
            "is_carousel_item": "true",
        },
        {
            "media_type": "CAROUSEL",
            "children": "17890000000000011,17890000000000012",
            "caption": "Fresh bread, every morning 🥖",
        },
    ]


def test_a_first_comment_follows_and_its_failure_does_not_fail_the_post(
    connector: InstagramConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    _happy_single(replay)
    replay.expect("comment_created")
    connector.publish(account, _post(_files(tmp_path, "a.jpg"), first_comment="#bread"))
    assert form_of(replay.requests[-1]) == {"message": "#bread"}
    assert replay.requests[-1].url.path == f"/v26.0/{MEDIA_ID}/comments"

    _happy_single(replay)
    replay.expect("server_error", path=f"/v26.0/{MEDIA_ID}/comments")
    ref = connector.publish(
        account, _post(_files(tmp_path, "a.jpg"), first_comment="x")
    )
    assert ref.platform_post_id == MEDIA_ID


@pytest.mark.parametrize(
    ("post", "words"),
    [
        (
            OutboundPost(parts=("caption only",), fingerprint="f"),
            "need at least one image",
        ),
        (
            OutboundPost(parts=("a", "b"), fingerprint="f", media_paths=("/x.jpg",)),
            "no threads",
        ),
        (
            OutboundPost(parts=("a",), fingerprint="f", media_paths=("/x.jpg",) * 11),
            "at most 10",
        ),
    ],
)
def test_posts_instagram_cannot_take_are_permanent_before_any_call(
    connector: InstagramConnector, account: AccountRef, post: OutboundPost, words: str
) -> None:
    with pytest.raises(PublishError) as raised:
        connector.publish(account, post)
    assert raised.value.kind is ErrorKind.PERMANENT
    assert words in raised.value.message


def test_without_a_public_media_url_the_post_is_refused_with_the_reason(
    replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    replay.expect("publishing_limit")
    with (
        InstagramConnector(transport=replay.transport) as plain,
        pytest.raises(PublishError) as raised,
    ):
        plain.publish(account, _post(_files(tmp_path, "a.jpg")))
    assert raised.value.kind is ErrorKind.PERMANENT
    assert (
        "public URL" in raised.value.message and "media_url_for" in raised.value.message
    )


def test_a_used_up_daily_quota_waits_an_hour(
    connector: InstagramConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    replay.expect("publishing_limit_reached")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post(_files(tmp_path, "a.jpg")))
    assert raised.value.kind is ErrorKind.RETRY
    assert raised.value.retry_after == 3600
    assert "100 of its 100" in raised.value.message


def test_the_publish_limit_error_is_retried_in_an_hour(
    connector: InstagramConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    replay.expect("publishing_limit")
    replay.expect("container_created")
    replay.expect("container_finished")
    replay.expect("publish_limit_error")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post(_files(tmp_path, "a.jpg")))
    assert raised.value.kind is ErrorKind.RETRY
    assert raised.value.retry_after == 3600
    assert "maximum number of posts" in raised.value.message


@pytest.mark.parametrize(
    ("recording", "kind", "words"),
    [
        ("invalid_media", ErrorKind.PERMANENT, "could not be fetched from this uri"),
        ("rate_limited", ErrorKind.RETRY, "Page request limit reached"),
        ("server_error", ErrorKind.RETRY, "retry your request later"),
    ],
)
def test_container_errors_map_to_what_the_worker_should_do(
    connector: InstagramConnector,
    replay: Replay,
    account: AccountRef,
    tmp_path: Path,
    recording: str,
    kind: ErrorKind,
    words: str,
) -> None:
    replay.expect("publishing_limit")
    replay.expect(recording, path=f"/v26.0/{IG_ID}/media")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post(_files(tmp_path, "a.jpg")))
    assert raised.value.kind is kind
    assert words in raised.value.message
    if recording == "rate_limited":
        assert raised.value.retry_after == 900


def test_an_expired_token_means_reconnect(
    connector: InstagramConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    replay.expect("token_expired", path=f"/v26.0/{IG_ID}/content_publishing_limit")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post(_files(tmp_path, "a.jpg")))
    assert raised.value.kind is ErrorKind.RECONNECT


def test_timeouts_creating_a_container_retry_but_publishing_is_unknown(
    connector: InstagramConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    replay.expect("publishing_limit")
    replay.fail("POST", f"/v26.0/{IG_ID}/media", "ReadTimeout")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post(_files(tmp_path, "a.jpg")))
    assert raised.value.kind is ErrorKind.RETRY  # a container is invisible

    replay.expect("publishing_limit")
    replay.expect("container_created")
    replay.expect("container_finished")
    replay.fail("POST", f"/v26.0/{IG_ID}/media_publish", "ReadTimeout")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post(_files(tmp_path, "a.jpg")))
    assert raised.value.kind is ErrorKind.UNKNOWN

    replay.fail("GET", f"/v26.0/{IG_ID}/content_publishing_limit", "ConnectTimeout")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post(_files(tmp_path, "a.jpg")))
    assert raised.value.kind is ErrorKind.RETRY


def test_reconcile_finds_the_post_by_its_caption(
    connector: InstagramConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("user_media")
    since = datetime(2026, 11, 27, tzinfo=UTC)

    remote = connector.recent_posts(account, since=since)

    assert [p.platform_post_id for p in remote] == [MEDIA_ID]
    assert remote[0].text == "Fresh   bread, every morning 🥖\n#bakery"
    assert replay.requests[0].url.params["fields"] == "id,caption,timestamp,permalink"
    parts = ("Fresh bread, every morning 🥖 #bakery",)
    found = find_remote(remote, "acc-crumb-ig", parts, frozenset())
    assert found is not None and found.platform_post_id == MEDIA_ID


def test_delete_removes_the_media_and_a_gone_one_counts_as_deleted(
    connector: InstagramConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("deleted", path=f"/v26.0/{MEDIA_ID}")
    connector.delete(account, MEDIA_ID)

    replay.expect("object_missing", path=f"/v26.0/{MEDIA_ID}")
    replay.expect("media_missing")
    connector.delete(account, MEDIA_ID)


def test_a_delete_instagram_does_not_support_is_reported(
    connector: InstagramConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("object_missing", path=f"/v26.0/{MEDIA_ID}")
    replay.expect("media_exists")
    with pytest.raises(PublishError) as raised:
        connector.delete(account, MEDIA_ID)
    assert raised.value.kind is ErrorKind.PERMANENT
    assert "Instagram app" in raised.value.message
