"""LinkedIn's answers mapped to what the worker does next."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tandem.connectors.linkedin import LinkedInConnector
from tandem.connectors.linkedin.errors import until_midnight_utc
from tandem.publish.ports import AccountRef, ErrorKind, OutboundPost, PublishError
from tests.connectors.replay import Replay

POST = OutboundPost(("hello",), "fp")


def publish_error(linkedin: LinkedInConnector, page: AccountRef) -> PublishError:
    with pytest.raises(PublishError) as caught:
        linkedin.publish(page, POST)
    return caught.value


def test_a_validation_error_is_permanent_with_linkedins_message(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("create_post_invalid")

    error = publish_error(linkedin, page)

    assert (error.kind, error.status) == (ErrorKind.PERMANENT, 422)
    assert "exceeds the maximum allowed 3000 characters" in error.message


def test_a_duplicate_is_permanent(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("create_post_duplicate")

    error = publish_error(linkedin, page)

    assert error.kind is ErrorKind.PERMANENT
    assert error.message == "Content is a duplicate of urn:li:share:7270000000000000001"


def test_a_rate_limit_honours_retry_after(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("rate_limited", headers={"retry-after": "120"})

    error = publish_error(linkedin, page)

    assert (error.kind, error.retry_after, error.status) == (
        ErrorKind.RETRY,
        120.0,
        429,
    )
    assert "APPLICATION DAY limit" in error.message


def test_a_rate_limit_without_retry_after_waits_for_the_daily_reset(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("rate_limited")

    error = publish_error(linkedin, page)

    assert error.kind is ErrorKind.RETRY
    assert error.retry_after is not None
    assert abs(error.retry_after - until_midnight_utc()) < 5


def test_the_daily_reset_is_the_next_midnight_utc() -> None:
    assert until_midnight_utc(datetime(2026, 11, 28, 23, 0, tzinfo=UTC)) == 3600.0


def test_an_expired_token_needs_reconnecting(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("expired_token")

    error = publish_error(linkedin, page)

    assert (error.kind, error.status) == (ErrorKind.RECONNECT, 401)
    assert error.message == "The token used in the request has expired"


def test_a_server_error_is_retried(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("server_error")

    assert publish_error(linkedin, page).kind is ErrorKind.RETRY


def test_a_connect_timeout_is_retried(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.fail("POST", "/rest/posts", "ConnectTimeout")

    assert publish_error(linkedin, page).kind is ErrorKind.RETRY


def test_a_read_timeout_after_sending_the_post_is_unknown(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.fail("POST", "/rest/posts", "ReadTimeout")

    assert publish_error(linkedin, page).kind is ErrorKind.UNKNOWN


def test_a_created_answer_without_the_post_id_is_unknown(
    linkedin: LinkedInConnector, replay: Replay, page: AccountRef
) -> None:
    replay.expect("create_post", headers={"x-restli-id": ""})

    assert publish_error(linkedin, page).kind is ErrorKind.UNKNOWN


def test_reading_posts_without_the_permission_says_which_one(
    linkedin: LinkedInConnector, replay: Replay, member: AccountRef
) -> None:
    replay.expect("access_denied")

    with pytest.raises(PublishError) as caught:
        linkedin.recent_posts(member, since=datetime(2026, 11, 1, tzinfo=UTC))

    assert caught.value.kind is ErrorKind.PERMANENT  # reconnecting would not help
    assert "Not enough permissions" in caught.value.message
    assert "docs/connectors/linkedin.md" in caught.value.message
