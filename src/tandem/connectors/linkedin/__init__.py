"""LinkedIn (versioned REST API): `LinkedInConnector` publishes posts to a member profile or
a Company Page, reads comments and metrics, and connects accounts with OAuth 2.0.
docs/connectors/linkedin.md covers app setup, the permissions LinkedIn gates, and limits."""

from tandem.connectors.linkedin.client import (
    API_ROOT,
    LINKEDIN_VERSION,
    LinkedInConnector,
)

__all__ = ["API_ROOT", "LINKEDIN_VERSION", "LinkedInConnector"]
