"""The Graph API error mapping shared by Facebook, Instagram and Threads."""

from __future__ import annotations

import json

import httpx
import pytest

from tandem.connectors.http import error_for_status
from tandem.connectors.meta.graph import classify, message_of, metric_values, usage_wait
from tandem.publish.ports import ErrorKind, PublishError


def _error(
    status: int, code: int | None, headers: dict[str, str] | None = None
) -> PublishError:
    body: dict[str, object] = {"message": "Meta says no", "type": "OAuthException"}
    if code is not None:
        body["code"] = code
    response = httpx.Response(status, json={"error": body}, headers=headers or {})
    return error_for_status(
        response, platform="Graph", message_of=message_of, classify=classify
    )


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, 190, ErrorKind.RECONNECT),
        (400, 4, ErrorKind.RETRY),
        (400, 17, ErrorKind.RETRY),
        (400, 32, ErrorKind.RETRY),
        (400, 613, ErrorKind.RETRY),
        (400, 80001, ErrorKind.RETRY),
        (400, 80006, ErrorKind.RETRY),
        (500, 1, ErrorKind.RETRY),
        (400, 2, ErrorKind.RETRY),
        (403, 10, ErrorKind.RECONNECT),
        (400, 200, ErrorKind.RECONNECT),
        (400, 299, ErrorKind.RECONNECT),
        (400, 100, ErrorKind.PERMANENT),
        (400, 506, ErrorKind.PERMANENT),
        (400, 368, ErrorKind.PERMANENT),  # unknown codes fall back to the HTTP status
        (503, None, ErrorKind.RETRY),
        (401, None, ErrorKind.RECONNECT),
    ],
)
def test_each_graph_code_maps_to_what_the_worker_should_do(
    status: int, code: int | None, kind: ErrorKind
) -> None:
    error = _error(status, code)
    assert error.kind is kind
    assert error.message.startswith("Meta says no")
    assert error.status == status


def test_the_message_carries_the_code_and_subcode() -> None:
    response = httpx.Response(
        400, json={"error": {"message": "Bad", "code": 100, "error_subcode": 33}}
    )
    assert message_of(response) == "Bad (Graph error 100/33)"


def test_the_users_message_is_preferred_when_meta_gives_one() -> None:
    response = httpx.Response(
        400,
        json={
            "error": {"message": "internal", "error_user_msg": "Too long", "code": 100}
        },
    )
    assert message_of(response) == "Too long (Graph error 100)"


def test_the_wait_is_the_longest_estimated_time_to_regain_access() -> None:
    usage = {
        "111": [
            {"type": "pages", "call_count": 100, "estimated_time_to_regain_access": 3}
        ],
        "222": [
            {
                "type": "instagram",
                "call_count": 99,
                "estimated_time_to_regain_access": 7,
            }
        ],
    }
    headers = httpx.Headers({"X-Business-Use-Case-Usage": json.dumps(usage)})
    assert usage_wait(headers) == 7 * 60


def test_no_usage_header_or_a_zero_wait_falls_back_to_retry_after() -> None:
    usage = {"111": [{"type": "pages", "estimated_time_to_regain_access": 0}]}
    error = _error(
        400,
        4,
        {"X-Business-Use-Case-Usage": json.dumps(usage), "Retry-After": "30"},
    )
    assert (error.kind, error.retry_after) == (ErrorKind.RETRY, 30)
    assert usage_wait(httpx.Headers({"X-Business-Use-Case-Usage": "not json"})) is None


def test_metric_values_read_series_and_totals_and_skip_absent_ones() -> None:
    body = {
        "data": [
            {"name": "views", "period": "lifetime", "values": [{"value": 5}]},
            {"name": "followers_count", "period": "day", "total_value": {"value": 9}},
            {"name": "reach", "period": "lifetime", "values": []},
        ]
    }
    assert metric_values(body) == {"views": 5, "followers_count": 9}
