"""Bulk import of posts from CSV: every row checked with the platform rules before anything is saved.

Columns (header names, any order; docs/bulk-import.md): account (handle, @handle or id), text,
time (local wall time like 2026-03-02 09:30, or ISO 8601 with an offset), timezone (IANA,
optional: the workspace's), campaign, link, title, media (library ids separated by "|"),
sponsored (yes/no). Nothing is imported unless every row passes, or the caller explicitly
asks for the valid rows only.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from tandem.accounts import Member
from tandem.compose import actions, checks
from tandem.compose.actions import BriefInput
from tandem.compose.store import VariantRow, variant_rows
from tandem.core import Clock, InvalidInput, TandemError
from tandem.publish import SocialAccount
from tandem.publish import store as publish_store

MAX_ROWS = 2000
MAX_BYTES = 5_000_000
COLUMNS = (
    "account",
    "text",
    "time",
    "timezone",
    "campaign",
    "link",
    "title",
    "media",
    "sponsored",
)
REQUIRED = ("account", "text")
TRUE = {"yes", "y", "true", "1", "x"}
FALSE = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RowError:
    row: int  # the line number in the file, header = 1
    field: str
    message: str


@dataclass(frozen=True)
class ParsedRow:
    row: int
    account: SocialAccount
    data: BriefInput


@dataclass
class ImportReport:
    rows: int = 0
    valid: int = 0
    errors: list[RowError] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # brief ids
    imported: bool = False


def read_csv(content: bytes | str) -> list[dict[str, str]]:
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            raise InvalidInput(
                f"The file is larger than {MAX_BYTES // 1_000_000} MB; split it.",
                field="file",
            )
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput(
                "Save the CSV as UTF-8 and upload it again.", field="file"
            ) from None
    reader = csv.DictReader(io.StringIO(content))
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InvalidInput(
            f"The header row needs the column(s) {', '.join(missing)}; found {', '.join(header) or 'none'}.",
            field="file",
        )
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise InvalidInput(
            f"Unknown column(s) {', '.join(unknown)}; the columns are {', '.join(COLUMNS)}.",
            field="file",
        )
    reader.fieldnames = header
    rows = [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    if len(rows) > MAX_ROWS:
        raise InvalidInput(
            f"Import at most {MAX_ROWS} rows at a time (this file has {len(rows)}).",
            field="file",
        )
    if not rows:
        raise InvalidInput("The file has a header but no rows.", field="file")
    return rows


def _account(accounts: list[SocialAccount], value: str) -> SocialAccount:
    wanted = value.strip().lstrip("@").lower()
    for account in accounts:
        if wanted in (account.id, account.handle.lower()):
            return account
    handles = ", ".join("@" + a.handle for a in accounts) or "none connected"
    raise InvalidInput(
        f"No connected account {value!r}; use one of {handles}.", field="account"
    )


def _time(value: str, zone_name: str) -> datetime | None:
    if not value:
        return None
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"{zone_name!r} is not an IANA time zone (e.g. Europe/Paris).",
            field="timezone",
        ) from None
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        raise InvalidInput(
            f"{value!r} is not a time like 2026-03-02 09:30.", field="time"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _flag(value: str) -> bool:
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise InvalidInput(
        f"sponsored must be yes or no, not {value!r}.", field="sponsored"
    )


def parse_row(
    row: dict[str, str], *, accounts: list[SocialAccount], default_zone: str
) -> tuple[SocialAccount, BriefInput]:
    account = _account(accounts, row.get("account", ""))
    media = tuple(m.strip() for m in row.get("media", "").split("|") if m.strip())
    data = BriefInput(
        text=row.get("text", ""),
        title=row.get("title", ""),
        link=row.get("link", ""),
        media_ids=media,
        campaign_key=row.get("campaign", ""),
        sponsored=_flag(row.get("sponsored", "")),
        planned_at=_time(row.get("time", ""), row.get("timezone") or default_zone),
        account_ids=(account.id,),
    )
    if not data.text.strip():
        raise InvalidInput("text is empty.", field="text")
    return account, data


def validate_rows(
    session: Session, *, member: Member, rows: list[dict[str, str]]
) -> tuple[list[ParsedRow], list[RowError]]:
    """Parse and check every row with the platform rules and the brand kit; collect every error."""
    accounts = publish_store.accounts_in(session, member.workspace.id)
    kit = checks.brand_kit(session, member.workspace.id)
    parsed, errors = [], []
    for number, row in enumerate(rows, start=2):
        try:
            account, data = parse_row(
                row, accounts=accounts, default_zone=member.workspace.timezone
            )
            if data.link:
                checks.check_destination(data.link)
            checks.check_media_ids(session, member.workspace.id, data.media_ids)
            infos = [
                i
                for _, i in checks.media_infos(
                    session, member.workspace.id, data.media_ids
                )
            ]
            post_type = checks.default_post_type(account.rules_platform)
            problems = checks.problems_for(
                account.rules_platform,
                post_type,
                [data.text],
                infos,
                kit,
                sponsored=data.sponsored,
            )
        except TandemError as exc:
            errors.append(RowError(number, exc.field or "row", exc.message))
            continue
        blocking = [p for p in problems if p.blocking]
        errors.extend(
            RowError(number, "text", f"{account.rules_platform}: {p.message}")
            for p in blocking
        )
        if not blocking:
            parsed.append(ParsedRow(number, account, data))
    return parsed, errors


def import_csv(
    session: Session,
    *,
    member: Member,
    content: bytes | str,
    valid_only: bool,
    base_url: str,
    clock: Clock,
) -> ImportReport:
    rows = read_csv(content)
    parsed, errors = validate_rows(session, member=member, rows=rows)
    report = ImportReport(rows=len(rows), valid=len(parsed), errors=errors)
    if errors and not valid_only:
        return report  # all or nothing: nothing is written
    for item in parsed:
        brief = actions.create_brief(
            session, actor=member, data=item.data, base_url=base_url, clock=clock
        )
        _keep_exact_text(session, brief.id, item.data.text)
        report.created.append(brief.id)
    report.imported = True
    return report


def _keep_exact_text(session: Session, brief_id: str, text: str) -> None:
    """An imported row is already written for its platform: keep it word for word (as a hand edit)."""
    for row in variant_rows(session, brief_id):
        variant: VariantRow = row
        variant.content = {
            **variant.content,
            "parts": [text.strip()],
            "notes": ["Imported from CSV as written."],
        }
        variant.manual = True
