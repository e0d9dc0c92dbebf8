"""Facebook Pages through the Graph API. `FacebookConnector` (client.py) is the connector."""

from tandem.connectors.facebook.client import SCOPES, FacebookConnector

__all__ = ["SCOPES", "FacebookConnector"]
