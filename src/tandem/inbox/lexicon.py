"""The words and signs triage reads, kept apart from the rules that use them.

Valences are on VADER's scale (-4..+4). VADER's own lexicon is English and reads every emoji
through its Unicode name, which gets social usage wrong ("fire" is bad news in a lexicon,
praise in a comment), so emoji that carry a different meaning on social media get their own
valence here, and a few hundred high-frequency sentiment words cover German, French,
Spanish, Portuguese and Italian.
"""

from __future__ import annotations

# Emoji as people use them in comments. Each becomes a private token with this valence.
EMOJI_VALENCE: dict[str, float] = {
    "🔥": 2.5,
    "💯": 2.5,
    "😍": 3.0,
    "🥰": 3.0,
    "❤": 3.0,
    "❤️": 3.0,
    "💕": 2.8,
    "💖": 2.8,
    "👏": 2.3,
    "🙌": 2.3,
    "🙏": 1.5,
    "👍": 2.0,
    "😂": 1.5,
    "🤣": 1.5,
    "💀": 1.0,  # "I'm dead" = very funny
    "✨": 1.2,
    "🎉": 2.0,
    "🥳": 2.3,
    "😊": 2.0,
    "🙂": 1.0,
    "😎": 1.5,
    "🤩": 3.0,
    "👎": -2.5,
    "😡": -3.0,
    "🤬": -3.5,
    "😠": -2.8,
    "😤": -2.0,
    "🙄": -1.8,
    "🙃": -1.0,
    "🤡": -2.0,
    "😞": -2.2,
    "😢": -2.2,
    "😭": -1.5,
    "💩": -2.5,
    "🤮": -3.0,
    "😒": -1.8,
}

# Sentiment words for languages VADER does not read (lower case, accents kept).
FOREIGN_VALENCE: dict[str, float] = {
    # German
    "danke": 1.8, "liebe": 3.0, "toll": 2.5, "klasse": 2.5, "genial": 3.0, "prima": 2.2,
    "schön": 2.0, "zufrieden": 2.0, "empfehlen": 2.0, "enttäuscht": -2.5,
    "enttäuschend": -2.5, "katastrophe": -3.0, "schlecht": -2.5, "schrecklich": -3.0,
    "kaputt": -2.2, "ärgerlich": -2.2, "frech": -2.0, "mies": -2.5, "nie": -0.5,
    # French
    "merci": 1.8, "génial": 3.0, "geniale": 3.0, "adore": 3.0, "parfait": 3.0,
    "magnifique": 3.0, "excellent": 3.0, "nul": -2.5, "nulle": -2.5, "déçu": -2.5,
    "déçue": -2.5, "horrible": -3.0, "honte": -2.5, "arnaque": -3.0, "lamentable": -3.0,
    # Spanish
    "gracias": 1.8, "encanta": 3.0, "excelente": 3.0, "perfecto": 3.0,
    "pésimo": -3.2, "pesimo": -3.2, "terrible": -3.0, "decepcionado": -2.5,
    "estafa": -3.0, "lento": -1.2, "malo": -2.5, "nadie": -0.8, "roto": -2.2, "rota": -2.2,
    "inútil": -2.2, "recomiendo": 2.0, "honteux": -2.5, "honteuse": -2.5, "injoignable": -2.0,
    "inutile": -2.2, "wunderbar": 3.0, "hervorragend": 3.0, "furchtbar": -3.0,
    # Portuguese
    "obrigado": 1.8, "obrigada": 1.8, "adorei": 3.0, "amei": 3.0, "ótimo": 3.0,
    "otimo": 3.0, "péssimo": -3.2, "pessimo": -3.2,
    # Italian
    "grazie": 1.8, "bellissimo": 3.0, "fantastico": 3.0, "ottimo": 3.0, "delusione": -2.5,
    "deluso": -2.5, "schifo": -3.2,
}  # fmt: skip

