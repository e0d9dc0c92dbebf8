"""Simulated audience messages with the truth they were drawn from (intent, tone, language).

Used for the Sandbox network's comments and mentions, for the demo inbox, and as a labelled
set for triage quality tests. Templates are written per intent and language with slots, so
the same intent arrives in many surface forms; `crisis_share` plants a burst of crisis
messages for alerting tests.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from tandem.sim.sampling import stream

PRODUCTS = ("trail shoes", "rain jacket", "water bottle", "backpack", "headlamp")
CITIES = ("Lyon", "Leeds", "Graz", "Porto", "Austin", "Bilbao")
FIRST_NAMES = (
    "Ana",
    "Ben",
    "Chloé",
    "Dev",
    "Elif",
    "Finn",
    "Greta",
    "Hugo",
    "Ines",
    "Jon",
)

# intent -> polarity -> language -> templates
TEMPLATES: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    "question": {
        "neutral": {
            "en": (
                "Does the {product} come in other colours?",
                "How long does shipping to {city} take?",
                "Is the {product} waterproof?",
                "When will the {product} be restocked?",
                "Can I exchange my {product} for a bigger size?",
                "What is the warranty on the {product}?",
            ),
            "de": ("Gibt es den {product} auch in Blau?", "Wie lange dauert die Lieferung nach {city}?"),
            "fr": ("Est-ce que le {product} existe en noir ?", "Vous livrez à {city} ?"),
            "es": ("¿Cuánto tarda el envío a {city}?",),
        },
    },
    "complaint": {
        "negative": {
            "en": (
                "My {product} arrived broken. Really disappointed.",
                "Still waiting for my refund after {days} days.",
                "Ordered a {product} {days} days ago and it still hasn't arrived",
                "The sole of my {product} came off after a week, terrible quality",
                "Nobody answers the support email, this is unacceptable",
                "Great, my {product} is lost again. Thanks a lot.",
                "I was charged twice for my {product}!",
            ),
            "de": ("Meine Bestellung ist nach {days} Tagen nicht angekommen, sehr enttäuscht.",),
            "fr": ("Toujours pas reçu mon {product}, c'est nul.",),
            "es": ("Pésimo servicio, mi pedido llegó roto.",),
        },
    },
    "praise": {
        "positive": {
            "en": (
                "Love my new {product}! 😍",
                "Best {product} I've ever owned, thank you!",
                "Thanks {name} from support, amazing help 🙏",
                "The {product} survived a week of rain in {city}. Impressed!",
                "Absolutely fantastic quality 👏",
                "🔥🔥🔥",
            ),
            "de": ("Super {product}, vielen Dank!",),
            "fr": ("Merci, le {product} est génial !",),
            "es": ("¡Me encanta mi {product}! Muchas gracias",),
        },
    },
    "lead": {
        "neutral": {
            "en": (
                "We'd like to order {n} {product}s for our team, can you send a quote?",
                "Do you offer wholesale pricing? We run a shop in {city}.",
                "Where can I buy the {product} in {city}?",
                "How much for {n} units with our logo?",
            ),
            "de": ("Was kostet das für {n} Stück?",),
            "fr": ("Je voudrais un devis pour {n} {product}s.",),
        },
    },
    "spam": {
        "neutral": {
            "en": (
                "Buy cheap followers at bit.ly/{n}fol",
                "Earn ${n}/day from home, DM me!! 💰",
                "Crypto giveaway: send 0.1 BTC and get 1 BTC back",
                "Follow back? #f4f",
                "Congratulations, you won! Click here to claim your prize",
            ),
        },
        "negative": {"en": ("You are all idiots", "shut up, clowns")},
    },
    "crisis": {
        "negative": {
            "en": (
                "My {product} caught fire while charging. Someone could have been hurt!",
                "Your {product} gave my son a rash. Calling a lawyer.",
                "Is it true your factory dumped waste in the river? #boycott",
                "Recall the {product} now, it's dangerous.",
                "Taking this to the press: {n} customers injured by the {product}.",
            ),
        },
    },
    "other": {
        "neutral": {"en": ("Saw your shop in {city} today", "@{name_lower} look at this")},
    },
}  # fmt: skip

# How often each intent occurs in a normal day's messages (sums to 1).
MIX: dict[str, float] = {
    "question": 0.28,
    "complaint": 0.18,
    "praise": 0.27,
    "lead": 0.1,
    "spam": 0.1,
    "crisis": 0.01,
    "other": 0.06,
}


@dataclass(frozen=True)
class SimMessage:
    text: str
    intent: str
    polarity: str
    language: str
    author_handle: str
    author_name: str
    author_followers: int


def _choices(mix: dict[str, float]) -> tuple[Sequence[str], Sequence[float]]:
    return tuple(mix), tuple(mix.values())


def _fill(template: str, rng: random.Random) -> str:
    name = rng.choice(FIRST_NAMES)
    return template.format(
        product=rng.choice(PRODUCTS),
        city=rng.choice(CITIES),
        days=rng.randint(5, 40),
        n=rng.choice((20, 50, 120, 300)),
        name=name,
        name_lower=name.lower(),
    )


def message(rng: random.Random, intent: str) -> SimMessage:
    polarities = TEMPLATES[intent]
    polarity = rng.choice(sorted(polarities))
    by_language = polarities[polarity]
    # English most of the time, as for most brands Tandem's users run.
    languages = sorted(by_language)
    language = (
        "en" if "en" in by_language and rng.random() < 0.75 else rng.choice(languages)
    )
    text = _fill(rng.choice(by_language[language]), rng)
    if intent == "praise" and text.strip("🔥 ") == "":
        language = "und"
    name = rng.choice(FIRST_NAMES)
    followers = int(rng.lognormvariate(5.0, 1.6))
    return SimMessage(
        text,
        intent,
        polarity,
        language,
        f"{name.lower()}{rng.randint(1, 999)}",
        name,
        followers,
    )


def messages(
    seed: int,
    count: int,
    *,
    mix: dict[str, float] | None = None,
    crisis_share: float = 0.0,
) -> list[SimMessage]:
    """`count` messages drawn from `mix` (default `MIX`); `crisis_share` overrides crisis's."""
    rng = stream(seed, "conversations")
    weights = dict(mix or MIX)
    if crisis_share:
        rest = 1.0 - crisis_share
        total = sum(w for k, w in weights.items() if k != "crisis")
        weights = {k: (w / total) * rest for k, w in weights.items() if k != "crisis"}
        weights["crisis"] = crisis_share
    intents, probabilities = _choices(weights)
    return [message(rng, rng.choices(intents, probabilities)[0]) for _ in range(count)]
