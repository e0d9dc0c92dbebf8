"""`tandem` command line: each module registers its commands on the apps in cli.base."""

from tandem.cli import demo, ops, sandbox, serve, setup, users  # noqa: F401  (registers commands)
from tandem.cli.base import app


def main() -> None:
    app()


__all__ = ["app", "main"]
