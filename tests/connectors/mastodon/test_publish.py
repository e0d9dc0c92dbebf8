"""Publishing to Mastodon against recorded answers: posts, threads, media, first comments,
the error mapping, roll-back and reconcile."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tandem.connectors.mastodon import MastodonConnector
from tandem.connectors.registry import publisher_for
from tandem.publish.ledger import fingerprint
from tandem.publish.ports import AccountRef, ErrorKind, OutboundPost, PublishError
from tandem.publish.reconcile import find_remote
from tests.connectors.mastodon.conftest import INSTANCE, OWN_ID, TOKEN, status_answer
from tests.connectors.replay import Replay, json_of

TEXT = "Fresh beans are in & the grinder is humming.\n\nCome by https://tandem.example/shop"


def outbound(
    account: AccountRef,
    *parts: str,
    media_paths: tuple[str, ...] = (),
    first_comment: str = "",
) -> OutboundPost:
    """The post the worker would hand over: fingerprinted like the ledger does."""
    return OutboundPost(
        parts=parts,
        fingerprint=fingerprint(account.id, parts),
        media_paths=media_paths,
        first_comment=first_comment,
    )


def test_it_publishes_a_single_post_with_an_idempotency_key(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("status_created")
    post = outbound(account, TEXT)

    ref = connector.publish(account, post)

    assert ref.platform_post_id == "112400000000000001"
    assert ref.url == f"{INSTANCE}/@tandem/112400000000000001"
    assert ref.published_at == datetime(2024, 5, 6, 9, 0, 0, 123000, tzinfo=UTC)
    [sent] = replay.requests
    assert sent.method == "POST"
    assert str(sent.url) == f"{INSTANCE}/api/v1/statuses"
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"
    assert sent.headers["Idempotency-Key"] == post.fingerprint
    assert json_of(sent) == {"status": TEXT, "visibility": "public"}


def test_it_publishes_a_thread_each_part_replying_to_the_previous(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("status_created")
    replay.expect(
        "status_created", json_body=status_answer(replay, "112400000000000002")
    )
    replay.expect(
        "status_created", json_body=status_answer(replay, "112400000000000003")
    )

    ref = connector.publish(account, outbound(account, "One", "Two", "Three"))

    assert ref.platform_post_id == "112400000000000001"
    bodies = [json_of(r) for r in replay.requests]
    assert [b["status"] for b in bodies] == ["One", "Two", "Three"]
    assert "in_reply_to_id" not in bodies[0]
    assert bodies[1]["in_reply_to_id"] == "112400000000000001"
    assert bodies[2]["in_reply_to_id"] == "112400000000000002"
    keys = {r.headers["Idempotency-Key"] for r in replay.requests}
    assert len(keys) == 3  # every part has its own key


def test_it_uploads_media_waits_for_processing_and_attaches_it_to_the_first_part(
    connector: MastodonConnector,
    replay: Replay,
    account: AccountRef,
    tmp_path: Path,
    sleeps: list[float],
) -> None:
    video = tmp_path / "launch.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    replay.expect("media_accepted")
    replay.expect("media_processing", path="/api/v1/media/22348641")
    replay.expect("media_ready", path="/api/v1/media/22348641")
    replay.expect("status_created")
    replay.expect(
        "status_created", json_body=status_answer(replay, "112400000000000002")
    )

    connector.publish(
        account, outbound(account, "Watch", "More", media_paths=(str(video),))
    )

    upload = replay.requests[0]
    assert (upload.method, upload.url.path) == ("POST", "/api/v2/media")
    assert upload.headers["Authorization"] == f"Bearer {TOKEN}"
    assert b'filename="launch.mp4"' in upload.content
    assert b"Content-Type: video/mp4" in upload.content
    assert b"ftypmp42" in upload.content
    assert sleeps == [0.5, 0.5]
    first, second = (json_of(r) for r in replay.sent("POST", "/api/v1/statuses"))
    assert first["media_ids"] == ["22348641"]
    assert "media_ids" not in second


def test_an_image_processed_at_once_is_attached_without_polling(
    connector: MastodonConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    image = tmp_path / "beans.PNG"
    image.write_bytes(b"\x89PNG\r\n\x1a\n")
    replay.expect("media_uploaded")
    replay.expect("status_created")

    connector.publish(account, outbound(account, "Look", media_paths=(str(image),)))

    assert b"Content-Type: image/png" in replay.requests[0].content
    assert json_of(replay.requests[1])["media_ids"] == ["22348642"]


def test_media_still_processing_after_the_bound_is_retried_later(
    connector: MastodonConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    video = tmp_path / "long.mp4"
    video.write_bytes(b"video")
    replay.expect("media_accepted")
    for _ in range(3):
        replay.expect("media_processing", path="/api/v1/media/22348641")

    with pytest.raises(PublishError) as caught:
        connector.publish(account, outbound(account, "Wait", media_paths=(str(video),)))

    assert caught.value.kind is ErrorKind.RETRY
    assert "still processing long.mp4" in caught.value.message
    assert not replay.sent("POST", "/api/v1/statuses")


def test_an_unsupported_or_missing_file_is_refused_before_any_upload(
    connector: MastodonConnector, account: AccountRef, tmp_path: Path
) -> None:
    doc = tmp_path / "brief.pdf"
    doc.write_bytes(b"%PDF")
    with pytest.raises(PublishError) as wrong_type:
        connector.publish(account, outbound(account, "x", media_paths=(str(doc),)))
    assert wrong_type.value.kind is ErrorKind.PERMANENT
    assert (
        "brief.pdf" in wrong_type.value.message and ".png" in wrong_type.value.message
    )

    with pytest.raises(PublishError) as missing:
        connector.publish(
            account, outbound(account, "x", media_paths=(str(tmp_path / "gone.jpg"),))
        )
    assert missing.value.kind is ErrorKind.PERMANENT
    assert "gone.jpg" in missing.value.message


def test_the_instance_refusing_a_file_is_permanent_with_its_message(
    connector: MastodonConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    image = tmp_path / "odd.gif"
    image.write_bytes(b"GIF89a")
    replay.expect("media_unsupported")

    with pytest.raises(PublishError) as caught:
        connector.publish(account, outbound(account, "x", media_paths=(str(image),)))

    assert caught.value.kind is ErrorKind.PERMANENT
    assert caught.value.message == (
        "Validation failed: File content type is invalid, File is invalid"
    )


def test_the_first_comment_replies_to_the_first_part(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("status_created")
    replay.expect(
        "status_created", json_body=status_answer(replay, "112400000000000002")
    )
    replay.expect(
        "status_created", json_body=status_answer(replay, "112400000000000009")
    )

    connector.publish(account, outbound(account, "A", "B", first_comment="Link: x"))

    comment = json_of(replay.requests[2])
    assert comment == {
        "status": "Link: x",
        "visibility": "public",
        "in_reply_to_id": "112400000000000001",
    }


def test_a_failed_first_comment_does_not_fail_the_live_post(
    connector: MastodonConnector,
    replay: Replay,
    account: AccountRef,
    caplog: pytest.LogCaptureFixture,
) -> None:
    replay.expect("status_created")
    replay.expect("server_unavailable")

    with caplog.at_level(logging.WARNING, logger="tandem.connectors.mastodon"):
        ref = connector.publish(account, outbound(account, "Hi", first_comment="More"))

    assert ref.platform_post_id == "112400000000000001"
    assert "first comment failed" in caplog.text
    assert not replay.sent("DELETE")


def test_a_validation_error_is_permanent_with_mastodons_message(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("status_validation_error")

    with pytest.raises(PublishError) as caught:
        connector.publish(account, outbound(account, "x" * 501))

    assert caught.value.kind is ErrorKind.PERMANENT
    assert caught.value.status == 422
    assert (
        caught.value.message
        == "Validation failed: Text character limit of 500 exceeded"
    )


def test_a_rate_limit_is_retried_after_the_reset_time(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    reset = (datetime.now(UTC) + timedelta(seconds=120)).isoformat()
    replay.expect("rate_limited", headers={"X-RateLimit-Reset": reset})

    with pytest.raises(PublishError) as caught:
        connector.publish(account, outbound(account, "Hi"))

    assert caught.value.kind is ErrorKind.RETRY
    assert caught.value.message == "Too many requests"
    assert caught.value.retry_after is not None
    assert 110 <= caught.value.retry_after <= 120


def test_a_retry_after_header_wins_over_the_reset_time(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("rate_limited", headers={"Retry-After": "30"})

    with pytest.raises(PublishError) as caught:
        connector.publish(account, outbound(account, "Hi"))

    assert caught.value.retry_after == 30.0


def test_an_invalid_token_needs_a_reconnect(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("token_invalid")

    with pytest.raises(PublishError) as caught:
        connector.publish(account, outbound(account, "Hi"))

    assert caught.value.kind is ErrorKind.RECONNECT
    assert caught.value.message == "The access token is invalid"


def test_a_server_error_is_retried(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("server_unavailable")

    with pytest.raises(PublishError) as caught:
        connector.publish(account, outbound(account, "Hi"))

    assert caught.value.kind is ErrorKind.RETRY
    assert caught.value.status == 503
    assert caught.value.message == "mastodon answered HTTP 503."


def test_media_not_yet_processed_when_posting_is_retried(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("status_media_not_ready")

    with pytest.raises(PublishError) as caught:
        connector.publish(account, outbound(account, "Hi"))

    assert caught.value.kind is ErrorKind.RETRY


def test_a_connect_timeout_is_retried_and_a_read_timeout_after_posting_is_unknown(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.fail("POST", "/api/v1/statuses", "ConnectTimeout")
    with pytest.raises(PublishError) as before:
        connector.publish(account, outbound(account, "Hi"))
    assert before.value.kind is ErrorKind.RETRY

    replay.fail("POST", "/api/v1/statuses", "ReadTimeout")
    with pytest.raises(PublishError) as after:
        connector.publish(account, outbound(account, "Hi"))
    assert after.value.kind is ErrorKind.UNKNOWN
    assert "may or may not exist" in after.value.message


def test_a_key_whose_post_was_deleted_moves_to_the_next_key_generation(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("status_key_deleted")
    replay.expect("status_created")
    post = outbound(account, "Again")

    ref = connector.publish(account, post)

    assert ref.platform_post_id == "112400000000000001"
    keys = [r.headers["Idempotency-Key"] for r in replay.requests]
    assert keys == [post.fingerprint, f"{post.fingerprint}~1"]


def test_a_failed_later_part_deletes_the_parts_already_posted(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("status_created")
    replay.expect(
        "status_created", json_body=status_answer(replay, "112400000000000002")
    )
    replay.expect("status_validation_error")
    replay.expect("status_deleted", path="/api/v1/statuses/112400000000000002")
    replay.expect("delete_not_found", path="/api/v1/statuses/112400000000000001")

    with pytest.raises(PublishError) as caught:
        connector.publish(account, outbound(account, "One", "Two", "x" * 501))

    assert caught.value.kind is ErrorKind.PERMANENT
    assert "Part 3" in caught.value.message
    assert "character limit of 500 exceeded" in caught.value.message
    deleted = [r.url.path for r in replay.sent("DELETE")]
    assert deleted == [
        "/api/v1/statuses/112400000000000002",
        "/api/v1/statuses/112400000000000001",
    ]


def test_a_roll_back_that_fails_is_unknown_and_names_what_is_live(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("status_created")
    replay.expect("rate_limited")
    replay.expect("rate_limited", path="/api/v1/statuses/112400000000000001")
    replay.pending[-1].method = "DELETE"

    with pytest.raises(PublishError) as caught:
        connector.publish(account, outbound(account, "One", "Two"))

    assert caught.value.kind is ErrorKind.UNKNOWN
    assert "112400000000000001" in caught.value.message
    assert "still live" in caught.value.message


def test_a_later_part_without_an_answer_is_fetched_by_its_key_and_removed(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("status_created")
    replay.fail("POST", "/api/v1/statuses", "ReadTimeout")
    replay.expect(
        "status_created", json_body=status_answer(replay, "112400000000000002")
    )
    replay.expect("status_deleted", path="/api/v1/statuses/112400000000000002")
    replay.expect("status_deleted", path="/api/v1/statuses/112400000000000001")

    with pytest.raises(PublishError) as caught:
        connector.publish(account, outbound(account, "One", "Two"))

    assert caught.value.kind is ErrorKind.RETRY  # nothing is left live
    lost, asked_again = replay.requests[1:3]
    assert lost.headers["Idempotency-Key"] == asked_again.headers["Idempotency-Key"]
    assert json_of(lost) == json_of(asked_again)


def test_recent_posts_give_the_text_as_typed_so_reconcile_finds_the_post(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("account_statuses", path=f"/api/v1/accounts/{OWN_ID}/statuses")
    since = datetime(2024, 5, 1, tzinfo=UTC)

    remote = connector.recent_posts(account, since=since)

    assert [p.platform_post_id for p in remote] == [
        "112400000000000001",
        "112399000000000000",
    ]  # the self-reply (a thread's part) and the post before `since` are left out
    assert remote[0].text == TEXT
    assert remote[1].text == (
        "Tasting notes:\ncherry, cocoa\nand a long finish #coffee with @ana <3"
    )
    found = find_remote(remote, account.id, (TEXT,), frozenset())
    assert found is not None and found.platform_post_id == "112400000000000001"
    [sent] = replay.requests
    assert sent.url.params["exclude_replies"] == "true"
    assert sent.url.params["exclude_reblogs"] == "true"
    assert sent.headers["Authorization"] == f"Bearer {TOKEN}"


def test_recent_posts_look_the_account_up_when_its_id_is_not_stored(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    bare = AccountRef(
        account.id,
        account.platform,
        account.handle,
        {"access_token": TOKEN, "base_url": INSTANCE},
    )
    replay.expect("verify_credentials")
    replay.expect("account_statuses", path=f"/api/v1/accounts/{OWN_ID}/statuses")

    assert connector.recent_posts(bare, since=datetime(2024, 5, 6, tzinfo=UTC))


def test_delete_removes_the_status_and_an_already_deleted_one_counts_as_deleted(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("status_deleted", path="/api/v1/statuses/112400000000000001")
    replay.expect("delete_not_found", path="/api/v1/statuses/112400000000000002")

    connector.delete(account, "112400000000000001")
    connector.delete(account, "112400000000000002")

    assert [r.method for r in replay.requests] == ["DELETE", "DELETE"]
    assert replay.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_an_account_without_a_token_or_with_a_plain_http_instance_needs_a_reconnect(
    connector: MastodonConnector, account: AccountRef
) -> None:
    for credentials in (
        {"base_url": INSTANCE},
        {"access_token": TOKEN, "base_url": "http://mastodon.example"},
    ):
        broken = AccountRef(account.id, "mastodon", account.handle, credentials)
        with pytest.raises(PublishError) as caught:
            connector.publish(broken, outbound(account, "Hi"))
        assert caught.value.kind is ErrorKind.RECONNECT


def test_an_instance_on_a_private_address_is_never_called(
    connector: MastodonConnector, replay: Replay, account: AccountRef
) -> None:
    inside = AccountRef(
        account.id,
        "mastodon",
        account.handle,
        {"access_token": TOKEN, "base_url": "https://127.0.0.1"},
    )

    with pytest.raises(PublishError) as caught:
        connector.publish(inside, outbound(account, "Hi"))

    assert caught.value.kind is ErrorKind.RETRY  # refused before sending: not UNKNOWN
    assert "private or local address" in caught.value.message
    assert replay.requests == []


def test_the_registry_builds_the_mastodon_connector_with_its_options() -> None:
    built = publisher_for("mastodon", {"base_url": INSTANCE, "timeout": "3"})

    assert isinstance(built, MastodonConnector)
    assert built.base_url == INSTANCE
    built.close()
