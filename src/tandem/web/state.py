"""What a running app holds: settings, database, clock, secret key, metrics and the
collector's group commit."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.core import Clock
from tandem.measure.group_commit import GroupCommitter
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
    collector: GroupCommitter
