"""Tracked sites: a public key and the host names allowed to send events with it."""

from __future__ import annotations

import re
import secrets

from sqlalchemy.orm import Session

from tandem.accounts import store as accounts
from tandem.core import Clock, InvalidInput, NotFound, new_id
from tandem.measure import store
from tandem.measure.model import PrivacyMode, Site
from tandem.measure.store import SiteRow
from tandem.measure.traffic import host_of

MAX_DOMAINS = 20
MAX_NAME = 100
HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{1,63}$"
)


def new_site_key() -> str:
    return "ts_" + secrets.token_urlsafe(12)


def normalise_domain(text: str) -> str:
    """A host name from what people paste: "https://www.Example.com/" -> "www.example.com"."""
    raw = text.strip().lower()
    host = host_of(raw if "://" in raw else f"https://{raw}") or ""
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        host = ""
    if not HOST.match(host):
        raise InvalidInput(
            f"{text.strip()!r} is not a host name; enter one like example.com.",
            field="domains",
        )
    return host


def host_allowed(site: Site, host: str | None) -> bool:
    """Whether `host` is one of the site's domains or a subdomain of one."""
    if not host:
        return False
    host = host.lower().rstrip(".")
    return any(host == d or host.endswith("." + d) for d in site.domains)


def create_site(
    session: Session,
    *,
    workspace_id: str,
    name: str,
    domains: list[str],
    privacy: str | PrivacyMode = PrivacyMode.COOKIELESS,
    clock: Clock,
) -> Site:
    """A new site with a fresh key. Raises InvalidInput naming name, domains or privacy."""
    accounts.workspace_by_id(session, workspace_id)
    title = name.strip()
    if not title or len(title) > MAX_NAME:
        raise InvalidInput(
            f"Give the site a name of 1 to {MAX_NAME} characters.", field="name"
        )
    hosts = list(dict.fromkeys(normalise_domain(d) for d in domains if d.strip()))
    if not hosts or len(hosts) > MAX_DOMAINS:
        raise InvalidInput(
            f"List 1 to {MAX_DOMAINS} domains the site's pages are served from.",
            field="domains",
        )
    try:
        mode = PrivacyMode(privacy)
    except ValueError:
        raise InvalidInput(
            "privacy must be cookieless or consent.", field="privacy"
        ) from None
    row = SiteRow(
        id=new_id(),
        workspace_id=workspace_id,
        key=new_site_key(),
        name=title,
        domains=" ".join(hosts),
        privacy=mode.value,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return store.to_site(row)


def site_in(session: Session, workspace_id: str, site_id: str) -> Site:
    for site in store.sites_of(session, workspace_id):
        if site.id == site_id:
            return site
    raise NotFound("No such site in this workspace.")
