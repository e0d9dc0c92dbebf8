"""The hand-written iCalendar output against RFC 5545's rules."""

from __future__ import annotations

from datetime import UTC, datetime

from tandem.compose.feeds import IcsEvent, escape_text, fold, render_calendar, utc_stamp

EVENT = IcsEvent(
    uid="variant-abc@tandem",
    start=datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    stamp=datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
    summary="@acme · mastodon: Spring; launch, day 1",
    description="Line one\nLine two, with C:\\path; done\r\nend",
    url="http://tandem.test/w/acme/create/b1",
    status="TENTATIVE",
)


def unfold(text: str) -> str:
    """RFC 5545 3.1: remove every CRLF immediately followed by one space or tab."""
    return text.replace("\r\n ", "").replace("\r\n\t", "")


def test_text_escapes_backslash_semicolon_comma_and_newlines():
    # RFC 5545 3.3.11: ESCAPED-CHAR = ("\\" / "\;" / "\," / "\N" / "\n")
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    assert escape_text("one\r\ntwo\rthree") == "one\\ntwo\\nthree"
    assert escape_text("colon: stays") == "colon: stays"


def test_the_backslash_is_escaped_before_the_others_so_nothing_is_escaped_twice():
    assert escape_text("\\;") == "\\\\\\;"


def test_control_characters_are_dropped_but_tabs_stay():
    assert escape_text("bell\x07 tab\tnul\x00 del\x7f") == "bell tab\tnul del"


def test_short_lines_are_not_folded():
    line = "SUMMARY:" + "x" * 67
    assert len(line.encode()) == 75
    assert fold(line) == line


def test_long_lines_fold_at_75_octets_with_crlf_and_one_space():
    line = "DESCRIPTION:" + "abcdefghij" * 20
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert len(pieces) > 1
    assert all(len(p.encode()) <= 75 for p in pieces)
    assert len(pieces[0].encode()) == 75
    assert all(p.startswith(" ") for p in pieces[1:])
    assert unfold(folded) == line


def test_folding_never_splits_an_emoji_or_other_multi_octet_character():
    line = "SUMMARY:Launch 🚀🎉 café " + "🚀" * 40 + " ñandú 👩‍👩‍👧 fin"
    folded = fold(line)
    pieces = folded.split("\r\n")
    for piece in pieces:
        data = piece.encode("utf-8")
        assert len(data) <= 75
        data.decode("utf-8")  # raises if a character was cut in two
    assert len(pieces) > 2
    assert unfold(folded) == line


def test_utc_times_use_the_z_form():
    assert utc_stamp(datetime(2026, 3, 29, 1, 30, 5, tzinfo=UTC)) == "20260329T013005Z"


def test_the_calendar_has_the_required_properties_and_crlf_endings():
    text = render_calendar([EVENT], name="Tandem · Acme, Inc.")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # no bare LF anywhere
    lines = unfold(text).split("\r\n")[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert "X-WR-CALNAME:Tandem · Acme\\, Inc." in lines
    event = lines[lines.index("BEGIN:VEVENT") : lines.index("END:VEVENT") + 1]
    assert "UID:variant-abc@tandem" in event
    assert "DTSTAMP:20260301T080000Z" in event
    assert "DTSTART:20260329T013000Z" in event
    assert "DURATION:PT15M" in event
    assert "SUMMARY:@acme · mastodon: Spring\\; launch\\, day 1" in event
    assert "DESCRIPTION:Line one\\nLine two\\, with C:\\\\path\\; done\\nend" in event
    assert "URL:http://tandem.test/w/acme/create/b1" in event
    assert "STATUS:TENTATIVE" in event
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_an_empty_calendar_is_still_valid():
    text = render_calendar([], name="Empty")
    assert "BEGIN:VEVENT" not in text
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
