"""Mastodon's status HTML back to the text the author typed."""

from __future__ import annotations

from tandem.connectors.mastodon import html_to_text


def test_paragraphs_become_blank_lines_and_breaks_newlines() -> None:
    assert html_to_text("<p>One<br />two</p><p>Three</p>") == "One\ntwo\n\nThree"


def test_links_give_their_whole_text_including_hidden_parts() -> None:
    html = (
        '<p><a href="https://example.com/a/very/long/path" rel="nofollow noopener" '
        'translate="no" target="_blank"><span class="invisible">https://</span>'
        '<span class="ellipsis">example.com/a/very/lo</span>'
        '<span class="invisible">ng/path</span></a></p>'
    )
    assert html_to_text(html) == "https://example.com/a/very/long/path"


def test_entities_are_unescaped_and_plain_text_passes_through() -> None:
    assert html_to_text(
        "<p>Fish &amp; chips &lt;3 &#39;yes&#39; &quot;q&quot;</p>"
    ) == ("Fish & chips <3 'yes' \"q\"")
    assert html_to_text("already plain") == "already plain"
