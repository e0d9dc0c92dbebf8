"""Reading ad-platform report exports: header presets, a generic column mapper, row errors.

Pure: text in, parsed rows or errors (with the row number a spreadsheet shows) out. Header
names are those of each platform's report download (see docs/plan.md for the sources):
- Google Ads (Reports / campaign report, by Day): "Day", "Campaign", "Currency code",
  "Cost", "Impr.", "Clicks", "Conversions", "Conv. value"; the file starts with a title and
  a date-range line and ends with "Total: ..." rows; empty metrics are written "--".
- Meta Ads Manager (Export table data): "Campaign name", "Day" (with a daily breakdown,
  else "Reporting starts"/"Reporting ends"), "Amount spent (EUR)" (the currency is in the
  header), "Impressions", "Reach", "Link clicks", "Results" or "Purchases",
  "Purchases conversion value".
- LinkedIn Campaign Manager (campaign performance export): a few lines of report details,
  then "Start Date (in UTC)", "Campaign Name", "Currency", "Total Spent", "Impressions",
  "Clicks", "Reach", "Conversions", "Total Conversion Value"; dates as M/D/YYYY.
- TikTok Ads Manager (custom report, by day): "By Day" or "Date", "Campaign name",
  "Currency", "Cost", "Impressions", "Reach", "Clicks (destination)", "Conversions",
  "Total complete payment value".
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from tandem.core import InvalidInput
from tandem.plan.model import Channel, parse_currency, to_micros

FIELDS = (
    "date",
    "date_end",
    "campaign",
    "spend",
    "impressions",
    "reach",
    "clicks",
    "conversions",
    "conversion_value",
    "currency",
)
REQUIRED = ("date", "spend")
MAX_ROWS = 100_000
HEADER_SCAN_LINES = 20
MAX_RANGE_DAYS = 366
_SPEND_CURRENCY = re.compile(r"\(([A-Za-z]{3})\)\s*$")


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    channel: Channel
    columns: dict[str, tuple[str, ...]]  # field -> header names, first present wins
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            "google_ads",
            "Google Ads",
            Channel.SEARCH_ADS,
            {
                "date": ("Day", "Date"),
                "campaign": ("Campaign",),
                "spend": ("Cost",),
                "impressions": ("Impr.", "Impressions"),
                "clicks": ("Clicks",),
                "conversions": ("Conversions",),
                "conversion_value": ("Conv. value", "Conversion value"),
                "currency": ("Currency code", "Currency"),
            },
            ("%Y-%m-%d", "%a, %b %d, %Y", "%b %d, %Y", "%m/%d/%Y"),
        ),
        Preset(
            "meta_ads",
            "Meta Ads",
            Channel.PAID_SOCIAL,
            {
                "date": ("Day", "Reporting starts"),
                "date_end": ("Reporting ends",),
                "campaign": ("Campaign name",),
                "spend": ("Amount spent (*)", "Amount spent"),
                "impressions": ("Impressions",),
                "reach": ("Reach",),
                "clicks": ("Link clicks", "Clicks (all)"),
                "conversions": ("Purchases", "Results", "Leads"),
                "conversion_value": (
                    "Purchases conversion value",
                    "Website purchases conversion value",
                ),
                "currency": ("Currency",),
            },
        ),
        Preset(
            "linkedin_ads",
            "LinkedIn Ads",
            Channel.PAID_SOCIAL,
            {
                "date": ("Start Date (in UTC)", "Date"),
                "campaign": ("Campaign Name",),
                "spend": ("Total Spent", "Amount Spent"),
                "impressions": ("Impressions",),
                "reach": ("Reach", "Approximate Member Reach"),
                "clicks": ("Clicks",),
                "conversions": ("Conversions", "Total Conversions"),
                "conversion_value": ("Total Conversion Value", "Conversion Value"),
                "currency": ("Currency",),
            },
            ("%m/%d/%Y", "%Y-%m-%d"),
        ),
        Preset(
            "tiktok_ads",
            "TikTok Ads",
            Channel.PAID_SOCIAL,
            {
                "date": ("By Day", "Date", "Day"),
                "campaign": ("Campaign name", "Campaign Name"),
                "spend": ("Cost", "Spend"),
                "impressions": ("Impressions",),
                "reach": ("Reach",),
                "clicks": ("Clicks (destination)", "Clicks (all)", "Clicks"),
                "conversions": ("Conversions", "Results"),
                "conversion_value": (
                    "Total complete payment value",
                    "Total purchase value",
                ),
                "currency": ("Currency",),
            },
        ),
    )
}
GENERIC_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%m/%d/%Y", "%d.%m.%Y")


@dataclass(frozen=True)
class ColumnMap:
    """What the import reads: a preset's header names, or the columns a person chose."""

    source: str  # preset key, or "mapped"
    channel: Channel
    columns: dict[str, tuple[str, ...]]
    date_formats: tuple[str, ...]


