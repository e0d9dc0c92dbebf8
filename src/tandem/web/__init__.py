"""The web edge: HTML pages, the REST API, health and metrics."""

from tandem.web.app import create_app

__all__ = ["create_app"]
