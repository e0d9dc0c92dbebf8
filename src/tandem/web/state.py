"""What a running app holds: settings, database, clock, secret key and metrics."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.core import Clock
from tandem.settings import Settings
from tandem.storage import Database
from tandem.web.observability import Metrics


@dataclass
class AppState:
    settings: Settings
    database: Database
    clock: Clock
    secret_key: str
    metrics: Metrics