def preset_map(key: str) -> ColumnMap:
    preset = PRESETS.get(key)
    if preset is None:
        choices = ", ".join([*PRESETS, "mapped"])
        raise InvalidInput(
            f"Unknown preset {key!r}; choose one of {choices}.", field="preset"
        )
    return ColumnMap(preset.key, preset.channel, preset.columns, preset.date_formats)


def custom_map(chosen: dict[str, str], channel: Channel) -> ColumnMap:
    """The generic mapper: a column name per field (blank = not in this file)."""
    unknown = set(chosen) - set(FIELDS)
    if unknown:
        raise InvalidInput(
            f"Unknown field(s) {', '.join(sorted(unknown))}; map only {', '.join(FIELDS)}.",
            field="mapping",
        )
    for name in REQUIRED:
        if not chosen.get(name, "").strip():
            raise InvalidInput(
                f"Choose the column that holds the {name} (map_{name}).",
                field=f"map_{name}",
            )
    columns: dict[str, tuple[str, ...]] = {
        k: (v.strip(),) for k, v in chosen.items() if v and v.strip()
    }
    return ColumnMap("mapped", channel, columns, GENERIC_DATE_FORMATS)


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based line of the file, as a spreadsheet numbers it
    field: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.field}: {self.message}"


@dataclass(frozen=True)
class ParsedRow:
    row: int
    day: date
    campaign: str
    currency: str
    spend_micros: int
    impressions: int
    reach: int
    clicks: int
    conversions: float
    value_micros: int


@dataclass
class Parsed:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    header_row: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # field -> the header it read


