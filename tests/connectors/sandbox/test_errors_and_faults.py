"""Error mapping, fault settings and limits, without a server (httpx.MockTransport)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from tandem.connectors.sandbox import SandboxPublisher
from tandem.connectors.sandbox.faults import FaultConfig, Faults, Outcome, Scope
from tandem.connectors.sandbox.rules import grapheme_length, post_problem
from tandem.publish.ports import AccountRef, ErrorKind, OutboundPost, PublishError

ACCOUNT = AccountRef(
    id="a", platform="sandbox", handle="brand", credentials={"token": "t"}
)
POST = OutboundPost(parts=("hi",), fingerprint="fp")


def publisher(handler: httpx.MockTransport) -> SandboxPublisher:
    return SandboxPublisher("http://127.0.0.1:1", transport=handler)


def failing(exc: type[httpx.TransportError]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        raise exc("boom", request=request)

    return httpx.MockTransport(handle)


@pytest.mark.parametrize(
    ("exc", "write_kind", "read_kind"),
    [
        (httpx.ConnectError, ErrorKind.RETRY, ErrorKind.RETRY),
        (httpx.ConnectTimeout, ErrorKind.RETRY, ErrorKind.RETRY),
        (httpx.ReadTimeout, ErrorKind.UNKNOWN, ErrorKind.RETRY),
        (httpx.RemoteProtocolError, ErrorKind.UNKNOWN, ErrorKind.RETRY),
    ],
)
def test_transport_errors(
    exc: type[httpx.TransportError], write_kind: ErrorKind, read_kind: ErrorKind
) -> None:
    with publisher(failing(exc)) as client:
        with pytest.raises(PublishError) as on_write:
            client.publish(ACCOUNT, POST)
        with pytest.raises(PublishError) as on_read:
            client.recent_posts(ACCOUNT, since=datetime.now(UTC))
    assert on_write.value.kind is write_kind
    assert on_read.value.kind is read_kind


def test_retry_after_as_http_date() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": later}, json={"error": "x"})

    with (
        publisher(httpx.MockTransport(handle)) as client,
        pytest.raises(PublishError) as caught,
    ):
        client.publish(ACCOUNT, POST)
    assert caught.value.kind is ErrorKind.RETRY
    assert caught.value.retry_after is not None
    assert 50 < caught.value.retry_after <= 60


def test_unreadable_success_is_unknown() -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(201, text="<html>"))
    with publisher(transport) as client, pytest.raises(PublishError) as caught:
        client.publish(ACCOUNT, POST)
    assert caught.value.kind is ErrorKind.UNKNOWN


def test_fault_config_from_env_and_validation() -> None:
    config = FaultConfig.from_env(
        {"TANDEM_SANDBOX_ERROR_RATE": "0.2", "TANDEM_SANDBOX_SCOPE": "all"}
    )
    assert config.error_rate == 0.2
    assert config.scope is Scope.ALL
    with pytest.raises(ValueError, match="Unknown fault setting"):
        config.updated({"eror_rate": 0.1})
    with pytest.raises(ValueError, match="between 0 and 1"):
        config.updated({"timeout_rate": 1.5})


def test_fault_rates_are_roughly_honoured() -> None:
    faults = Faults(FaultConfig(error_rate=0.2, rate_limit_rate=0.1, seed=3))
    draws = [faults.draw()[0] for _ in range(5000)]
    assert 0.17 < draws.count(Outcome.ERROR) / 5000 < 0.23
    assert 0.07 < draws.count(Outcome.RATE_LIMIT) / 5000 < 0.13
    assert Outcome.TIMEOUT not in draws


def test_limits_count_graphemes() -> None:
    assert grapheme_length("e\u0301") == 1
    assert grapheme_length("a\r\nb") == 3
    assert post_problem(["x" * 500]) is None
    assert post_problem([]) == "A post needs at least one part."
    assert post_problem(["ok", " "]) == "Part 2 is empty."
    assert "first comment" in (post_problem(["ok"], "y" * 501) or "")
