"""The Sandbox: Tandem's own social network, for the demo and end-to-end/chaos tests.

`SandboxPublisher` (client.py) is the connector; server.py is the platform itself, run
as a separate process (`python -m tandem.connectors.sandbox` or `tandem sandbox serve`).
"""

from tandem.connectors.sandbox.client import SandboxPublisher
from tandem.connectors.sandbox.mapping import post_text

__all__ = ["SandboxPublisher", "post_text"]
