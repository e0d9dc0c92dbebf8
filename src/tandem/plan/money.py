"""Currency conversion with the rates a workspace enters: no network, no silent guesses.

A rate says what one unit of a currency is worth in the reporting currency. Amounts with no
rate are left out of converted sums and named, so a report never mixes currencies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tandem.core import InvalidInput
from tandem.plan.model import MICROS, parse_currency


@dataclass(frozen=True)
class Rates:
    currency: str  # the reporting currency
    per_unit: dict[str, float] = field(default_factory=dict)

    def rate(self, currency: str) -> float | None:
        if currency == self.currency:
            return 1.0
        return self.per_unit.get(currency)

    def convert(
        self, micros: int, source: str, target: str | None = None
    ) -> float | None:
        """`micros` of `source` in `target` (default: the reporting currency); None without a rate."""
        target = target or self.currency
        if source == target:
            return micros / MICROS
        into_reporting, target_rate = self.rate(source), self.rate(target)
        if into_reporting is None or not target_rate:
            return None
        return micros / MICROS * into_reporting / target_rate


def parse_rates(reporting: str, raw: Mapping[str, str | float]) -> dict[str, float]:
    """Rates typed by a person: codes checked, numbers positive; blanks dropped."""
    out: dict[str, float] = {}
    for code, value in raw.items():
        if isinstance(value, str) and not value.strip():
            continue
        currency = parse_currency(code, field=f"rate of {code}")
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise InvalidInput(
                f"The rate of {currency} must be a number like 1.08 ({currency} in {reporting}).",
                field=f"rate_{currency}",
            ) from None
        if not number > 0 or number == float("inf"):
            raise InvalidInput(
                f"The rate of {currency} must be above 0: how many {reporting} one {currency} is worth.",
                field=f"rate_{currency}",
            )
        if currency != reporting:
            out[currency] = number
    return out
