"""The UTM builder: one convention for every link, so GA4 groups the traffic the same way.

Conventions (docs/tracked-links.md has the table for users):
- values are lower case, NFKC-normalised; spaces, underscores and punctuation become single
  hyphens ("Spring Sale_2026!" -> "spring-sale-2026"), because GA4 reports "Spring Sale",
  "spring_sale" and "spring-sale" as three campaigns;
- utm_source/utm_medium come from the platform (model.CHANNELS), never typed by hand;
- utm_* parameters already on the destination are replaced, everything else in the query and
  the fragment is kept byte for byte;
- the result is an ASCII URI (IDN host in punycode, other non-ASCII percent-encoded as UTF-8),
  so it can go into a Location header unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

from tandem.core import InvalidInput
from tandem.links.model import CHANNELS, Platform, TrackedUrl, UtmTags, parse_platform

# GA4 keeps at most 100 characters of an event parameter value; longer campaign names are
# cut and then split into several rows: https://support.google.com/analytics/answer/9267744
MAX_VALUE = 100
MAX_URL = 2048
SCHEMES = ("http", "https")

_SEPARATORS = re.compile(r"[^\w.]+")
_HYPHENS = re.compile(r"-{2,}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_HOST = re.compile(r"^[a-z0-9._-]+$")
# Characters left as they are in a path, query or fragment: RFC 3986 reserved + "%", so
# existing escapes survive and only what a URI cannot hold is encoded.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"


def utm_value(text: str | None, *, field: str, required: bool = False) -> str | None:
    """One UTM value in the house convention; None when empty and not required."""
    value = unicodedata.normalize("NFKC", text or "").strip().lower()
    value = _SEPARATORS.sub("-", value.replace("_", "-"))
    value = _HYPHENS.sub("-", value).strip("-.")
    if not value:
        if required:
            raise InvalidInput(
                f"Enter a {field.replace('_', ' ')} (letters or digits).", field=field
            )
        return None
    if len(value) > MAX_VALUE:
        raise InvalidInput(
            f"Use at most {MAX_VALUE} characters for the {field.replace('_', ' ')}: "
            "GA4 cuts longer values.",
            field=field,
        )
    return value


def utm_tags(
    *,
    platform: str | Platform,
    campaign: str,
    content: str | None = None,
    term: str | None = None,
) -> UtmTags:
    channel = CHANNELS[parse_platform(platform)]
    return UtmTags(
        source=channel.source,
        medium=channel.medium,
        campaign=utm_value(campaign, field="campaign_key", required=True) or "",
        content=utm_value(content, field="content"),
        term=utm_value(term, field="term"),
    )


def _ascii_host(host: str, field: str) -> str:
    if ":" in host:  # an IPv6 literal; urlsplit already checked the brackets
        return f"[{host}]"
    try:
        ascii_host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise InvalidInput(
            f"The {field} has a host name that is not valid: {host!r}.", field=field
        ) from None
    if not _ASCII_HOST.match(ascii_host):
        raise InvalidInput(
            f"The {field} has a host name that is not valid: {host!r}.", field=field
        )
    return ascii_host


def _split(url: str, field: str) -> tuple[str, str, str, str, str]:
    """Scheme, ASCII netloc, path, query, fragment of a URL we agree to redirect to."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput(f"The {field} is not a valid URL.", field=field) from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise InvalidInput(
            f"The {field} must start with http:// or https://"
            + (f" ({scheme}: links cannot be tracked)." if scheme else "."),
            field=field,
        )
    if "@" in parts.netloc:
        raise InvalidInput(
            f"The {field} must not contain a user name or password.", field=field
        )
    if not parts.hostname:
        raise InvalidInput(f"The {field} has no host name.", field=field)
    netloc = _ascii_host(parts.hostname, field) + (f":{port}" if port else "")
    return scheme, netloc, parts.path, parts.query, parts.fragment


def check_destination(url: str, *, field: str = "destination") -> str:
    """A safe, normalised ASCII form of `url`; InvalidInput naming `field` otherwise."""
    text = (url or "").strip()
    if not text:
        raise InvalidInput(
            f"Enter the {field} URL, starting with https://.", field=field
        )
    if len(text) > MAX_URL:
        raise InvalidInput(
            f"The {field} is longer than {MAX_URL} characters.", field=field
        )
    if _CONTROL.search(text):
        raise InvalidInput(
            f"The {field} contains control characters or line breaks.", field=field
        )
    scheme, netloc, path, query, fragment = _split(text, field)
    return urlunsplit(
        (
            scheme,
            netloc,
            quote(path, safe=_URI_SAFE) or "/",
            quote(query, safe=_URI_SAFE),
            quote(fragment, safe=_URI_SAFE),
        )
    )


def _is_utm(piece: str) -> bool:
    name = unquote_plus(piece.split("=", 1)[0]).strip().lower()
    return name.startswith("utm_")


def with_tags(destination: str, tags: UtmTags, *, field: str = "destination") -> str:
    """`destination` with `tags` as its only utm_* parameters; the rest kept as it was."""
    scheme, netloc, path, query, fragment = urlsplit(
        check_destination(destination, field=field)
    )
    kept = [p for p in query.split("&") if p and not _is_utm(p)]
    added = [f"{name}={quote(value, safe='')}" for name, value in tags.as_params()]
    url = urlunsplit((scheme, netloc, path, "&".join(kept + added), fragment))
    if len(url) > MAX_URL:
        raise InvalidInput(
            f"The tracked {field} would be longer than {MAX_URL} characters.",
            field=field,
        )
    return url


def tracked_url(
    destination: str,
    *,
    platform: str | Platform,
    campaign: str,
    content: str | None = None,
    term: str | None = None,
) -> TrackedUrl:
    """The tracked URL with its tags and GA4 channel, for previews and the composer."""
    chosen = parse_platform(platform)
    tags = utm_tags(platform=chosen, campaign=campaign, content=content, term=term)
    return TrackedUrl(
        url=with_tags(destination, tags),
        tags=tags,
        platform=chosen,
        channel=CHANNELS[chosen].ga4_channel,
    )


def build_tracked_url(
    destination: str,
    *,
    platform: str | Platform,
    campaign: str,
    content: str | None = None,
    term: str | None = None,
) -> str:
    """`destination` tagged for `platform` and `campaign`; raises InvalidInput per field."""
    return tracked_url(
        destination, platform=platform, campaign=campaign, content=content, term=term
    ).url
