"""The publish budgets' pure part: defaults per platform, overrides from settings, wording."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tandem.jobs.publishing import budgets_for
from tandem.publish.budgets import (
    DEFAULTS,
    FALLBACK,
    BudgetConfigError,
    Window,
    budgets_from,
    parse_windows,
)
from tandem.settings import ConfigError, Settings

DAY = timedelta(hours=24)


def test_the_defaults_follow_each_platforms_documented_limit():
    budgets = budgets_from()
    assert budgets.account_in_flight == 1
    assert budgets.of("instagram").windows == (Window(100, DAY),)
    assert budgets.of("threads").windows == (Window(250, DAY),)
    assert budgets.of("x").windows == (Window(100, DAY),)  # the basic tier
    assert budgets.of("mastodon").windows == (Window(300, timedelta(minutes=5)),)
    assert budgets.of("bluesky").windows == (
        Window(1666, timedelta(hours=1)),
        Window(11666, DAY),
    )
    assert (
        budgets.of("sandbox").windows == () and budgets.of("sandbox").in_flight is None
    )
    assert budgets.of("myspace") == FALLBACK


@pytest.mark.parametrize(
    ("tier", "window"),
    [
        ("free", Window(17, DAY)),
        ("basic", Window(100, DAY)),
        ("pro", Window(100, timedelta(minutes=15))),
    ],
)
def test_the_x_tier_sets_xs_limit(tier, window):
    assert budgets_from(x_tier=tier).of("x").windows == (window,)


def test_settings_override_windows_and_caps_per_platform():
    budgets = budgets_from(
        account_in_flight=2,
        limits={"instagram": "50/24h", "sandbox": "3/90s,10/1h", "x": "none"},
        platform_in_flight={"instagram": 2, "x": 0},
    )
    assert budgets.account_in_flight == 2
    assert budgets.of("instagram").windows == (Window(50, DAY),)
    assert budgets.of("instagram").in_flight == 2
    assert budgets.of("sandbox").windows == (
        Window(3, timedelta(seconds=90)),
        Window(10, timedelta(hours=1)),
    )
    assert budgets.of("x").windows == () and budgets.of("x").in_flight is None
    assert budgets.of("threads") == DEFAULTS["threads"], "others keep their defaults"


@pytest.mark.parametrize("text", ["100/day", "ten/24h", "0/1h", "100"])
def test_an_unreadable_limit_names_the_setting_and_the_fix(text):
    with pytest.raises(BudgetConfigError) as caught:
        parse_windows(text, setting="publish_account_limits['x']")
    message = str(caught.value)
    assert message.startswith("publish_account_limits['x']:")
    assert "'100/24h'" in message


def test_a_bad_budget_setting_stops_the_worker_with_a_config_error():
    settings = Settings(publish_account_limits={"instagram": "lots"})
    with pytest.raises(ConfigError, match=r"publish_account_limits\['instagram'\]"):
        budgets_for(settings)
    with pytest.raises(ConfigError, match="publish_platform_in_flight"):
        budgets_for(Settings(publish_platform_in_flight={"x": -1}))


@pytest.mark.parametrize(
    ("window", "words"),
    [
        (Window(100, DAY), "100 posts per 24 h"),
        (Window(300, timedelta(minutes=5)), "300 posts per 5 min"),
        (Window(1, timedelta(seconds=90)), "1 post per 90 s"),
    ],
)
def test_a_window_describes_itself_for_the_user(window, words):
    assert window.describe() == words
