"""Bluesky (AT Protocol): publish, read back, metrics, notifications, search, app-password
login. See docs/connectors/bluesky.md for what it can and cannot do."""

from tandem.connectors.bluesky.connector import BlueskyConnector

__all__ = ["BlueskyConnector"]
