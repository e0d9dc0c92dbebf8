"""Throughput of measure() + validate() per platform on deterministic posts.

Usage: python bench/compose_validate.py [posts]   (default 100,000)

Posts mix lengths (40-900 characters of prose), zero to two links with and without a
scheme, emoji sequences, CJK, accented Latin, hashtags, cashtags and mentions;
random.Random(2025) makes them the same on every run. Each platform sees every post
once: measure, then validate (which reuses what measure found: the caches hold the last
256 texts).
"""

from __future__ import annotations

import random
import sys
import time

from tandem.compose.rules import PLATFORMS, measure, rules_for, validate

WORDS = [
    "launch",
    "coffee",
    "brew",
    "menu",
    "team",
    "spring",
    "summer",
    "weekend",
    "offer",
    "update",
    "story",
    "design",
    "local",
    "community",
    "event",
    "tasting",
    "roast",
    "bean",
    "shop",
    "city",
    "market",
    "friends",
    "new",
    "fresh",
]
ACCENTED = [
    "café",
    "São",
    "Paulo",
    "Zürich",
    "façade",
    "naïve",
    "déjà",
    "Ångström",
    "Kraków",
]
CJK = ["東京", "新しい", "コーヒー", "咖啡店", "서울", "맛있는"]
EMOJI = [
    "😀",
    "☕",
    "🌱",
    "🇵🇹",
    "👍🏽",
    "👨\u200d👩\u200d👧\u200d👦",
    "1\ufe0f\u20e3",
    "✨",
]
LINKS = [
    "https://example.com/launch?utm_source=social",
    "http://tandem.example.org/a/b/c",
    "example.com/menu",
    "shop.example.co.uk",
    "https://t.co/abc123",
    "https://例え.jp/パス",
]
TAGS = ["#coffee", "#Lisboa", "#新商品", "#café", "$TEST", "@tandem", "@friend_01"]


def make_post(rng: random.Random) -> str:
    """A marketing post: prose of a random length, then the usual extras."""
    target = rng.choice((40, 100, 200, 280, 450, 900))
    parts: list[str] = []
    size = 0
    while size < target:
        roll = rng.random()
        if roll < 0.80:
            part = rng.choice(WORDS)
        elif roll < 0.88:
            part = rng.choice(ACCENTED)
        elif roll < 0.94:
            part = rng.choice(CJK)
        else:
            part = rng.choice(EMOJI)
        parts.append(part)
        size += len(part) + 1
    for _ in range(rng.choice((0, 0, 1, 1, 1, 2))):  # links: none, one or two
        parts.insert(rng.randrange(len(parts) + 1), rng.choice(LINKS))
    parts += rng.sample(TAGS, rng.choice((0, 1, 2, 3, 5)))  # hashtags, mentions last
    return " ".join(parts) + rng.choice((".", "!", "", " 🙂"))


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(2025)
    posts = [make_post(rng) for _ in range(count)]
    for platform in PLATFORMS:  # compile patterns and load tables before timing
        validate(platform, posts[0])
        rules_for(platform)
    rates: dict[str, float] = {}
    total = 0.0
    print(f"{count:,} posts, measure + validate per post")
    for platform in PLATFORMS:
        start = time.perf_counter()
        for post in posts:
            measure(platform, post)
            validate(platform, post)
        elapsed = time.perf_counter() - start
        total += elapsed
        rates[platform] = count / elapsed
        print(f"{platform:>16}: {rates[platform]:>9,.0f} posts/s  ({elapsed:5.2f} s)")
    slowest = min(rates, key=rates.__getitem__)
    fastest = max(rates, key=rates.__getitem__)
    print(f"{'total':>16}: {total:.1f} s for {len(PLATFORMS)} platforms")
    print(
        f"slowest/fastest: {slowest} {rates[slowest]:,.0f} / {fastest} "
        f"{rates[fastest]:,.0f} posts/s = {rates[slowest] / rates[fastest]:.2f}"
    )


if __name__ == "__main__":
    main()
