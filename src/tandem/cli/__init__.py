"""`tandem` command line: each module registers its commands on the apps in cli.base."""

from tandem.cli import (  # noqa: F401  (registers commands)
    accounts,
    competitors,
    demo,
    feeds,
    listen,
    measure,
    ops,
    plan,
    report,
    sandbox,
    serve,
    setup,
    spend,
    users,
)
from tandem.cli.base import app


def main() -> None:
    app()


__all__ = ["app", "main"]
