"""Reading the platforms' report exports with presets and the column mapper."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tandem.core import InvalidInput
from tandem.plan import Channel, custom_map, preset_map
from tandem.plan.spend_import import decode, parse

DATA = Path(__file__).parents[2] / "data" / "spend"


def read(name: str) -> str:
    return decode((DATA / name).read_bytes())


def test_google_ads_skips_the_title_and_total_rows_and_reads_dashes_as_zero():
    parsed = parse(read("google_ads.csv"), preset_map("google_ads"))
    assert parsed.errors == []
    assert parsed.header_row == 3
    assert [r.row for r in parsed.rows] == [4, 5, 6, 7]
    first = parsed.rows[0]
    assert (first.day, first.campaign, first.currency) == (
        date(2026, 11, 1),
        "Spring Launch - Search",
        "EUR",
    )
    assert first.spend_micros == 120_500_000 and first.impressions == 4000
    assert first.conversions == 4.0 and first.value_micros == 400_000_000
    assert parsed.rows[3].spend_micros == 0


def test_meta_takes_the_currency_from_the_amount_spent_header():
    parsed = parse(read("meta_ads.csv"), preset_map("meta_ads"))
    assert parsed.errors == []
    assert {r.currency for r in parsed.rows} == {"EUR"}
    assert parsed.columns["spend"] == "Amount spent (EUR)"
    assert parsed.columns["clicks"] == "Link clicks"
    assert sum(r.reach for r in parsed.rows) == 4800


def test_meta_without_a_daily_breakdown_spreads_a_row_over_its_days_exactly():
    text = (
        "Reporting starts,Reporting ends,Campaign name,Amount spent (USD),Impressions\n"
        "2026-11-01,2026-11-03,Winter,100.00,1000\n"
    )
    rows = parse(text, preset_map("meta_ads")).rows
    assert [r.day.day for r in rows] == [1, 2, 3]
    assert sum(r.spend_micros for r in rows) == 100_000_000
    assert [r.impressions for r in rows] == [334, 333, 333]


def test_linkedin_finds_the_header_below_the_report_details_and_reads_us_dates():
    parsed = parse(read("linkedin_ads.csv"), preset_map("linkedin_ads"))
    assert parsed.errors == []
    assert [r.day for r in parsed.rows] == [date(2026, 11, 1), date(2026, 11, 2)]
    assert (
        parsed.rows[1].spend_micros == 60_000_000 and parsed.rows[1].currency == "USD"
    )


def test_tiktok_reads_destination_clicks_and_payment_value():
    parsed = parse(read("tiktok_ads.csv"), preset_map("tiktok_ads"))
    assert parsed.errors == []
    assert [r.clicks for r in parsed.rows] == [90, 96]
    assert parsed.rows[0].value_micros == 90_000_000


def test_bad_rows_are_reported_by_row_number_and_field():
    text = (
        "Day,Campaign,Currency code,Cost,Impr.,Clicks\n"
        "2026-11-01,A,EUR,10.00,100,5\n"
        "yesterday,A,EUR,10.00,100,5\n"
        "2026-11-03,A,EUR,ten,100,5\n"
        "2026-11-04,A,EURO,1,100,5\n"
        "2026-11-05,A,EUR,-3,100,5\n"
    )
    errors = parse(text, preset_map("google_ads")).errors
    assert [(e.row, e.field) for e in errors] == [
        (3, "date"),
        (4, "spend"),
        (5, "currency"),
        (6, "spend"),
    ]
    assert "yesterday" in errors[0].message


def test_a_file_of_another_platform_names_the_missing_columns():
    errors = parse(read("tiktok_ads.csv"), preset_map("linkedin_ads")).errors
    assert len(errors) == 1 and errors[0].field == "header"
    assert "Total Spent" in errors[0].message


def test_a_row_without_any_currency_asks_for_one_unless_a_default_is_given():
    text = "Date,Spend\n2026-11-01,5\n"
    mapping = custom_map({"date": "Date", "spend": "Spend"}, Channel.EMAIL)
    assert parse(text, mapping).errors[0].field == "currency"
    rows = parse(text, mapping, default_currency="GBP").rows
    assert rows[0].currency == "GBP" and mapping.channel is Channel.EMAIL


def test_the_mapper_needs_the_date_and_spend_columns_and_known_fields():
    with pytest.raises(InvalidInput) as missing:
        custom_map({"date": "Date"}, Channel.OTHER)
    assert missing.value.field == "map_spend"
    with pytest.raises(InvalidInput):
        custom_map({"date": "Date", "spend": "S", "colour": "C"}, Channel.OTHER)
    with pytest.raises(InvalidInput) as preset:
        preset_map("bing")
    assert preset.value.field == "preset"
