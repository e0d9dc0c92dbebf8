"""The collector's wire format: what is accepted, and errors that name the field."""

from __future__ import annotations

import pytest

from tandem.core import InvalidInput
from tandem.measure import HitKind, parse_payload

KEY = "ts_abcdefghijkl"


def test_a_single_pageview_defaults_its_type():
    payload = parse_payload({"site": KEY, "url": "https://example.com/"})
    assert payload.site_key == KEY
    assert [h.kind for h in payload.hits] == [HitKind.PAGEVIEW]
    assert payload.webdriver is False


def test_a_batch_shares_the_site_key():
    payload = parse_payload(
        {
            "site": KEY,
            "webdriver": True,
            "events": [
                {"type": "pageview", "url": "https://example.com/"},
                {
                    "type": "conversion",
                    "url": "https://example.com/thanks",
                    "value": "49.90",
                    "currency": "eur",
                    "order_id": "A-1",
                },
            ],
        }
    )
    conversion = payload.hits[1]
    assert (conversion.value, conversion.currency, conversion.order_id) == (
        49.9,
        "EUR",
        "A-1",
    )
    assert payload.webdriver is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "body"),
        ({"url": "https://example.com/"}, "site"),
        ({"site": "nope", "url": "https://example.com/"}, "site"),
        ({"site": KEY}, "url"),
        ({"site": KEY, "url": "javascript:alert(1)"}, "url"),
        ({"site": KEY, "url": "https://e.com/", "type": "purchase"}, "type"),
        ({"site": KEY, "url": "https://e.com/", "type": "event"}, "name"),
        ({"site": KEY, "url": "https://e.com/", "type": "identify"}, "contact"),
        ({"site": KEY, "url": "https://e.com/", "value": "12,5"}, "value"),
        ({"site": KEY, "url": "https://e.com/", "value": float("inf")}, "value"),
        ({"site": KEY, "url": "https://e.com/", "currency": "euro"}, "currency"),
        (
            {"site": KEY, "url": "https://e.com/", "type": "conversion", "value": 5},
            "currency",
        ),
        ({"site": KEY, "url": "https://e.com/", "props": [1]}, "props"),
        ({"site": KEY, "events": []}, "events"),
        ({"site": KEY, "events": [{"url": "https://e.com/"}] * 101}, "events"),
    ],
)
def test_invalid_bodies_name_the_field(body, field):
    with pytest.raises(InvalidInput) as caught:
        parse_payload(body)
    assert caught.value.field == field


def test_non_web_referrers_are_dropped_not_refused():
    payload = parse_payload(
        {"site": KEY, "url": "https://e.com/", "referrer": "android-app://com.x"}
    )
    assert payload.hits[0].referrer is None
