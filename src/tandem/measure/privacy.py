"""Visitor and contact ids that never store an IP address or a raw contact key.

Cookieless: visitor = SHA-256(daily salt, site id, user agent, truncated IP), computed in
memory for each request. The salt is random, kept one UTC day (store.daily_salt) and
deleted the day after, so yesterday's ids cannot be recomputed from an address even by
someone holding the database: that is what makes the ids unlinkable across days. The IP
is truncated first (/24 for IPv4, /48 for IPv6), so neighbours on one network behind
one browser version may share an id: an undercount accepted for privacy.

Consented: the snippet sends a random id it keeps in localStorage, only after consent.

Contacts: the site's own key for a person (customer number, email) is stored as a
pseudonym, SHA-256 of the workspace id and the normalised key, so the same person gets
the same contact id from the snippet, the conversion API and CSV imports.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re

VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_CONTACT_KEY = 320  # the longest email address RFC 5321 allows
COOKIELESS_PREFIX = "h_"
CONSENTED_PREFIX = "v_"
CONTACT_PREFIX = "c_"


def truncate_ip(ip: str | None) -> str:
    """The network part of `ip` (/24 or /48); "" when there is no valid address."""
    try:
        address = ipaddress.ip_address((ip or "").strip())
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    network = ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    return str(network.network_address)


def cookieless_visitor(
    salt: bytes, *, site_id: str, user_agent: str | None, ip: str | None
) -> str:
    digest = hashlib.sha256()
    for part in (salt, site_id.encode(), (user_agent or "").encode()):
        digest.update(part)
        digest.update(b"\x00")
    digest.update(truncate_ip(ip).encode())
    return COOKIELESS_PREFIX + digest.hexdigest()[:30]


def consented_visitor(value: str | None) -> str | None:
    """The snippet's first-party id, or None when absent or not of the snippet's shape."""
    text = (value or "").strip()
    return CONSENTED_PREFIX + text if VISITOR_ID.match(text) else None


def normalise_contact_key(key: str) -> str:
    """Trimmed; email addresses lower-cased (their case does not name another person)."""
    text = key.strip()
    return text.lower() if "@" in text else text


def contact_id(workspace_id: str, key: str) -> str:
    material = f"{workspace_id}\x00{normalise_contact_key(key)}".encode()
    return CONTACT_PREFIX + hashlib.sha256(material).hexdigest()[:30]