class ImportRejected(InvalidInput):
    """The file has errors; nothing was imported. `errors` names each row and field."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        first = "; ".join(str(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(
            f"Nothing was imported: {len(errors)} problem(s) in the file. {first}{more}",
            field="file",
        )
        self.errors = list(errors)


def _norm(header: str) -> str:
    return " ".join(header.strip().lstrip("\ufeff").lower().split())


def _find(headers: list[str], names: tuple[str, ...]) -> int | None:
    normalized = [_norm(h) for h in headers]
    for name in names:
        wanted = _norm(name)
        if wanted.endswith("(*)"):
            stem = wanted[:-3].strip()
            for i, h in enumerate(normalized):
                if h.startswith(stem + " (") and _SPEND_CURRENCY.search(h):
                    return i
            continue
        if wanted in normalized:
            return normalized.index(wanted)
    return None


def read_rows(text: str) -> list[list[str]]:
    """CSV or tab-separated (Google Ads and LinkedIn also export TSV/UTF-16)."""
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 (Google Ads' "CSV for Excel")."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            "The file is not UTF-8 or UTF-16 text; export it again as CSV.",
            field="file",
        ) from None


def _locate_header(
    rows: list[list[str]], mapping: ColumnMap
) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(rows[:HEADER_SCAN_LINES]):
        found = {
            name: index
            for name, names in mapping.columns.items()
            if (index := _find(row, names)) is not None
        }
        if all(name in found for name in REQUIRED):
            return i, found
    return None


def _parse_day(value: str, formats: tuple[str, ...]) -> date | None:
    text = value.strip()
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar day, no time)
        except ValueError:
            continue
    return None


def _int(value: str, name: str) -> int:
    micros = to_micros(value, field=name)
    if micros % 1_000_000:
        raise InvalidInput(f"{name} must be a whole number, not {value!r}.", field=name)
    return micros // 1_000_000


def parse(
    text: str, mapping: ColumnMap, *, default_currency: str | None = None
) -> Parsed:
    """Every data row of the export, or the errors of the rows that cannot be read."""
    rows = read_rows(text)
    out = Parsed()
    located = _locate_header(rows, mapping)
    if located is None:
        expected = " and ".join(
            f"{name} ({' or '.join(mapping.columns.get(name, ()))})"
            for name in REQUIRED
        )
        out.errors.append(
            RowError(
                1,
                "header",
                f"No header row with the {expected} columns in the first {HEADER_SCAN_LINES} lines; "
                "check the preset or map the columns.",
            )
        )
        return out
    header_index, found = located
    header = rows[header_index]
    out.header_row = header_index + 1
    out.columns = {name: header[index].strip() for name, index in found.items()}
    header_currency = None
    if "spend" in found:
        match = _SPEND_CURRENCY.search(header[found["spend"]])
        header_currency = match.group(1).upper() if match else None
    if "date_end" in found and _norm(out.columns["date"]) == "day":
        del found["date_end"]  # a daily breakdown: the report range is not the row's
    data = rows[header_index + 1 :]
    if len(data) > MAX_ROWS:
        out.errors.append(
            RowError(
                1, "file", f"At most {MAX_ROWS:,} rows per import; split the file."
            )
        )
        return out
    for offset, cells in enumerate(data):
        number = header_index + 2 + offset
        if not any(c.strip() for c in cells):
            continue
        first = next(c for c in cells if c.strip()).strip().lower()
        if first.startswith("total"):
            continue  # Google Ads and LinkedIn append totals; they are not spend lines
        out.rows.extend(
            _row(
                number,
                cells,
                found,
                mapping,
                header_currency or default_currency,
                out.errors,
            )
        )
    return out


def _cell(cells: list[str], found: dict[str, int], name: str) -> str:
    index = found.get(name)
    if index is None or index >= len(cells):
        return ""
    return cells[index].strip()


def _row(
    number: int,
    cells: list[str],
    found: dict[str, int],
    mapping: ColumnMap,
    fallback_currency: str | None,
    errors: list[RowError],
) -> list[ParsedRow]:
    def fail(name: str, message: str) -> list[ParsedRow]:
        errors.append(RowError(number, name, message))
        return []

    raw_day = _cell(cells, found, "date")
    day = _parse_day(raw_day, mapping.date_formats)
    if day is None:
        shown = " or ".join(f.replace("%", "") for f in mapping.date_formats[:2])
        return fail("date", f"{raw_day!r} is not a date ({shown}).")
    last = day
    if "date_end" in found:
        raw_end = _cell(cells, found, "date_end")
        end = _parse_day(raw_end, mapping.date_formats) if raw_end else day
        if end is None or end < day or (end - day).days >= MAX_RANGE_DAYS:
            return fail("date_end", f"{raw_end!r} is not a date on or after {day}.")
        last = end
    currency_text = _cell(cells, found, "currency") or fallback_currency or ""
    if not currency_text:
        return fail(
            "currency",
            "no currency in the row or the file; choose the export's currency.",
        )
    try:
        currency = parse_currency(currency_text)
        spend = to_micros(_cell(cells, found, "spend"), field="spend")
        value = to_micros(
            _cell(cells, found, "conversion_value"), field="conversion_value"
        )
        impressions = _int(_cell(cells, found, "impressions"), "impressions")
        reach = _int(_cell(cells, found, "reach"), "reach")
        clicks = _int(_cell(cells, found, "clicks"), "clicks")
        conversions = to_micros(_cell(cells, found, "conversions"), field="conversions")
    except InvalidInput as exc:
        return fail(exc.field or "value", exc.message)
    if min(spend, value, impressions, reach, clicks, conversions) < 0:
        return fail("spend", "amounts and counts cannot be negative.")
    parsed = ParsedRow(
        number,
        day,
        _cell(cells, found, "campaign"),
        currency,
        spend,
        impressions,
        reach,
        clicks,
        conversions / 1_000_000,
        value,
    )
    return split_range(parsed, last)


def _shares(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def split_range(row: ParsedRow, last: date) -> list[ParsedRow]:
    """A row covering several days (Meta without a daily breakdown) spread evenly over them.

    Integer shares with the remainder on the first days, so the parts add up exactly.
    """
    days = (last - row.day).days + 1
    if days == 1:
        return [row]
    spend = _shares(row.spend_micros, days)
    value = _shares(row.value_micros, days)
    impressions = _shares(row.impressions, days)
    reach = _shares(row.reach, days)
    clicks = _shares(row.clicks, days)
    conversions = _shares(round(row.conversions * 1_000_000), days)
    return [
        ParsedRow(
            row.row,
            row.day + timedelta(days=i),
            row.campaign,
            row.currency,
            spend[i],
            impressions[i],
            reach[i],
            clicks[i],
            conversions[i] / 1_000_000,
            value[i],
        )
        for i in range(days)
    ]
