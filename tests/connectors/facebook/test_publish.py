"""Publishing to a Facebook Page: posts, photos, video, first comment, error mapping,
reconcile and delete, against recorded Graph API answers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tandem.connectors.facebook import FacebookConnector
from tandem.publish.ledger import fingerprint
from tandem.publish.ports import AccountRef, ErrorKind, OutboundPost, PublishError
from tandem.publish.reconcile import find_remote
from tests.connectors.facebook.conftest import PAGE_ID, PAGE_TOKEN, POST_ID
from tests.connectors.replay import Replay, form_of


def _post(
    *parts: str, media: tuple[str, ...] = (), first_comment: str = ""
) -> OutboundPost:
    return OutboundPost(
        parts=parts,
        fingerprint=fingerprint("acc-crumb-fb", parts),
        media_paths=media,
        first_comment=first_comment,
    )


def test_it_posts_text_to_the_page_feed_with_the_page_token(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("feed_created")
    replay.expect("post_details")

    ref = connector.publish(
        account, _post("New loaves at https://crumb.example/bread today.")
    )

    assert ref.platform_post_id == POST_ID
    assert ref.url == f"https://www.facebook.com/{PAGE_ID}/posts/122100000000000001"
    assert ref.published_at == datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    sent = replay.requests[0]
    assert (sent.method, sent.url.host, sent.url.path) == (
        "POST",
        "graph.facebook.com",
        f"/v26.0/{PAGE_ID}/feed",
    )
    assert sent.url.params["access_token"] == PAGE_TOKEN
    assert form_of(sent) == {
        "message": "New loaves at https://crumb.example/bread today.",
        "link": "https://crumb.example/bread",
    }


def test_a_first_comment_is_posted_under_the_new_post(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("feed_created")
    replay.expect("post_details")
    replay.expect("comment_created")

    connector.publish(account, _post("Hello", first_comment="Menu in the comments"))

    comment = replay.sent("POST", f"/v26.0/{POST_ID}/comments")[0]
    assert form_of(comment) == {"message": "Menu in the comments"}


def test_a_failed_first_comment_does_not_fail_a_live_post(
    connector: FacebookConnector,
    replay: Replay,
    account: AccountRef,
    caplog: pytest.LogCaptureFixture,
) -> None:
    replay.expect("feed_created")
    replay.expect("post_details")
    replay.expect("server_error", path=f"/v26.0/{POST_ID}/comments")

    ref = connector.publish(account, _post("Hello", first_comment="Menu below"))

    assert ref.platform_post_id == POST_ID
    assert "first comment failed" in caplog.text


def test_one_photo_is_uploaded_with_the_message(
    connector: FacebookConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    photo = tmp_path / "loaf.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 jpeg bytes")
    replay.expect("photo_published")
    replay.expect("post_details", path=f"/v26.0/{PAGE_ID}_122100000000000002")

    ref = connector.publish(account, _post("Look at this crust", media=(str(photo),)))

    assert ref.platform_post_id == f"{PAGE_ID}_122100000000000002"
    upload = replay.requests[0]
    assert upload.url.path == f"/v26.0/{PAGE_ID}/photos"
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert b'name="message"\r\n\r\nLook at this crust' in upload.content
    assert b'filename="loaf.jpg"' in upload.content
    assert b"Content-Type: image/jpeg" in upload.content
    assert b"jpeg bytes" in upload.content


def test_several_photos_are_uploaded_unpublished_then_attached(
    connector: FacebookConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    paths = []
    for name in ("a.png", "b.png"):
        (tmp_path / name).write_bytes(b"\x89PNG fake")
        paths.append(str(tmp_path / name))
    replay.expect("photo_unpublished")
    replay.expect("photo_unpublished", json_body={"id": "122100000000000902"})
    replay.expect("feed_created")
    replay.expect("post_details")

    connector.publish(account, _post("Two loaves", media=tuple(paths)))

    uploads = replay.sent("POST", f"/v26.0/{PAGE_ID}/photos")
    assert all(b'name="published"\r\n\r\nfalse' in u.content for u in uploads)
    feed = form_of(replay.sent("POST", f"/v26.0/{PAGE_ID}/feed")[0])
    assert feed == {
        "message": "Two loaves",
        "attached_media[0]": '{"media_fbid": "122100000000000901"}',
        "attached_media[1]": '{"media_fbid": "122100000000000902"}',
    }


def test_a_video_goes_to_the_graph_video_host(
    connector: FacebookConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    video = tmp_path / "bake.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    replay.expect("video_uploaded")
    replay.expect("post_details", path="/v26.0/122100000000000700")

    ref = connector.publish(account, _post("Timelapse", media=(str(video),)))

    assert ref.platform_post_id == "122100000000000700"
    upload = replay.requests[0]
    assert upload.url.host == "graph-video.facebook.com"
    assert b'name="description"\r\n\r\nTimelapse' in upload.content
    assert b"Content-Type: video/mp4" in upload.content


def test_a_thread_is_refused_because_facebook_has_none(
    connector: FacebookConnector, account: AccountRef
) -> None:
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("one", "two"))
    assert raised.value.kind is ErrorKind.PERMANENT
    assert "2 parts" in raised.value.message


def test_an_unsupported_file_type_is_permanent(
    connector: FacebookConnector, account: AccountRef, tmp_path: Path
) -> None:
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("x", media=(str(tmp_path / "deck.pdf"),)))
    assert raised.value.kind is ErrorKind.PERMANENT
    assert "deck.pdf" in raised.value.message


@pytest.mark.parametrize(
    ("recording", "kind", "words"),
    [
        (
            "duplicate_post",
            ErrorKind.PERMANENT,
            "Duplicate status message (Graph error 506)",
        ),
        (
            "invalid_parameter",
            ErrorKind.PERMANENT,
            "at most 63206 characters (Graph error 100)",
        ),
        ("server_error", ErrorKind.RETRY, "Please retry your request later"),
        ("permission_missing", ErrorKind.RECONNECT, "missing a permission"),
    ],
)
def test_graph_errors_map_to_what_the_worker_should_do(
    connector: FacebookConnector,
    replay: Replay,
    account: AccountRef,
    recording: str,
    kind: ErrorKind,
    words: str,
) -> None:
    replay.expect(recording, path=f"/v26.0/{PAGE_ID}/feed")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("Hello"))
    assert raised.value.kind is kind
    assert words in raised.value.message


def test_an_expired_token_on_http_400_means_reconnect(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("token_expired", path=f"/v26.0/{PAGE_ID}/posts")
    with pytest.raises(PublishError) as raised:
        connector.recent_posts(account, since=datetime(2026, 11, 28, tzinfo=UTC))
    assert raised.value.kind is ErrorKind.RECONNECT
    assert raised.value.status == 400
    assert "Session has expired" in raised.value.message


def test_a_rate_limit_waits_as_long_as_the_usage_header_says(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("rate_limited", path=f"/v26.0/{PAGE_ID}/feed")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("Hello"))
    assert raised.value.kind is ErrorKind.RETRY
    assert raised.value.retry_after == 15 * 60
    assert "Page request limit reached" in raised.value.message


def test_a_connect_timeout_is_retried(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.fail("POST", f"/v26.0/{PAGE_ID}/feed", "ConnectTimeout")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("Hello"))
    assert raised.value.kind is ErrorKind.RETRY


def test_a_read_timeout_after_posting_is_an_unknown_outcome(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.fail("POST", f"/v26.0/{PAGE_ID}/feed", "ReadTimeout")
    with pytest.raises(PublishError) as raised:
        connector.publish(account, _post("Hello"))
    assert raised.value.kind is ErrorKind.UNKNOWN


def test_reconcile_finds_the_post_among_recent_posts(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("page_posts")
    since = datetime(2026, 11, 27, tzinfo=UTC)

    remote = connector.recent_posts(account, since=since)

    sent = replay.requests[0]
    assert sent.url.params["since"] == str(int(since.timestamp()))
    assert sent.url.params["fields"] == "id,message,created_time,permalink_url"
    assert [p.platform_post_id for p in remote] == [
        f"{PAGE_ID}_122100000000000003",
        POST_ID,
    ]  # the post from 20 Nov is older than `since`
    found = find_remote(
        remote, "acc-crumb-fb", ("Fresh bread, every morning 🥖",), frozenset()
    )
    assert found is not None and found.platform_post_id == POST_ID


def test_delete_removes_the_post_and_a_missing_one_counts_as_deleted(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("deleted", path=f"/v26.0/{POST_ID}")
    replay.expect("object_missing", path=f"/v26.0/{POST_ID}")

    connector.delete(account, POST_ID)
    connector.delete(account, POST_ID)

    assert [r.method for r in replay.requests] == ["DELETE", "DELETE"]
    assert replay.requests[0].url.params["access_token"] == PAGE_TOKEN


def test_a_refused_delete_is_not_taken_for_success(
    connector: FacebookConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("token_expired", path=f"/v26.0/{POST_ID}")
    replay.pending[-1].method = "DELETE"
    with pytest.raises(PublishError) as raised:
        connector.delete(account, POST_ID)
    assert raised.value.kind is ErrorKind.RECONNECT
