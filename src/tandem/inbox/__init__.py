"""Engage: one inbox for every conversation. `triage(text)` is the public entry point."""

from tandem.inbox.intent import Intent
from tandem.inbox.sentiment import Polarity
from tandem.inbox.triage import Triage, triage

__all__ = ["Intent", "Polarity", "Triage", "triage"]
