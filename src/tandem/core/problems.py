"""A problem found in content: what the composer, the brand kit and media checks report."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = (
        "error"  # the platform would reject it, or a rule forbids it: blocks publishing
    )
    WARNING = "warning"  # allowed, but probably not what you want
    INFO = "info"  # a hint


@dataclass(frozen=True)
class Problem:
    """One finding. `code` is stable (tests and the UI key on it); `message` says how to fix it.

    `start`/`end` optionally locate it in the text (code-point offsets, end exclusive).
    """

    severity: Severity
    code: str
    message: str
    start: int | None = None
    end: int | None = None

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.ERROR
