"""Auto-posting, the pure part: parsing RSS 2.0 / RSS 1.0 / Atom, entry identity, templates,
hashtags, fitting a post to a platform and the keyword filter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tandem.compose import checks, validate
from tandem.compose.autopost.filters import clean_keywords, passes
from tandem.compose.autopost.model import DEFAULT_TEMPLATE, Entry
from tandem.compose.autopost.parsing import dedup_key, parse_feed, plain_text
from tandem.compose.autopost.template import (
    check_template,
    fit_entry,
    hashtags,
    render,
)
from tandem.core import InvalidInput
from tests.support.feeds import atom, rdf, rss

SHORT = "http://tandem.test/l/abcdefg"


def entry(**changes: object) -> Entry:
    values: dict[str, object] = {
        "key": "id:1",
        "title": "Trail Bottle 2",
        "link": "https://blog.acme.test/b",
        "summary": "It is lighter.",
        "author": "Ada",
        "categories": ("open source", "Bottles"),
        "published_at": None,
    }
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


def test_rss2_entries_are_read_with_plain_text_summaries_and_utc_dates():
    feed = parse_feed(
        rss(
            {
                "guid": "g1",
                "title": "A &amp; B",
                "link": "https://blog.acme.test/a",
                "description": "&lt;p&gt;Hello &lt;b&gt;world&lt;/b&gt;&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;",
                "pubDate": "Mon, 02 Nov 2026 10:00:00 +0100",
                "category": "News",
            }
        )
    )
    (e,) = feed.entries
    assert (e.key, e.title, e.summary) == ("id:g1", "A & B", "Hello world\n\nTwo")
    assert e.published_at == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert e.categories == ("News",) and feed.title == "Acme blog"


def test_atom_and_rdf_feeds_are_read():
    (a,) = parse_feed(
        atom(
            {
                "id": "urn:1",
                "title": "Atom entry",
                "link": "https://acme.test/1",
                "updated": "2026-11-02T09:30:00Z",
                "summary": "Sum",
            }
        )
    ).entries
    assert (a.key, a.link, a.author) == ("id:urn:1", "https://acme.test/1", "Ada")
    (r,) = parse_feed(
        rdf(
            {
                "title": "RDF item",
                "link": "https://acme.test/r",
                "date": "2026-11-02T09:30:00Z",
            }
        )
    ).entries
    assert r.title == "RDF item" and r.link == "https://acme.test/r"
    assert r.published_at == datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


def test_entry_identity_is_guid_then_link_then_title_and_date():
    assert dedup_key(guid="g", link="https://x", title="t", date="d") == "id:g"
    assert (
        dedup_key(guid=" ", link="https://x", title="t", date="d") == "link:https://x"
    )
    hashed = dedup_key(guid="", link="", title="t", date="d")
    assert hashed.startswith("hash:") and hashed != dedup_key(
        guid="", link="", title="t", date="e"
    )
    (no_guid,) = parse_feed(rss({"title": "x", "link": "https://acme.test/x"})).entries
    assert no_guid.key == "link:https://acme.test/x"


def test_a_web_page_is_not_a_feed_and_the_error_says_what_to_do():
    with pytest.raises(InvalidInput) as caught:
        parse_feed(b"<html><body>Blog</body></html>", content_type="text/html")
    assert caught.value.field == "url"
    assert "RSS or Atom" in caught.value.message and "/feed" in caught.value.message


def test_a_truncated_feed_is_read_as_far_as_possible_with_a_warning():
    body = rss({"guid": "1", "title": "One"})[:-20]
    parsed = parse_feed(body)
    assert [e.title for e in parsed.entries] == ["One"]
    assert "errors" in parsed.warning


def test_html_becomes_readable_text():
    assert (
        plain_text("<p>A<br>B</p><script>x()</script><ul><li>C</li></ul>")
        == "A\nB\n\nC"
    )


def test_categories_become_hashtags():
    assert hashtags(("open source", "Bottles", "bottles", "2026", "c++")) == [
        "#OpenSource",
        "#Bottles",
        "#C",
    ]
    assert hashtags(("a", "b", "c"), limit=2) == ["#A", "#B"]


def test_templates_are_checked_and_never_reach_python_formatting():
    assert check_template(" {title} {link} ") == "{title} {link}"
    for bad in ("", "{title} {0.__class__}", "no variables here"):
        with pytest.raises(InvalidInput) as caught:
            check_template(bad)
        assert caught.value.field == "template"
    assert render("{title} {0.__class__}", {"title": "T"}) == "T {0.__class__}"
    assert (
        render(
            "{title}\n\n{summary}\n\n\n{link}",
            {"title": "T", "summary": "", "link": "L"},
        )
        == "T\n\nL"
    )


def test_a_post_that_fits_is_left_alone():
    target = checks.target_for("x")
    fitted = fit_entry(DEFAULT_TEMPLATE, entry(), link=SHORT, target=target)
    assert (
        fitted.text
        == f"Trail Bottle 2\n\nIt is lighter.\n\n{SHORT}\n\n#OpenSource #Bottles"
    )
    assert fitted.notes == ()


def test_a_long_summary_is_cut_at_a_sentence_and_the_post_is_valid_everywhere():
    long = " ".join(f"Sentence {i} is about the new bottle." for i in range(60))
    for platform in ("x", "bluesky", "mastodon", "threads", "linkedin"):
        target = checks.target_for(platform)
        fitted = fit_entry(
            DEFAULT_TEMPLATE, entry(summary=long), link=SHORT, target=target
        )
        assert target.measure(fitted.text) <= target.limit, platform
        assert [p for p in validate(platform, fitted.text) if p.blocking] == [], (
            platform
        )
        assert SHORT in fitted.text and "Trail Bottle 2" in fitted.text
        if target.limit < 1000:
            assert fitted.notes == (f"Shortened the summary to fit {target.limit}.",)


def test_without_room_for_any_summary_it_is_left_out_then_hashtags_then_the_title_shortens():
    target = checks.target_for("x")
    title = "Word " * 60
    fitted = fit_entry(
        "{title} {summary} {link} {hashtags}",
        entry(title=title.strip()),
        link=SHORT,
        target=target,
    )
    assert target.measure(fitted.text) <= 280
    assert "Left out the summary to fit 280." in fitted.notes
    assert "Shortened the title to fit." in fitted.notes
    assert fitted.text.endswith(SHORT)


def test_a_template_without_link_still_carries_the_link():
    fitted = fit_entry("{title}", entry(), link=SHORT, target=checks.target_for("x"))
    assert fitted.text == f"Trail Bottle 2\n\n{SHORT}"


def test_the_keyword_filter_matches_whole_words_case_insensitively():
    e = entry(title="New Bottle colours", summary="Sale ends soon")
    assert passes(e, ["bottle"], []) == ""
    assert passes(e, ["bott"], []) == "Contains none of the keywords to include."
    assert passes(e, [], ["sale"]) == "Contains the excluded keyword “sale”."
    assert passes(e, ["open source"], []) == ""  # categories count
    assert clean_keywords(["A, b", " a "], field="include_keywords") == ("a", "b")
    with pytest.raises(InvalidInput) as caught:
        clean_keywords(["x" * 101], field="exclude_keywords")
    assert caught.value.field == "exclude_keywords"
