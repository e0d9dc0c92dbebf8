"""Threads through the Threads API (graph.threads.net). `ThreadsConnector` (client.py) is the
connector."""

from tandem.connectors.threads.auth import SCOPES
from tandem.connectors.threads.client import ThreadsConnector

__all__ = ["SCOPES", "ThreadsConnector"]
