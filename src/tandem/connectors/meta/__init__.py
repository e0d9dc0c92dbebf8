"""What the Meta connectors (facebook/, instagram/, threads/) share: the Graph API client and
its error mapping, Facebook Login, and local media handling."""

from tandem.connectors.meta.graph import (
    GRAPH_ROOT,
    GRAPH_VERSION,
    THREADS_ROOT,
    THREADS_VERSION,
    GraphClient,
)

__all__ = [
    "GRAPH_ROOT",
    "GRAPH_VERSION",
    "THREADS_ROOT",
    "THREADS_VERSION",
    "GraphClient",
]
