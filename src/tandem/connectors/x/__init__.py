"""X (API v2): `XConnector` publishes, reads metrics, mentions and replies, searches recent
posts and connects accounts with OAuth 2.0 + PKCE. docs/connectors/x.md covers app setup,
access levels and costs."""

from tandem.connectors.x.client import API_ROOT, XConnector

__all__ = ["API_ROOT", "XConnector"]
