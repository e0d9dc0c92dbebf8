"""CSV import of conversions (orders from a shop, deals from a CRM).

Columns (header row required, any order, names case-insensitive):
order_id (required), occurred_at (required: ISO 8601 with a zone, or a date, read as
midnight UTC), value, currency, name (default "purchase"), contact, visitor_id.

All or nothing by default: one bad row and nothing is stored, and every bad row is
reported by its number (1 = first row after the header) so the file can be fixed in one
pass. `partial=True` stores the good rows and reports the others.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from tandem.core import Clock, InvalidInput
from tandem.measure import store
from tandem.measure.conversions import check_conversion, record_conversions
from tandem.measure.model import ConversionIn, ImportResult, RowError
from tandem.measure.payload import currency, money

REQUIRED = ("order_id", "occurred_at")
KNOWN = (*REQUIRED, "value", "currency", "name", "contact", "visitor_id")
MAX_ROWS = 100_000


def _when(text: str) -> datetime:
    value = text.strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), UTC)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"occurred_at {value!r} is not a date; use 2026-11-02 or 2026-11-02T09:00:00Z.",
            field="occurred_at",
        ) from None


def _row(cells: dict[str, str], now: datetime) -> ConversionIn:
    item = ConversionIn(
        order_id=cells.get("order_id", "").strip(),
        occurred_at=_when(cells.get("occurred_at", "")),
        value=money(cells.get("value") or None),
        currency=currency(cells.get("currency") or None),
        name=(cells.get("name") or "").strip() or "purchase",
        contact_key=(cells.get("contact") or "").strip() or None,
        visitor_id=(cells.get("visitor_id") or "").strip() or None,
    )
    check_conversion(item, now=now)
    return item


def _header(reader: csv.DictReader[str]) -> None:
    names = [n.strip().lower() for n in reader.fieldnames or []]
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        raise InvalidInput(
            f"The CSV header lacks {', '.join(missing)}; the columns are "
            f"{', '.join(KNOWN)}.",
            field="file",
        )
    reader.fieldnames = names


def parse_conversions(
    text: str, *, now: datetime
) -> tuple[list[tuple[int, ConversionIn]], list[RowError]]:
    """Rows that parsed, with their numbers, and the errors of the others."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    _header(reader)
    good: list[tuple[int, ConversionIn]] = []
    errors: list[RowError] = []
    first_of: dict[str, tuple[int, ConversionIn]] = {}
    for number, cells in enumerate(reader, start=1):
        if number > MAX_ROWS:
            raise InvalidInput(
                f"Import at most {MAX_ROWS} rows at a time; split the file.",
                field="file",
            )
        try:
            item = _row({k: v or "" for k, v in cells.items() if k}, now)
        except InvalidInput as exc:
            errors.append(RowError(number, exc.field, exc.message))
            continue
        earlier = first_of.get(item.order_id)
        if earlier is not None:
            if (earlier[1].value, earlier[1].currency) != (item.value, item.currency):
                errors.append(
                    RowError(
                        number,
                        "order_id",
                        f"order {item.order_id!r} is also on row {earlier[0]} "
                        "with another value.",
                    )
                )
            continue
        first_of[item.order_id] = (number, item)
        good.append((number, item))
    return good, errors


def import_conversions(
    session: Session,
    *,
    workspace_id: str,
    text: str,
    clock: Clock,
    partial: bool = False,
) -> ImportResult:
    """Import a CSV of conversions; see the module docstring for columns and modes."""
    now = clock.now()
    good, errors = parse_conversions(text, now=now)
    known = store.conversions_by_order(
        session, workspace_id, [item.order_id for _, item in good]
    )
    fresh: list[ConversionIn] = []
    duplicates = 0
    for number, item in good:
        seen = known.get(item.order_id)
        if seen is None:
            fresh.append(item)
        elif (seen.value, seen.currency) == (item.value, item.currency):
            duplicates += 1
        else:
            errors.append(
                RowError(
                    number,
                    "order_id",
                    f"order {item.order_id!r} is already recorded with value "
                    f"{seen.value} {seen.currency or ''}.",
                )
            )
    errors.sort(key=lambda e: e.row)
    if errors and not partial:
        return ImportResult(0, 0, errors, stored=False)
    record_conversions(
        session, workspace_id=workspace_id, items=fresh, clock=clock, origin="import"
    )
    return ImportResult(len(fresh), duplicates, errors, stored=True)
