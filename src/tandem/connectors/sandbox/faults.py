"""Fault injection: the Sandbox misbehaves the way real platforms do, on purpose.

One draw per faultable request decides its fate:
- error (`error_rate`): answer 500, 502 or 503 and do nothing;
- rate limit (`rate_limit_rate`): answer 429 with Retry-After and do nothing;
- timeout (`timeout_rate`): do the work, then wait `timeout_seconds` before answering, so
  the client gives up after the platform really acted (the "outcome unknown" case);
- otherwise: normal service.

Draws come from one `random.Random(seed)` per server process, so a single client sees the
same sequence on every run with the same seed. Concurrent clients interleave their draws
in scheduling order, so only the overall rates are reproducible then.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from typing import Any

ENV_PREFIX = "TANDEM_SANDBOX_"
ERROR_STATUSES = (500, 502, 503)


class Scope(StrEnum):
    # Only writes that publish (POST .../posts and .../replies) misbehave, so
    # reconciliation reads stay clean.
    PUBLISH = "publish"
    ALL = "all"  # every /api/v1 call except stats


class Outcome(StrEnum):
    OK = "ok"
    ERROR = "error"
    RATE_LIMIT = "rate_limit"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class FaultConfig:
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    rate_limit_rate: float = 0.0
    timeout_seconds: float = 30.0
    retry_after: int = 2
    seed: int | None = None
    scope: Scope = Scope.PUBLISH

    def __post_init__(self) -> None:
        rates = (self.error_rate, self.timeout_rate, self.rate_limit_rate)
        if any(not 0.0 <= rate <= 1.0 for rate in rates):
            raise ValueError("Each fault rate must be between 0 and 1.")
        if sum(rates) > 1.0 + 1e-9:
            raise ValueError(
                "error_rate + timeout_rate + rate_limit_rate must not exceed 1."
            )
        if self.timeout_seconds < 0 or self.retry_after < 0:
            raise ValueError("timeout_seconds and retry_after must not be negative.")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, changes: Mapping[str, Any]) -> FaultConfig:
        """This config with `changes` (JSON from the control API) applied and checked."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise ValueError(f"Unknown fault setting(s): {', '.join(unknown)}.")
        try:
            typed = {name: _coerce(name, value) for name, value in changes.items()}
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Invalid fault setting: {exc}") from exc
        return replace(self, **typed)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> FaultConfig:
        """TANDEM_SANDBOX_ERROR_RATE and friends; the CLI flags default to these."""
        values = {
            f.name: environ[ENV_PREFIX + f.name.upper()]
            for f in fields(cls)
            if ENV_PREFIX + f.name.upper() in environ
        }
        return cls().updated(values)


def _coerce(name: str, value: Any) -> Any:
    if name == "seed":
        return None if value in (None, "") else int(value)
    if name == "retry_after":
        return int(value)
    if name == "scope":
        return Scope(value)
    if isinstance(value, bool):  # JSON true is not a rate
        raise TypeError(f"{name} must be a number")
    return float(value)


class Faults:
    """The current config and its random source; safe to use from many threads."""

    def __init__(self, config: FaultConfig) -> None:
        self._lock = threading.Lock()
        self._initial = config
        self.config = config
        self._random = random.Random(config.seed)

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config
            self._random = random.Random(config.seed)

    def reset(self) -> None:
        self.configure(self._initial)

    def applies_to(self, *, is_publish: bool) -> bool:
        return is_publish or self.config.scope is Scope.ALL

    def draw(self) -> tuple[Outcome, int]:
        """The outcome for one request and, for an error, its status code."""
        with self._lock:
            config, roll = self.config, self._random.random()
            if roll < config.error_rate:
                return Outcome.ERROR, self._random.choice(ERROR_STATUSES)
            roll -= config.error_rate
            if roll < config.rate_limit_rate:
                return Outcome.RATE_LIMIT, 429
            roll -= config.rate_limit_rate
            if roll < config.timeout_rate:
                return Outcome.TIMEOUT, 0
            return Outcome.OK, 0
