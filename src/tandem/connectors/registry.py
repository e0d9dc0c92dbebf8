"""Platform name -> connector factory. Add a platform by adding its factory here.

A factory takes the connector's options (strings, as they come from configuration) and
returns a `Publisher`. Unknown options are ignored so one options mapping can serve all.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from tandem.connectors.bluesky import BlueskyConnector
from tandem.connectors.facebook import FacebookConnector
from tandem.connectors.instagram import InstagramConnector
from tandem.connectors.linkedin import LinkedInConnector
from tandem.connectors.mastodon import MastodonConnector
from tandem.connectors.meta.media import MediaUrlFor
from tandem.connectors.sandbox import SandboxPublisher
from tandem.connectors.sandbox.client import DEFAULT_TIMEOUT
from tandem.connectors.threads import ThreadsConnector
from tandem.connectors.x import XConnector
from tandem.media.public import public_base_problem, url_maker
from tandem.publish.ports import ErrorKind, Publisher, PublishError

# Until settings.py has a field for it, the Sandbox's address comes from the environment.
SANDBOX_URL_ENV = "TANDEM_SANDBOX_URL"
SANDBOX_DEFAULT_URL = "http://127.0.0.1:8780"


class ConnectorFactory(Protocol):
    def __call__(self, options: Mapping[str, str]) -> Publisher: ...


class UnknownPlatform(LookupError):
    def __init__(self, platform: str) -> None:
        super().__init__(
            f"No connector for platform {platform!r}; known: {', '.join(sorted(CONNECTORS))}."
        )
        self.platform = platform


def sandbox(options: Mapping[str, str]) -> Publisher:
    """Options: `base_url` (default $TANDEM_SANDBOX_URL, else 127.0.0.1:8780), `timeout`."""
    base_url = options.get("base_url") or os.environ.get(
        SANDBOX_URL_ENV, SANDBOX_DEFAULT_URL
    )
    timeout = float(options.get("timeout", DEFAULT_TIMEOUT))
    # Our own network needs no real credentials: any token but "revoked…" is accepted, so an
    # account without a stored token publishes under its handle.
    return SandboxPublisher(
        base_url,
        token_for=lambda account: (
            account.credentials.get("token") or f"sandbox:{account.handle}"
        ),
        timeout=timeout,
    )


def bluesky(options: Mapping[str, str]) -> Publisher:
    """Options: `base_url` (the service to log in to and the PDS for accounts whose
    credentials name none; tests point it at a local network), `timeout` (seconds),
    `allow_private` ("1": the PDS may be on a private or loopback address)."""
    return BlueskyConnector(
        options.get("base_url") or "https://bsky.social",
        timeout=float(options.get("timeout", DEFAULT_TIMEOUT)),
        allow_private=options.get("allow_private") == "1",
    )


def mastodon(options: Mapping[str, str]) -> Publisher:
    """Options: `base_url` (the instance for accounts whose credentials name none; tests
    point it at a recorded API), `timeout` (seconds)."""
    return MastodonConnector(
        options.get("base_url") or "https://mastodon.social",
        timeout=float(options.get("timeout", DEFAULT_TIMEOUT)),
    )


def x(options: Mapping[str, str]) -> Publisher:
    """Options: `api_url` (default https://api.x.com; tests point it at recordings; not
    `base_url`, which the worker sets to the Sandbox's address), `timeout` (seconds)."""
    return XConnector(
        options.get("api_url") or "https://api.x.com",
        timeout=float(options.get("timeout", DEFAULT_TIMEOUT)),
    )


def linkedin(options: Mapping[str, str]) -> Publisher:
    """Options: `api_url` (default https://api.linkedin.com), `timeout` (seconds)."""
    return LinkedInConnector(
        options.get("api_url") or "https://api.linkedin.com",
        timeout=float(options.get("timeout", DEFAULT_TIMEOUT)),
    )


def facebook(options: Mapping[str, str]) -> Publisher:
    """Options: `api_url` (default https://graph.facebook.com), `timeout` (seconds)."""
    return FacebookConnector(
        options.get("api_url") or "https://graph.facebook.com",
        timeout=float(options.get("timeout", DEFAULT_TIMEOUT)),
    )


def media_urls(platform: str, options: Mapping[str, str]) -> MediaUrlFor | None:
    """`media_url_for` from the options `media_base_url`, `media_url_key` (hex of
    tandem.media.public.signing_key) and `media_url_ttl` (seconds), which the worker sets
    (jobs/publishing.py); None without them: the connector then refuses media, explaining."""
    base_url, key = options.get("media_base_url", ""), options.get("media_url_key", "")
    if not base_url or not key:
        return None
    problem = public_base_problem(base_url)
    ttl = timedelta(seconds=float(options.get("media_url_ttl", 3600)))
    make = url_maker(base_url, bytes.fromhex(key), ttl=ttl)

    def url_for(path: str) -> str:
        if problem is not None:
            raise PublishError(
                f"{platform} downloads media from a public https address of this Tandem, "
                f"made from TANDEM_BASE_URL (the `base_url` setting), but {problem}; so "
                f"{Path(path).name} cannot be posted. Set TANDEM_BASE_URL to this Tandem's "
                "public https address (e.g. https://tandem.example.com) and retry "
                f"(docs/connectors/{platform.lower()}.md).",
                kind=ErrorKind.PERMANENT,
            )
        try:
            return make(path)
        except ValueError as exc:
            raise PublishError(
                f"{exc}, so {platform} cannot download it: attach files to posts from "
                "the media library.",
                kind=ErrorKind.PERMANENT,
            ) from exc

    return url_for


def instagram(options: Mapping[str, str]) -> Publisher:
    """Options: `api_url` (default https://graph.facebook.com), `timeout` (seconds), and
    the public media URL options of `media_urls` (media posts need them)."""
    return InstagramConnector(
        options.get("api_url") or "https://graph.facebook.com",
        timeout=float(options.get("timeout", DEFAULT_TIMEOUT)),
        media_url_for=media_urls("Instagram", options),
    )


def threads(options: Mapping[str, str]) -> Publisher:
    """Options: `api_url` (default https://graph.threads.net), `timeout` (seconds), and
    the public media URL options of `media_urls` (media posts need them)."""
    return ThreadsConnector(
        options.get("api_url") or "https://graph.threads.net",
        timeout=float(options.get("timeout", DEFAULT_TIMEOUT)),
        media_url_for=media_urls("Threads", options),
    )


CONNECTORS: dict[str, ConnectorFactory] = {
    "bluesky": bluesky,
    "facebook": facebook,
    "instagram": instagram,
    "linkedin": linkedin,
    "mastodon": mastodon,
    "sandbox": sandbox,
    "threads": threads,
    "x": x,
}


def publisher_for(platform: str, options: Mapping[str, str] | None = None) -> Publisher:
    try:
        factory = CONNECTORS[platform]
    except KeyError:
        raise UnknownPlatform(platform) from None
    return factory(options or {})
