"""Instagram business and creator accounts through the Graph API (Instagram API with Facebook
Login). `InstagramConnector` (client.py) is the connector."""

from tandem.connectors.instagram.client import SCOPES, InstagramConnector

__all__ = ["SCOPES", "InstagramConnector"]
