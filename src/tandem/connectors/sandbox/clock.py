"""The Sandbox's clock: real time plus an offset that tests move forward.

Engagement and conversations are functions of time, so a test that wants "two days later"
advances this clock (`POST /_control/clock`) instead of sleeping. The offset lives in the
server process (a restart starts at real time again) and only moves forward through the
control API, because cursors and watermarks assume time does not run backwards.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def _real_now() -> datetime:
    return datetime.now(UTC)


class SandboxClock:
    """Thread-safe: requests run in a thread pool."""

    def __init__(self, real: Callable[[], datetime] = _real_now) -> None:
        self._real = real
        self._lock = threading.Lock()
        self._offset = timedelta(0)

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset

    def now(self) -> datetime:
        with self._lock:
            return self._real() + self._offset

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward by `seconds` (>= 0); returns the new time."""
        if seconds < 0:
            raise ValueError(
                "advance_seconds must not be negative: the Sandbox clock never goes back."
            )
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta(0)
