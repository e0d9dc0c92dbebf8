"""Webhook signatures follow Standard Webhooks; retry timing spreads over about a day."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
from datetime import UTC, datetime, timedelta

import pytest

from tandem.core import InvalidInput
from tandem.notify import signing
from tandem.notify.delivery import (
    JITTER,
    RETRY_SCHEDULE,
    DeliveryPolicy,
    parse_retry_after,
    retry_delay,
)
from tandem.notify.endpoints import check_event_types, check_url

# A fixed secret: failures reproduce. 24 bytes, as new_secret() makes.
SECRET = "whsec_" + base64.b64encode(bytes(range(24))).decode()


def test_the_signature_is_hmac_sha256_of_id_timestamp_and_body_under_the_decoded_key():
    body = b'{"type":"publication.failed"}'
    header = signing.sign(SECRET, message_id="evt1", timestamp=1700000000, body=body)
    expected = hmac.new(
        bytes(range(24)), b"evt1.1700000000." + body, hashlib.sha256
    ).digest()
    assert header == "v1," + base64.b64encode(expected).decode()


def test_headers_carry_id_timestamp_and_signature():
    h = signing.headers(SECRET, message_id="evt1", timestamp=1700000000, body=b"{}")
    assert h["webhook-id"] == "evt1"
    assert h["webhook-timestamp"] == "1700000000"
    assert h["webhook-signature"].startswith("v1,")
    assert h["content-type"] == "application/json"


def test_verify_accepts_the_right_secret_and_refuses_tampering_and_replays():
    body = b'{"a":1}'
    sig = signing.sign(SECRET, message_id="m", timestamp=1000, body=body)
    signing.verify(
        SECRET,
        message_id="m",
        timestamp="1000",
        signature_header=sig,
        body=body,
        now=1100,
    )
    # One good signature among several (a rotation) is enough.
    signing.verify(
        SECRET,
        message_id="m",
        timestamp="1000",
        signature_header=f"v1,bm9wZQ== {sig}",
        body=body,
        now=1000,
    )
    with pytest.raises(signing.InvalidSignature):
        signing.verify(
            SECRET,
            message_id="m",
            timestamp="1000",
            signature_header=sig,
            body=b'{"a":2}',
            now=1000,
        )
    other = signing.new_secret()
    with pytest.raises(signing.InvalidSignature):
        signing.verify(
            other,
            message_id="m",
            timestamp="1000",
            signature_header=sig,
            body=body,
            now=1000,
        )
    with pytest.raises(signing.InvalidSignature, match="5 minute"):
        signing.verify(
            SECRET,
            message_id="m",
            timestamp="1000",
            signature_header=sig,
            body=body,
            now=1000 + 301,
        )


def test_new_secrets_are_whsec_with_24_random_bytes_and_differ():
    a, b = signing.new_secret(), signing.new_secret()
    assert a.startswith("whsec_") and a != b
    assert len(base64.b64decode(a.removeprefix("whsec_"))) == 24


def test_eight_attempts_spread_over_about_a_day():
    assert len(RETRY_SCHEDULE) + 1 == 8
    total = sum(RETRY_SCHEDULE, timedelta())
    assert timedelta(hours=20) <= total <= timedelta(hours=26)
    policy = DeliveryPolicy(rng=random.Random(3))
    waits = [retry_delay(n, policy) for n in range(1, 8)]
    assert all(w is not None for w in waits)
    for wait, planned in zip(waits, RETRY_SCHEDULE, strict=True):
        assert wait is not None
        assert planned * (1 - JITTER) <= wait <= planned * (1 + JITTER)
    assert waits != list(RETRY_SCHEDULE), "jitter moves the times"
    assert retry_delay(8, policy) is None, "the eighth attempt is the last"


def test_retry_after_stretches_a_wait_but_never_beyond_a_day():
    policy = DeliveryPolicy(rng=random.Random(1))
    assert retry_delay(1, policy, timedelta(minutes=3)) == timedelta(minutes=3)
    assert retry_delay(1, policy, timedelta(days=9)) == timedelta(hours=24)
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert parse_retry_after("120", now) == timedelta(seconds=120)
    assert parse_retry_after("Thu, 01 Jan 2026 12:05:00 GMT", now) == timedelta(
        minutes=5
    )
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


@pytest.mark.parametrize(
    "url",
    ["", "ftp://example.com/x", "example.com/hook", "https://user:pw@example.com/h"],
)
def test_bad_urls_are_refused_naming_the_field(url):
    with pytest.raises(InvalidInput) as caught:
        check_url(url)
    assert caught.value.field == "url"


def test_event_types_must_be_known_and_not_empty():
    assert check_event_types(["publication.failed", "publication.failed"]) == [
        "publication.failed"
    ]
    for bad in ([], ["publication.exploded"]):
        with pytest.raises(InvalidInput) as caught:
            check_event_types(bad)
        assert caught.value.field == "event_types"
