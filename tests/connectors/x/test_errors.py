"""X's answers mapped to what the worker does next: retry, reconnect, give up, reconcile."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tandem.connectors.x import XConnector
from tandem.publish.ports import AccountRef, ErrorKind, OutboundPost, PublishError
from tests.connectors.replay import Replay

POST = OutboundPost(parts=("hello",), fingerprint="f")


def publish_error(x: XConnector, account: AccountRef) -> PublishError:
    with pytest.raises(PublishError) as caught:
        x.publish(account, POST)
    return caught.value


def test_a_validation_error_is_permanent_with_xs_own_message(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("create_tweet_invalid")

    error = publish_error(x, account)

    assert error.kind is ErrorKind.PERMANENT and error.status == 400
    assert error.message.startswith(
        "One or more parameters to your request was invalid."
    )
    assert "Text exceeds 280 characters" in error.message


def test_a_rate_limit_retries_when_the_window_resets(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    reset = int(time.time()) + 900
    replay.expect(
        "create_tweet_rate_limited", headers={"x-rate-limit-reset": str(reset)}
    )

    error = publish_error(x, account)

    assert error.kind is ErrorKind.RETRY and error.status == 429
    assert error.retry_after is not None and 880 <= error.retry_after <= 900


def test_the_daily_posting_cap_waits_for_its_own_reset(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    daily = int(time.time()) + 7200
    replay.expect(
        "create_tweet_daily_cap",
        headers={
            "x-rate-limit-reset": str(int(time.time()) + 60),
            "x-user-limit-24hour-reset": str(daily),
        },
    )

    error = publish_error(x, account)

    assert error.kind is ErrorKind.RETRY
    assert error.retry_after is not None and 7180 <= error.retry_after <= 7200


def test_retry_after_wins_over_the_reset_header(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("create_tweet_rate_limited", headers={"retry-after": "42"})

    assert publish_error(x, account).retry_after == 42.0


def test_an_expired_token_needs_reconnecting(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("unauthorized")

    error = publish_error(x, account)

    assert (error.kind, error.status, error.message) == (
        ErrorKind.RECONNECT,
        401,
        "Unauthorized",
    )


def test_duplicate_content_is_permanent_not_a_reconnect(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("create_tweet_duplicate")

    error = publish_error(x, account)

    assert error.kind is ErrorKind.PERMANENT and error.status == 403
    assert (
        error.message == "You are not allowed to create a Tweet with duplicate content."
    )


def test_an_action_the_access_level_does_not_allow_is_permanent_and_says_why(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("not_permitted")

    error = publish_error(x, account)

    assert error.kind is ErrorKind.PERMANENT
    assert "not permitted" in error.message and "access level" in error.message


def test_depleted_credits_are_permanent_and_point_at_the_console(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("credits_depleted")

    error = publish_error(x, account)

    assert error.kind is ErrorKind.PERMANENT and error.status == 402
    assert "does not have any credits" in error.message
    assert "Developer Console" in error.message


def test_a_server_error_is_retried(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("server_error")

    error = publish_error(x, account)

    assert (error.kind, error.status, error.message) == (
        ErrorKind.RETRY,
        503,
        "Service Unavailable",
    )


def test_a_connect_timeout_is_retried(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.fail("POST", "/2/tweets", "ConnectTimeout")

    assert publish_error(x, account).kind is ErrorKind.RETRY


def test_a_read_timeout_after_sending_a_post_is_unknown(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.fail("POST", "/2/tweets", "ReadTimeout")

    error = publish_error(x, account)

    assert error.kind is ErrorKind.UNKNOWN
    assert "may or may not exist" in error.message


def test_a_read_timeout_on_a_read_is_simply_retried(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.fail("GET", "/2/users/2244994945/tweets", "ReadTimeout")

    with pytest.raises(PublishError) as caught:
        x.recent_posts(account, since=datetime.now(UTC))

    assert caught.value.kind is ErrorKind.RETRY


def test_a_read_timeout_on_a_media_upload_is_retried_as_no_post_exists(
    x: XConnector, replay: Replay, account: AccountRef, tmp_path: Path
) -> None:
    image = tmp_path / "a.jpg"
    image.write_bytes(b"\xff\xd8\xff")
    replay.fail("POST", "/2/media/upload", "ReadTimeout")

    with pytest.raises(PublishError) as caught:
        x.publish(account, OutboundPost(("hi",), "f", media_paths=(str(image),)))

    assert caught.value.kind is ErrorKind.RETRY
    assert not replay.sent("POST", "/2/tweets")


def test_an_unreadable_success_after_a_post_is_unknown(
    x: XConnector, replay: Replay, account: AccountRef
) -> None:
    replay.expect("create_tweet", json_body={"unexpected": True})

    assert publish_error(x, account).kind is ErrorKind.UNKNOWN
