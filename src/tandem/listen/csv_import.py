"""Importing mentions exported from other listening tools (CSV).

Header names are matched case-insensitively; the first present wins. They cover the exports
of Brandwatch ("Date", "Full Text"/"Snippet", "Author", "Url", "Page Type", "Language"),
Talkwalker ("published" in epoch milliseconds, "content", "author_name", "url",
"source_type", "lang") and generic tools ("date", "text", "author", "url", "platform").
A file with any bad row is rejected whole: every error names the row (as a spreadsheet
numbers it, header = 1) and the column, and says what would be accepted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from tandem.core import InvalidInput
from tandem.listen.records import MentionInput

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "published", "published_at", "created_at", "datetime", "time"),
    "text": ("text", "content", "full text", "snippet", "message", "body", "title"),
    "author": ("author", "author_name", "author handle", "username", "screen name"),
    "url": ("url", "link", "permalink"),
    "platform": ("platform", "page type", "source_type", "source", "domain", "network"),
    "platform_id": ("id", "post id", "tweet id", "resource id"),
    "followers": (
        "followers",
        "author followers",
        "author_followers",
        "twitter followers",
    ),
    "language": ("language", "lang"),
}
REQUIRED = ("date", "text")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column “{self.column}”: {self.message}"


class CsvRejected(InvalidInput):
    """The file has errors; nothing was imported. `errors` names each row and column."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        first = "; ".join(str(e) for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(
            f"Nothing was imported: {len(errors)} problem(s) in the file. {first}{more}",
            field="file",
        )
        self.errors = list(errors)


def _norm(header: str) -> str:
    return " ".join(header.strip().lstrip("\ufeff").lower().replace("_", " ").split())


def _columns(header: Sequence[str]) -> dict[str, int]:
    names = [_norm(h) for h in header]
    found: dict[str, int] = {}
    for field, candidates in COLUMNS.items():
        for candidate in candidates:
            if _norm(candidate) in names:
                found[field] = names.index(_norm(candidate))
                break
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        wanted = "; ".join(f"{f}: one of {', '.join(COLUMNS[f][:4])}" for f in missing)
        raise InvalidInput(
            f"The file's first line must name the columns; missing {wanted}.",
            field="file",
        )
    return found


def parse_date(value: str) -> datetime:
    """ISO 8601 (a time without zone counts as UTC) or Unix time in seconds/milliseconds."""
    raw = value.strip()
    if raw.isdigit():
        number = int(raw)
        return datetime.fromtimestamp(
            number / 1000 if number > 10**11 else number, tz=UTC
        )
    text = raw.replace(" UTC", "").rstrip("Z") + ("+00:00" if raw.endswith("Z") else "")
    moment = datetime.fromisoformat(text)  # ValueError when it is not a date
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _followers(value: str) -> int | None:
    raw = value.strip().replace(",", "")
    if not raw:
        return None
    number = int(float(raw))  # ValueError when it is not a number
    if number < 0:
        raise ValueError("negative")
    return number


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise InvalidInput(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it.",
            field="file",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows


def parse_mentions(data: bytes) -> list[MentionInput]:
    """Every row as a mention, or `CsvRejected` listing the bad rows (nothing partial)."""
    text = _decode(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput("The file is empty.", field="file") from None
    except csv.Error as exc:
        raise InvalidInput(f"The file is not CSV: {exc}.", field="file") from None
    cols = _columns(header)
    names = {f: header[i].strip().lstrip("\ufeff") for f, i in cols.items()}
    mentions: list[MentionInput] = []
    errors: list[RowError] = []
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InvalidInput(
            f"Row {reader.line_num}: the CSV is malformed ({exc}).", field="file"
        ) from None
    if len(rows) > MAX_ROWS:
        raise InvalidInput(
            f"The file has {len(rows):,} rows; import at most {MAX_ROWS:,} at a time.",
            field="file",
        )
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue

        def cell(field: str, cells: list[str] = cells) -> str:
            index = cols.get(field)
            return (
                cells[index].strip() if index is not None and index < len(cells) else ""
            )

        found = _row(number, cell, names, errors)
        if found is not None:
            mentions.append(found)
    if errors:
        raise CsvRejected(errors)
    if not mentions:
        raise InvalidInput("The file has a header but no mentions.", field="file")
    return mentions


def _row(
    number: int,
    get: Callable[[str], str],
    names: dict[str, str],
    errors: list[RowError],
) -> MentionInput | None:
    body = get("text")
    if not body:
        errors.append(RowError(number, names["text"], "the text is empty."))
    raw_date = get("date")
    created: datetime | None = None
    try:
        created = parse_date(raw_date)
    except (ValueError, OverflowError, OSError):
        errors.append(
            RowError(
                number,
                names["date"],
                f"“{raw_date[:40]}” is not a date; use ISO 8601 such as "
                "2026-11-02T09:30:00Z, or Unix time.",
            )
        )
    followers: int | None = None
    if "followers" in names:
        try:
            followers = _followers(get("followers"))
        except ValueError:
            errors.append(
                RowError(
                    number,
                    names["followers"],
                    f"“{get('followers')[:40]}” is not a whole number of followers.",
                )
            )
    url = get("url")
    if url and not url.lower().startswith(("http://", "https://")):
        errors.append(
            RowError(number, names["url"], "a URL must start with http:// or https://.")
        )
    if not body or created is None:
        return None
    return MentionInput(
        text=body,
        created_at=created,
        platform=get("platform").lower(),
        platform_id=get("platform_id"),
        url=url,
        author=get("author"),
        author_followers=followers,
        language=get("language").lower()[:8],
    )
