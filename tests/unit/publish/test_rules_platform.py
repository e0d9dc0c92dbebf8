from tandem.publish.model import SANDBOX_RULES, rules_platform_of


def test_an_account_follows_the_rules_of_the_platform_it_is_on_or_imitates():
    assert rules_platform_of("x", None) == "x"
    assert rules_platform_of("sandbox", "instagram") == "instagram"
    # A Sandbox account connected through OAuth imitates nothing: Mastodon's rules, which
    # the Sandbox's own limits copy.
    assert rules_platform_of("sandbox", None) == SANDBOX_RULES == "mastodon"
