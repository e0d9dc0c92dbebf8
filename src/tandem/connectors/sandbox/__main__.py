"""`python -m tandem.connectors.sandbox --port N --db PATH`: run the Sandbox server."""

from tandem.connectors.sandbox.server import main

main()
