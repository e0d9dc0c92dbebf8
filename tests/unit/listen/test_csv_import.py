"""Reading mention exports: header variants, date formats, delimiters, encodings, and errors
that name the row and column."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tandem.core import InvalidInput
from tandem.listen.csv_import import CsvRejected, parse_date, parse_mentions


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-02T09:30:00Z", datetime(2026, 11, 2, 9, 30, tzinfo=UTC)),
        ("2026-11-02T10:30:00+01:00", datetime(2026, 11, 2, 9, 30, tzinfo=UTC)),
        ("2026-11-02 09:30:00", datetime(2026, 11, 2, 9, 30, tzinfo=UTC)),
        ("2026-11-02 09:30:00.0", datetime(2026, 11, 2, 9, 30, tzinfo=UTC)),
        ("2026-11-02", datetime(2026, 11, 2, tzinfo=UTC)),
        ("1793611800", datetime(2026, 11, 2, 9, 30, tzinfo=UTC)),
        ("1793611800000", datetime(2026, 11, 2, 9, 30, tzinfo=UTC)),  # Talkwalker: ms
    ],
)
def test_dates_in_the_formats_exports_use(raw: str, expected: datetime) -> None:
    assert parse_date(raw) == expected


def test_talkwalker_headers_with_a_bom_and_semicolons() -> None:
    data = (
        "\ufeffpublished;content;author_name;url;source_type;lang\n"
        "1793611800000;Rival heaters again;ann;https://x.test/1;ONLINENEWS;EN\n"
    ).encode()
    (m,) = parse_mentions(data)
    assert (m.text, m.author, m.url, m.platform, m.language) == (
        "Rival heaters again",
        "ann",
        "https://x.test/1",
        "onlinenews",
        "en",
    )
    assert m.created_at == datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def test_an_excel_file_in_windows_1252_is_read() -> None:
    data = "date,text\n2026-11-02,caf\xe9 acme\n".encode("cp1252")
    assert parse_mentions(data)[0].text == "café acme"


def test_every_bad_row_is_named_and_nothing_is_returned() -> None:
    data = (
        b"Date,Full Text,Url,Followers\n"
        b"2026-11-02,ok,https://x.test/1,10\n"
        b"soon,fine,,\n"
        b"2026-11-02,,ftp://x,many\n"
    )
    with pytest.raises(CsvRejected) as caught:
        parse_mentions(data)
    assert [str(e) for e in caught.value.errors] == [
        "Row 3, column “Date”: “soon” is not a date; use ISO 8601 such as "
        "2026-11-02T09:30:00Z, or Unix time.",
        "Row 4, column “Full Text”: the text is empty.",
        "Row 4, column “Followers”: “many” is not a whole number of followers.",
        "Row 4, column “Url”: a URL must start with http:// or https://.",
    ]


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"when,what\n1,2\n", "missing date"),
        (b"date,text\n", "no mentions"),
    ],
)
def test_files_that_are_not_exports_are_refused_clearly(data: bytes, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_mentions(data)
    assert caught.value.field == "file" and says in caught.value.message