# Phrases that state a bad experience without a sentiment word ("still waiting", "charged
# twice"). Matched case-insensitively; each adds this valence as a private token.
GRIEVANCE_PHRASES: dict[str, float] = {
    r"still (?:waiting|no|not|haven'?t|hasn'?t)": -2.0,
    r"(?:hasn'?t|has not|haven'?t|have not|never|didn'?t|did not) (?:arrived|received|come|shown up)": -2.2,
    r"not (?:yet )?(?:arrived|received|delivered)": -2.2,
    r"charg(?:ed|ing) (?:me )?twice|double[- ]charged": -2.5,
    r"how you treat (?:me|us|your customers)": -2.0,
    r"never (?:buying|ordering|shopping)|not (?:buying|ordering) (?:from you )?again": -2.5,
    r"anyone there\?|sent \d+ (?:messages|emails)": -2.0,
    r"(?:doesn'?t|does not|didn'?t|did not|never) (?:arrive|come|show up)": -1.8,
    r"ordered (?:a |an |the )?\w+(?: \w+)?,? (?:and )?(?:got|received) (?:a |an |the )?\w+": -1.5,
    r"waste of (?:money|time)|nothing like (?:the )?(?:photos?|pictures?|description)": -2.2,
    r"(?:glass|metal|hair|insect|bug) in my (?:food|meal|drink)": -3.0,
    r"(?:days?|weeks?|hours?) and counting": -1.5,
    r"\bnowhere(?: to be (?:found|seen))?\b": -1.8,
    r"wrong (?:item|size|order|product)": -2.0,
    r"(?:arrived|came) (?:damaged|broken|open)": -2.2,
    r"on hold": -1.5,
    r"(?:keeps|kept) crashing|is broken|doesn'?t work|does not work|stopped working": -2.2,
    r"no(?:body| one) (?:answers|responds|is helping|replies|helps)": -2.2,
    r"day \d+\b": -1.0,
    r"cancel+ed my order": -2.0,
    r"nicht angekommen|kam kaputt|nicht zufrieden": -2.5,
    r"pas (?:encore )?reçu": -2.5,
    r"nadie responde": -2.5,
    r"non è ancora arrivato": -2.5,
}

# Social English VADER lacks or misreads (added to, or replacing, its lexicon).
ENGLISH_VALENCE: dict[str, float] = {
    "shoutout": 2.0,
    "kudos": 2.0,
    "breach": -2.5,
    "lawsuit": -2.5,
    "lawyer": -1.2,
    "boycott": -2.5,
    "poisoning": -3.0,
    "recall": -1.0,
    "exploded": -2.5,
    "rash": -1.8,
    "slow": -1.2,
    "burned": -2.0,
    "burnt": -2.0,
    "leaked": -2.0,
    "contaminated": -2.5,
    "overcharged": -2.2,
    "unbelievable": -1.0,
}

# Idioms VADER reads word by word and gets backwards: replaced before scoring.
IDIOMS: dict[str, str] = {
    r"\bcan'?t believe how\b|\bcannot believe how\b": "so",
    r"\b(?:i'?d|i would|we'?d|we would) like to\b": "we want to",
    r"\btake my money\b": "want it so much",
    r"\bthanks for nothing\b": "useless",
}

# English words that mean something else (or nothing) in other languages: ignored when a
# message is not in English ("die" is a German article, "no" Portuguese/Spanish for "in the").
FALSE_FRIENDS: frozenset[str] = frozenset(
    {"no", "die", "war", "sin", "pain", "bald", "hell", "fine", "gift", "arm", "mist"}
)

# Irony markers. STRONG ones mean the opposite of what they say on their own ("yeah right");
# WEAK ones are ironic only next to something going wrong ("Great, another delay." but not
# "Great, thanks!"): a grievance phrase or a word with negative valence.
SARCASM_STRONG: tuple[str, ...] = (
    r"\b(?:yeah|sure),? right\b",
    r"^\s*sure,? because\b",
    r"\blove (?:waiting|being (?:put )?on hold|getting charged|paying twice)\b",
    r"\btotally normal\b",
    r"\breally impressive work\b",
    r"[🙃🙄]",
)
SARCASM_WEAK: tuple[str, ...] = (
    r"^\s*(?:oh\s+)?(?:great|wonderful|perfect|fantastic|brilliant|lovely)[,.!]",
    r"\bjust (?:perfect|great|wonderful|brilliant)\b",
    r"\bthanks a lot\b",
    r"'[^']{3,30}'",  # scare quotes: 'fast shipping'
    r"\"[^\"]{3,30}\"",
)
# Below this valence a word counts as "something going wrong" for the weak markers.
GRIEF_VALENCE = -1.0
