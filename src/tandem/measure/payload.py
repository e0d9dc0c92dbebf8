"""The collector's wire format, validated into Hits; errors name the field and the fix.

One event, or a batch under "events" (the site key and webdriver flag are shared):

    {"site": "ts_...", "type": "pageview", "url": "https://example.com/?utm_source=x",
     "referrer": "https://www.google.com/", "visitor": "optional consented id"}
    {"site": "ts_...", "type": "conversion", "url": "...", "name": "purchase",
     "value": 49.9, "currency": "EUR", "order_id": "A-1001"}
    {"site": "ts_...", "type": "identify", "url": "...", "contact": "customer-42"}
    {"site": "ts_...", "events": [{"type": "pageview", "url": "..."}, ...]}

Bodies arrive as application/json or, from navigator.sendBeacon, as text/plain: the
edge hands over the decoded JSON either way.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from tandem.core import InvalidInput
from tandem.measure.model import Hit, HitKind
from tandem.measure.privacy import MAX_CONTACT_KEY

MAX_BODY = 64 * 1024
MAX_BATCH = 100
MAX_URL = 2048
MAX_NAME = 100
MAX_ORDER_ID = 100
MAX_PROPERTIES = 25
MAX_PROPERTY_VALUE = 500
CURRENCY = re.compile(r"^[A-Z]{3}$")
SITE_KEY = re.compile(r"^ts_[A-Za-z0-9_-]{8,37}$")
KINDS = ", ".join(k.value for k in HitKind)


@dataclass(frozen=True)
class Payload:
    site_key: str
    hits: list[Hit]
    webdriver: bool


def _text(
    data: dict[str, Any], name: str, limit: int, *, required: bool = False
) -> str | None:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise InvalidInput(f"Send {name!r}: it is required.", field=name)
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{name!r} must be a string.", field=name)
    value = value.strip()
    if len(value) > limit:
        raise InvalidInput(
            f"{name!r} is longer than {limit} characters; shorten it.", field=name
        )
    return value or None


def _url(data: dict[str, Any], name: str, *, required: bool) -> str | None:
    value = _text(data, name, MAX_URL, required=required)
    if value is not None and not value.lower().startswith(("http://", "https://")):
        if name == "referrer":
            return None  # android-app:// and other non-web referrers carry no host
        raise InvalidInput(
            f"{name!r} must be the page's http(s) address (location.href).", field=name
        )
    return value


def money(value: Any, field: str = "value") -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput(f"{field!r} must be a number like 49.90.", field=field)
    try:
        number = float(value)
    except ValueError:
        raise InvalidInput(
            f"{field!r} must be a number like 49.90 (a dot for decimals), not {value!r}.",
            field=field,
        ) from None
    if not math.isfinite(number):
        raise InvalidInput(f"{field!r} must be a finite number.", field=field)
    return number


def currency(value: Any, field: str = "currency") -> str | None:
    if value is None or value == "":
        return None
    text = str(value).strip().upper()
    if not CURRENCY.match(text):
        raise InvalidInput(
            f"{field!r} must be an ISO 4217 code of three letters, like EUR or USD.",
            field=field,
        )
    return text


def _properties(data: dict[str, Any]) -> dict[str, Any]:
    props = data.get("props") or {}
    if not isinstance(props, dict):
        raise InvalidInput(
            "'props' must be an object of names to values.", field="props"
        )
    if len(props) > MAX_PROPERTIES:
        raise InvalidInput(
            f"Send at most {MAX_PROPERTIES} 'props'; drop the others.", field="props"
        )
    clean: dict[str, Any] = {}
    for key, value in props.items():
        if not isinstance(value, str | int | float | bool) and value is not None:
            raise InvalidInput(
                f"props.{key} must be a string, number, boolean or null.",
                field="props",
            )
        if isinstance(value, str):
            value = value[:MAX_PROPERTY_VALUE]
        clean[str(key)[:MAX_NAME]] = value
    return clean


def _hit(data: Any) -> Hit:
    if not isinstance(data, dict):
        raise InvalidInput("Each event must be a JSON object.", field="events")
    kind_text = _text(data, "type", 20) or HitKind.PAGEVIEW.value
    try:
        kind = HitKind(kind_text)
    except ValueError:
        raise InvalidInput(
            f"'type' must be one of {KINDS}, not {kind_text!r}.", field="type"
        ) from None
    hit = Hit(
        kind=kind,
        url=_url(data, "url", required=True) or "",
        referrer=_url(data, "referrer", required=False),
        name=_text(data, "name", MAX_NAME, required=kind is HitKind.EVENT),
        value=money(data.get("value")),
        currency=currency(data.get("currency")),
        order_id=_text(data, "order_id", MAX_ORDER_ID),
        contact_key=_text(
            data, "contact", MAX_CONTACT_KEY, required=kind is HitKind.IDENTIFY
        ),
        visitor=_text(data, "visitor", 64),
        properties=_properties(data),
    )
    if hit.value is not None and hit.currency is None and kind is HitKind.CONVERSION:
        raise InvalidInput(
            "Send 'currency' with a conversion 'value' (e.g. EUR), or leave out the value.",
            field="currency",
        )
    return hit


def parse_payload(data: Any) -> Payload:
    """Validate a decoded collector body; InvalidInput names the first field at fault."""
    if not isinstance(data, dict):
        raise InvalidInput("The body must be a JSON object.", field="body")
    key = _text(data, "site", 64, required=True) or ""
    if not SITE_KEY.match(key):
        raise InvalidInput(
            "'site' must be the site key from Tandem (ts_...); copy the snippet again.",
            field="site",
        )
    raw = data.get("events")
    if raw is None:
        hits = [_hit(data)]
    elif not isinstance(raw, list) or not raw:
        raise InvalidInput("'events' must be a non-empty list.", field="events")
    elif len(raw) > MAX_BATCH:
        raise InvalidInput(
            f"Send at most {MAX_BATCH} events per request; split the batch.",
            field="events",
        )
    else:
        hits = [_hit(item) for item in raw]
    return Payload(key, hits, webdriver=data.get("webdriver") is True)
