"""Mastodon: publish, read conversations, search and connect accounts on any instance.

`MastodonConnector` (client.py) is the connector; `register_app` (auth.py) registers Tandem
as an OAuth app on the user's instance. docs/connectors/mastodon.md is the user's guide.
"""

from tandem.connectors.mastodon.auth import register_app
from tandem.connectors.mastodon.client import MastodonConnector
from tandem.connectors.mastodon.content import html_to_text

__all__ = ["MastodonConnector", "html_to_text", "register_app"]
