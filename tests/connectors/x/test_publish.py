"""Publishing to X: single posts, threads, media, first comments, roll-back and reconcile."""

from __future__ import annotations

from pathlib import Path

import pytest

from tandem.connectors.x import XConnector
from tandem.publish.ledger import fingerprint
from tandem.publish.ports import AccountRef, ErrorKind, OutboundPost, PublishError
from tandem.publish.reconcile import find_remote
from tests.connectors.replay import Replay, json_of
from tests.connectors.x.conftest import NOW


def post(
    *parts: str, media: tuple[str, ...] = (), first_comment: str = ""
) -> OutboundPost:
    return OutboundPost(
        parts=parts,
        fingerprint=fingerprint("acc-x-1", parts),
        media_paths=media,
        first_comment=first_comment,
    )


def tweet(tweet_id: str, text: str = "t") -> dict[str, object]:
    return {
        "data": {"id": tweet_id, "text": text, "edit_history_tweet_ids": [tweet_id]}
    }


def test_it_publishes_a_single_post_with_the_users_token(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("create_tweet")

    ref = x.publish(
        account, post("Launch day! Read the notes at https://example.com/notes")
    )

    assert ref.platform_post_id == "1861000000000000001"
    assert ref.url == "https://x.com/brandco/status/1861000000000000001"
    assert ref.published_at == NOW
    (sent,) = replay.requests
    assert (sent.method, sent.url.host, sent.url.path) == (
        "POST",
        "api.x.com",
        "/2/tweets",
    )
    assert sent.headers["authorization"] == "Bearer user-token-1"
    assert json_of(sent) == {
        "text": "Launch day! Read the notes at https://example.com/notes"
    }
    replay.assert_done()


def test_it_posts_a_thread_each_part_replying_to_the_previous(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    for tweet_id in ("101", "102", "103"):
        replay.expect("create_tweet", json_body=tweet(tweet_id))

    ref = x.publish(account, post("one", "two", "three"))

    assert ref.platform_post_id == "101"
    bodies = [json_of(r) for r in replay.requests]
    assert bodies == [
        {"text": "one"},
        {"text": "two", "reply": {"in_reply_to_tweet_id": "101"}},
        {"text": "three", "reply": {"in_reply_to_tweet_id": "102"}},
    ]


def test_it_uploads_an_image_and_attaches_it_to_the_first_part_only(
    x: XConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    image = tmp_path / "launch.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    replay.expect("media_upload_image")
    replay.expect("create_tweet", json_body=tweet("201"))
    replay.expect("create_tweet", json_body=tweet("202"))

    x.publish(account, post("look", "more", media=(str(image),)))

    upload, first, second = replay.requests
    assert upload.url.path == "/2/media/upload"
    assert upload.headers["authorization"] == "Bearer user-token-1"
    assert upload.headers["content-type"].startswith("multipart/form-data")
    assert b'name="media_category"\r\n\r\ntweet_image' in upload.content
    assert b'name="media"; filename="launch.png"' in upload.content
    assert b"Content-Type: image/png" in upload.content
    assert json_of(first)["media"] == {"media_ids": ["1880028106020515841"]}
    assert "media" not in json_of(second)


def test_it_uploads_a_video_in_chunks_and_waits_for_processing(
    x: XConnector,
    replay: Replay,
    account: AccountRef,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    video = tmp_path / "clip.mp4"
    video.write_bytes(b"\x00" * (5 * 1024 * 1024))  # two 4 MiB segments
    media_id = "1880028106020515840"
    replay.expect("media_initialize")
    replay.expect("media_append", path=f"/2/media/upload/{media_id}/append")
    replay.expect("media_append", path=f"/2/media/upload/{media_id}/append")
    replay.expect("media_finalize", path=f"/2/media/upload/{media_id}/finalize")
    replay.expect("media_status_in_progress")
    replay.expect("media_status_succeeded")
    replay.expect("create_tweet")

    x.publish(account, post("watch", media=(str(video),)))

    init = replay.requests[0]
    assert json_of(init) == {
        "media_type": "video/mp4",
        "total_bytes": 5 * 1024 * 1024,
        "media_category": "tweet_video",
    }
    appends = replay.sent("POST", f"/2/media/upload/{media_id}/append")
    assert [
        b'name="segment_index"\r\n\r\n0' in appends[0].content,
        b'name="segment_index"\r\n\r\n1' in appends[1].content,
    ] == [True, True]
    status = replay.sent("GET", "/2/media/upload")
    assert dict(status[0].url.params) == {"command": "STATUS", "media_id": media_id}
    assert sleeps == [1.0, 5.0]  # X's check_after_secs, honoured
    assert json_of(replay.requests[-1])["media"] == {"media_ids": [media_id]}
    replay.assert_done()


def test_a_video_x_cannot_process_fails_permanently_without_posting(
    x: XConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    video = tmp_path / "bad.mp4"
    video.write_bytes(b"\x00" * 10)
    replay.expect("media_initialize")
    replay.expect("media_append", path="/2/media/upload/1880028106020515840/append")
    replay.expect("media_finalize", path="/2/media/upload/1880028106020515840/finalize")
    replay.expect("media_status_failed")

    with pytest.raises(PublishError) as caught:
        x.publish(account, post("watch", media=(str(video),)))

    assert caught.value.kind is ErrorKind.PERMANENT
    assert "Unsupported video format" in caught.value.message
    assert not replay.sent("POST", "/2/tweets")


def test_an_unsupported_file_type_is_refused_before_any_call(
    x: XConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    doc = tmp_path / "deck.pdf"
    doc.write_bytes(b"%PDF")

    with pytest.raises(PublishError) as caught:
        x.publish(account, post("slides", media=(str(doc),)))

    assert caught.value.kind is ErrorKind.PERMANENT
    assert "deck.pdf" in caught.value.message
    assert replay.requests == []


def test_the_first_comment_replies_to_the_first_part(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("create_tweet", json_body=tweet("301"))
    replay.expect("create_tweet", json_body=tweet("302"))
    replay.expect("create_tweet", json_body=tweet("303"))

    x.publish(account, post("a", "b", first_comment="Link: https://example.com"))

    assert json_of(replay.requests[-1]) == {
        "text": "Link: https://example.com",
        "reply": {"in_reply_to_tweet_id": "301"},
    }


def test_a_failed_first_comment_does_not_fail_the_live_post(
    x: XConnector, replay: Replay, account: AccountRef, caplog: pytest.LogCaptureFixture
) -> None:
    replay.expect("create_tweet", json_body=tweet("401"))
    replay.expect("create_tweet_invalid")

    ref = x.publish(account, post("a", first_comment="comment"))

    assert ref.platform_post_id == "401"
    assert "first comment on 401 failed" in caplog.text


def test_a_failed_later_part_deletes_the_parts_already_posted(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("create_tweet", json_body=tweet("501"))
    replay.expect("create_tweet", json_body=tweet("502"))
    replay.expect("server_error")
    replay.expect("delete_tweet", path="/2/tweets/502")
    replay.expect("delete_tweet", path="/2/tweets/501")

    with pytest.raises(PublishError) as caught:
        x.publish(account, post("a", "b", "c"))

    assert caught.value.kind is ErrorKind.RETRY
    assert "Part 3 of 3" in caught.value.message
    assert "2 part(s) already posted were deleted" in caught.value.message
    assert [r.url.path for r in replay.sent("DELETE")] == [
        "/2/tweets/502",
        "/2/tweets/501",
    ]
    assert replay.sent("DELETE")[0].headers["authorization"] == "Bearer user-token-1"
    replay.assert_done()


def test_a_roll_back_that_fails_is_unknown_and_names_what_is_live(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("create_tweet", json_body=tweet("601"))
    replay.expect("create_tweet_invalid")
    replay.fail("DELETE", "/2/tweets/601", "ConnectError")

    with pytest.raises(PublishError) as caught:
        x.publish(account, post("a", "b"))

    assert caught.value.kind is ErrorKind.UNKNOWN
    assert "601" in caught.value.message and "still live" in caught.value.message


def test_recent_posts_restore_the_text_the_author_wrote_so_reconcile_finds_it(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("user_tweets", path="/2/users/2244994945/tweets")
    replay.expect("user_tweets_last_page", path="/2/users/2244994945/tweets")
    written = (
        "Launch day! Read the notes at https://example.com/notes?utm_source=x&utm_medium=social"
        " & tell us what you think"
    )

    remote = x.recent_posts(account, since=NOW.replace(hour=0))

    first_page, second_page = replay.requests
    assert first_page.url.params["exclude"] == "replies,retweets"
    assert "created_at" in first_page.url.params["tweet.fields"]
    assert first_page.url.params["start_time"] == "2026-11-28T00:00:05Z"
    assert (
        second_page.url.params["pagination_token"]
        == "7140dibdnow9c7btw3z2vwioavpvutgzrzm9icis4ndix"
    )
    assert [p.text for p in remote] == [
        written,
        "A long post that X cuts at 280 characters in `text` and keeps whole in note_tweet. "
        "It links https://docs.example.com/ <here>.",
        "Older post <3",
    ]
    found = find_remote(remote, "acc-x-1", (written, "second part"), frozenset())
    assert found is not None and found.platform_post_id == "1861000000000000001"
    assert found.url == "https://x.com/brandco/status/1861000000000000001"


def test_it_deletes_a_post_and_a_post_already_gone_counts_as_deleted(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("delete_tweet", path="/2/tweets/701")
    replay.expect("delete_tweet_gone", path="/2/tweets/702")

    x.delete(account, "701")
    x.delete(account, "702")

    assert [(r.method, r.url.path) for r in replay.requests] == [
        ("DELETE", "/2/tweets/701"),
        ("DELETE", "/2/tweets/702"),
    ]


def test_an_account_without_a_token_needs_reconnecting(
    x: XConnector, replay: Replay
) -> None:
    bare = AccountRef(id="acc-x-2", platform="x", handle="nobody")

    with pytest.raises(PublishError) as caught:
        x.publish(bare, post("hi"))

    assert caught.value.kind is ErrorKind.RECONNECT
    assert replay.requests == []
