"""Saved-reply variables: what Tandem fills in, what it refuses to send, and the length check."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tandem.core import InvalidInput
from tandem.inbox.model import Item, Status
from tandem.inbox.variables import (
    Product,
    ReplyContext,
    SavedReply,
    UnfilledVariables,
    Variable,
    at_handle,
    check_body,
    find_product,
    first_name,
    leftover_variables,
    placeholders,
    render,
)

T = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
CONTEXT = ReplyContext(
    brand="Acme",
    variables=(Variable("store_hours", "9-18 Mon-Sat"), Variable("ticket")),
    products=(
        Product("Trail Runner 2", ("TR2", "trail runners")),
        Product("Aero Tent"),
    ),
)


class Agent:
    def __init__(self, name: str) -> None:
        self.name = name


def item(text: str = "My TR2 sole came off", **kw: object) -> Item:
    base = Item(
        "i1", "w1", "a1", "x", "p1", "comment", text, "jane_doe", "Jane Doe", 10, "",
        T, T, "", "", "", None, 0.0, "neutral", "complaint", "en", 50.0, False,
        Status.NEW, None, None, (), False, None, None, None, None,
    )  # fmt: skip
    return replace(base, **kw)  # type: ignore[arg-type]


def saved(body: str, title: str = "Reply") -> SavedReply:
    return SavedReply("s1", "w1", title, body, (), (), 0, None, T, T)


def test_it_fills_every_builtin_from_the_item_agent_and_workspace():
    body = "Hi {first_name} ({handle}), sorry about your {product}. {agent_name} at {brand}"
    text = render(saved(body), item(), Agent("Olive Owner"), context=CONTEXT)
    assert text == "Hi Jane (@jane_doe), sorry about your Trail Runner 2. Olive at Acme"


def test_typed_values_win_and_custom_defaults_fill_the_rest():
    body = "{first_name}, we are open {store_hours}. Ticket {ticket}."
    text = render(
        saved(body),
        item(),
        Agent("Olive"),
        {"first_name": "Janet", "ticket": "T-42"},
        context=CONTEXT,
    )
    assert text == "Janet, we are open 9-18 Mon-Sat. Ticket T-42."


def test_an_unfilled_variable_is_an_error_naming_it_and_how_to_fill_it():
    with pytest.raises(UnfilledVariables) as caught:
        render(
            saved("Ticket {ticket} for {product}"),
            item("hello"),
            Agent("O"),
            context=CONTEXT,
        )
    assert caught.value.missing == ("ticket", "product")
    assert caught.value.field == "values.ticket"
    message = caught.value.message
    assert "type a value for ticket" in message
    assert (
        "names none of the workspace's products (Trail Runner 2, Aero Tent)" in message
    )
    assert "{product}" not in message.replace("{product}:", "")  # named, never sent


def test_a_blank_typed_value_does_not_count_as_filled():
    with pytest.raises(UnfilledVariables):
        render(
            saved("Ticket {ticket}"),
            item(),
            Agent("O"),
            {"ticket": "  "},
            context=CONTEXT,
        )


def test_an_unknown_variable_is_refused_when_rendering_and_when_saving():
    with pytest.raises(UnfilledVariables, match="not a variable of this workspace"):
        render(saved("{coupon}"), item(), Agent("O"), context=CONTEXT)
    with pytest.raises(InvalidInput, match=r"\{coupon\} is not a variable") as caught:
        check_body("Use {coupon}", ["store_hours"])
    assert caught.value.field == "body"
    with pytest.raises(InvalidInput, match="lower-case letters"):
        check_body("Hi {First Name}", [])
    check_body("Hi {first_name}, {store_hours} {{literal}}", ["store_hours"])


def test_double_braces_are_literal_and_lone_braces_are_text():
    text = render(
        saved("{{first_name}} :-{ {first_name}"), item(), Agent("O"), context=CONTEXT
    )
    assert text == "{first_name} :-{ Jane"
    assert placeholders("{{a}} {b} {b} {c}") == ("b", "c")


@pytest.mark.parametrize(
    ("display", "expected"),
    [
        ("Jane Doe", "Jane"),
        ("Dr. Jane Doe", "Jane"),
        ("🌸 Zoë-Ann 🌸", "Zoë-Ann"),
        ("o'brien", "o'brien"),
        ("jane_doe99", None),
        ("🔥🔥", None),
        ("", None),
    ],
)
def test_first_name_is_the_first_word_that_reads_as_a_name(display, expected):
    assert first_name(display) == expected


def test_no_first_name_asks_the_agent_to_type_one():
    with pytest.raises(UnfilledVariables, match="type one in first_name"):
        render(
            saved("Hi {first_name}"),
            item(author_name="xx_99"),
            Agent("O"),
            context=CONTEXT,
        )


@pytest.mark.parametrize(
    ("platform", "handle", "expected"),
    [
        ("x", "jane", "@jane"),
        ("bluesky", "jane.bsky.social", "@jane.bsky.social"),
        ("mastodon", "jane@fosstodon.org", "@jane@fosstodon.org"),
        ("reddit", "jane", "u/jane"),
        ("linkedin", "urn:li:person:1", "Jane Doe"),
        ("facebook", "123", "Jane Doe"),
        ("instagram", "@jane", "@jane"),
    ],
)
def test_handle_takes_the_platforms_form(platform, handle, expected):
    assert at_handle(platform, handle, "Jane Doe") == expected


def test_product_is_the_earliest_one_named_by_name_or_alias_as_whole_words():
    products = CONTEXT.products
    assert (
        find_product("Is the aero tent better than my trail runners?", products)
        == "Aero Tent"
    )
    assert find_product("TR2s are great", products) is None  # not a whole word
    assert find_product("my tr2 broke", products) == "Trail Runner 2"


def test_a_reply_over_the_platform_limit_says_by_how_much():
    body = "{first_name} " + "x" * 280
    with pytest.raises(InvalidInput, match="Shorten it by 5 characters") as caught:
        render(saved(body), item(), Agent("O"), context=CONTEXT)
    assert caught.value.field == "text"
    # The same reply fits on Mastodon (500) and a Sandbox account imitating it.
    assert render(saved(body), item(), Agent("O"), context=CONTEXT, platform="mastodon")
    assert render(saved(body), item(platform="sandbox"), Agent("O"), context=CONTEXT)


def test_bluesky_counts_graphemes_and_bytes():
    body = "é" * 299
    assert render(saved(body), item(platform="bluesky"), Agent("O"), context=CONTEXT)
    with pytest.raises(InvalidInput, match="bluesky allows 300"):
        render(saved("é" * 301), item(platform="bluesky"), Agent("O"), context=CONTEXT)


def test_leftover_placeholders_are_found_before_sending():
    assert leftover_variables("Hi {first_name}, see {{this}}") == ("first_name",)
    assert leftover_variables("Hi Jane :-{") == ()
