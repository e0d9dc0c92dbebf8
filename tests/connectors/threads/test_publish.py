"""Publishing to Threads: containers, threads of replies with roll-back, media, errors,
reconcile and delete, against recorded Threads API answers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tandem.connectors.threads import ThreadsConnector
from tandem.publish.ledger import fingerprint
from tandem.publish.ports import AccountRef, ErrorKind, OutboundPost, PublishError
from tandem.publish.reconcile import find_remote
from tests.connectors.replay import Replay, form_of
from tests.connectors.threads.conftest import (
    CONTAINER,
    MEDIA_ID,
    MEDIA_ROOT,
    TOKEN,
    USER_ID,
)

CREATE = f"/v1.0/{USER_ID}/threads"
PUBLISH = f"/v1.0/{USER_ID}/threads_publish"


def _post(
    *parts: str, media: tuple[str, ...] = (), first_comment: str = ""
) -> OutboundPost:
    return OutboundPost(
        parts=parts,
        fingerprint=fingerprint("acc-crumb-th", parts),
        media_paths=media,
        first_comment=first_comment,
    )


def _part(replay: Replay, number: int) -> str:
    """Queue one text part (container + publish) answering with distinct ids."""
    media_id = f"1804000000000000{number}"
    replay.expect("container_created", json_body={"id": f"1789000000000010{number}"})
    replay.expect("published", json_body={"id": media_id})
    return media_id


def test_a_text_post_is_a_text_container_then_published(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("container_created")
    replay.expect("published")
    replay.expect("post_details")

    ref = connector.publish(account, _post("Fresh bread, every morning 🥖"))

    assert ref.platform_post_id == MEDIA_ID
    assert ref.url == "https://www.threads.net/@crumbbakery/post/DCa1b2c3d4E"
    assert ref.published_at == datetime(2026, 11, 28, 10, tzinfo=UTC)
    create, publish, _ = replay.requests
    assert (create.url.host, create.url.path) == ("graph.threads.net", CREATE)
    assert create.url.params["access_token"] == TOKEN
    assert form_of(create) == {
        "text": "Fresh bread, every morning 🥖",
        "media_type": "TEXT",
    }
    assert publish.url.path == PUBLISH
    assert form_of(publish) == {"creation_id": CONTAINER}


def test_a_thread_chains_each_part_to_the_previous_and_comments_on_the_first(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    first = _part(replay, 1)
    second = _part(replay, 2)
    _part(replay, 3)
    replay.expect("post_details")
    _part(replay, 4)  # the first comment

    ref = connector.publish(
        account, _post("one", "two", "three", first_comment="links below")
    )

    assert ref.platform_post_id == first
    creates = [form_of(r) for r in replay.sent("POST", CREATE) if r.url.path == CREATE]
    assert creates == [
        {"text": "one", "media_type": "TEXT"},
        {"text": "two", "reply_to_id": first, "media_type": "TEXT"},
        {"text": "three", "reply_to_id": second, "media_type": "TEXT"},
        {"text": "links below", "reply_to_id": first, "media_type": "TEXT"},
    ]


def test_a_failed_part_deletes_the_parts_already_live(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    first = _part(replay, 1)
    second = _part(replay, 2)
    replay.expect("text_too_long")
    replay.expect("deleted", path=f"/v1.0/{second}")
    replay.expect("deleted", path=f"/v1.0/{first}")

    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("one", "two", "x" * 600))

    assert raised.value.kind is ErrorKind.PERMANENT
    assert "Part 3 of the thread failed" in raised.value.message
    assert "500 character limit" in raised.value.message
    assert [r.url.path for r in replay.sent("DELETE")] == [
        f"/v1.0/{second}",
        f"/v1.0/{first}",
    ]


def test_a_failed_roll_back_is_unknown_and_names_what_is_live(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    first = _part(replay, 1)
    second = _part(replay, 2)
    replay.expect("container_created", json_body={"id": "17890000000000103"})
    replay.expect("server_error")
    replay.expect("deleted", path=f"/v1.0/{second}")
    replay.fail("DELETE", f"/v1.0/{first}", "ConnectTimeout")

    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("one", "two", "three"))

    assert raised.value.kind is ErrorKind.UNKNOWN
    assert f"posts {first} are still live" in raised.value.message
    assert "unknown error" in raised.value.message


def test_a_failed_first_part_deletes_nothing(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("token_expired")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("one", "two"))
    assert raised.value.kind is ErrorKind.RECONNECT
    assert "Session has expired" in raised.value.message
    assert not replay.sent("DELETE")


def test_an_image_container_is_polled_before_publishing(
    connector: ThreadsConnector,
    replay: Replay,
    account: AccountRef,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    (tmp_path / "loaf.png").write_bytes(b"png")
    replay.expect("container_created")
    replay.expect("container_in_progress")
    replay.expect("container_finished")
    replay.expect("published")
    replay.expect("post_details")

    connector.publish(account, _post("Look", media=(str(tmp_path / "loaf.png"),)))

    assert form_of(replay.requests[0]) == {
        "text": "Look",
        "media_type": "IMAGE",
        "image_url": MEDIA_ROOT + "loaf.png",
    }
    assert replay.requests[1].url.params["fields"] == "status,error_message"
    assert sleeps == [0.5]


def test_a_carousel_creates_children_then_the_carousel(
    connector: ThreadsConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    paths = []
    for name in ("a.jpg", "b.mp4"):
        (tmp_path / name).write_bytes(b"x")
        paths.append(str(tmp_path / name))
    replay.expect("container_created", json_body={"id": "1"})
    replay.expect("container_created", json_body={"id": "2"})
    replay.expect("container_finished", path="/v1.0/1")
    replay.expect("container_finished", path="/v1.0/2")
    replay.expect("container_created")
    replay.expect("container_finished")
    replay.expect("published")
    replay.expect("post_details")

    connector.publish(account, _post("Two", media=tuple(paths)))

    creates = [form_of(r) for r in replay.sent("POST", CREATE) if r.url.path == CREATE]
    assert creates == [
        {
            "media_type": "IMAGE",
            "image_url": MEDIA_ROOT + "a.jpg",
            "is_carousel_item": "true",
        },
        {
            "media_type": "VIDEO",
            "video_url": MEDIA_ROOT + "b.mp4",
            "is_carousel_item": "true",
        },
        {"text": "Two", "media_type": "CAROUSEL", "children": "1,2"},
    ]


def test_media_that_fails_processing_is_permanent(
    connector: ThreadsConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    (tmp_path / "v.mp4").write_bytes(b"x")
    replay.expect("container_created")
    replay.expect("container_error")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("v", media=(str(tmp_path / "v.mp4"),)))
    assert raised.value.kind is ErrorKind.PERMANENT
    assert "FAILED_DOWNLOADING_VIDEO" in raised.value.message


def test_media_still_processing_is_retried_naming_the_container(
    connector: ThreadsConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    (tmp_path / "v.mp4").write_bytes(b"x")
    replay.expect("container_created")
    for _ in range(3):
        replay.expect("container_in_progress")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("v", media=(str(tmp_path / "v.mp4"),)))
    assert raised.value.kind is ErrorKind.RETRY
    assert CONTAINER in raised.value.message


def test_a_failed_first_comment_does_not_fail_the_post(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    _part(replay, 1)
    replay.expect("post_details")
    replay.expect("container_created", json_body={"id": "17890000000000109"})
    replay.expect("server_error")

    ref = connector.publish(account, _post("one", first_comment="c"))

    assert ref.platform_post_id == "18040000000000001"
    assert not replay.sent("DELETE")


def test_a_rate_limit_is_retried_after_the_retry_after_header(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("container_created")
    replay.expect("rate_limited")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("one"))
    assert raised.value.kind is ErrorKind.RETRY
    assert raised.value.retry_after == 120
    assert "Application request limit reached" in raised.value.message


def test_timeouts_before_and_after_sending(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    replay.fail("POST", CREATE, "ConnectTimeout")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("one"))
    assert raised.value.kind is ErrorKind.RETRY

    replay.expect("container_created")
    replay.fail("POST", PUBLISH, "ReadTimeout")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("one"))
    assert raised.value.kind is ErrorKind.UNKNOWN


def test_reconcile_finds_the_post_by_its_text(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("user_threads")
    since = datetime(2026, 11, 27, tzinfo=UTC)

    remote = connector.recent_posts(account, since=since)

    sent = replay.requests[0]
    assert sent.url.path == f"/v1.0/{USER_ID}/threads"
    assert sent.url.params["since"] == str(int(since.timestamp()))
    assert [p.platform_post_id for p in remote] == [MEDIA_ID]
    thread = ("Fresh bread, every morning 🥖", "second part")
    found = find_remote(remote, "acc-crumb-th", thread, frozenset())
    assert found is not None and found.platform_post_id == MEDIA_ID


def test_delete_and_an_already_deleted_post(
    connector: ThreadsConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("deleted")
    replay.expect("delete_missing")
    connector.delete(account, MEDIA_ID)
    connector.delete(account, MEDIA_ID)
    assert [r.url.path for r in replay.requests] == [f"/v1.0/{MEDIA_ID}"] * 2
    assert replay.requests[0].url.params["access_token"] == TOKEN
