"""Intent: what the author wants, from weighted cues in six languages plus the sentiment.

Each intent has cue patterns with weights; the message's score for an intent is the sum of
the weights of the cues it contains, plus sentiment evidence (complaints are negative, praise
is positive). The highest score wins; ties go to the intent that needs a human soonest
(crisis, then spam, lead, complaint, question, praise). Below `MIN_SCORE` the intent is
"other". `explain` returns the cues that fired, so the inbox can show why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from tandem.inbox.sentiment import Sentiment


class Intent(StrEnum):
    CRISIS = "crisis"
    SPAM = "spam"  # spam or abuse
    LEAD = "lead"  # purchase intent
    COMPLAINT = "complaint"
    QUESTION = "question"
    PRAISE = "praise"
    OTHER = "other"


URGENCY = (
    Intent.CRISIS,
    Intent.SPAM,
    Intent.LEAD,
    Intent.COMPLAINT,
    Intent.QUESTION,
    Intent.PRAISE,
)
MIN_SCORE = 1.0

_CUES: dict[Intent, tuple[tuple[str, float], ...]] = {
    Intent.CRISIS: (
        (r"\blaw(?:yer|suit)s?\b|\bsu(?:e|ing)\b|legal action|consumer protection", 3.0),
        (r"\bboycott|share this everywhere|everyone should know|going viral", 3.0),
        (r"\b(?:to|taking this to) the (?:press|media|news)\b", 3.0),
        (r"\brecall\b|\bdangerous\b|\bunsafe\b|\bhazard", 2.5),
        (r"\bexplod|\bcaught fire|\bon fire\b|\bburn(?:ed|t)\b|\binjur|could have been hurt|\bhospital", 3.0),
        (r"poison|\brash\b|allergic reaction|glass in|found (?:a |an )?(?:glass|metal|insect|bug|hair)", 3.0),
        (r"child labou?r|\bracis[tm]|\bsexis[tm]|discriminat|harass|\babuse of\b", 3.0),
        (r"data breach|\bhacked\b|\bleak(?:ed)?\b|my password from|stolen (?:data|card)", 3.0),
        (r"\bscandal|\bdisgusting\b|should be ashamed", 1.2),
        (r"\bklage\b|anwalt|rückruf|gefährlich|avocat|procès|abogado|demanda|peligroso", 3.0),
    ),
    Intent.SPAM: (
        (r"\b(?:buy|get) (?:cheap )?(?:followers|likes|views)\b|\d+k (?:real |active )?(?:followers|likes)", 3.0),
        (r"free (?:gift ?card|iphone|money)|link in (?:my )?bio", 3.0),
        (r"earn \$?\d+|\$\d+\s*/\s*(?:day|week|hour)|from home", 2.5),
        (r"\bclick here\b|claim your (?:prize|reward)|you (?:have )?won\b", 3.0),
        (r"\bcrypto\b|\bbtc\b|\bbitcoin\b|\bgiveaway\b|\bnft\b", 2.0),
        (r"send \d+(?:\.\d+)? ?(?:btc|eth|usdt)|double your (?:money|crypto)", 3.0),
        (r"follow ?back|#?f4f|#?followforfollow|check my (?:profile|page|bio)", 3.0),
        (r"hot singles|\bxxx\b|\bonlyfans\b|cheap[- ]?(?:meds|pills)|discount pills", 3.0),
        (r"promote your (?:page|account|brand)|dm (?:me )?now|dm me for details", 2.5),
        (r"bit\.ly/|tinyurl\.com/|www\.[a-z0-9-]+\.(?:biz|xyz|top|click)", 1.5),
        (r"💰|🤑", 1.0),
        # Abuse aimed at people, not at a product or an experience.
        (r"\b(?:you|you people|you guys|y'all|your (?:team|staff))(?: are|'re| is)?(?: all)?\s+(?:such )?(?:stupid |fucking |pathetic )?(?:idiots?|morons?|clowns?|losers?|scum)\b", 3.5),
        (r"\bstupid (?:clowns|idiots|people)\b|\bshut up\b|go to hell|\bkys\b", 3.0),
    ),
    Intent.LEAD: (
        (r"\b(?:order|buy|purchase)\s+\d+|\b\d+\s*(?:units|pieces|pcs)\b", 2.5),
        (r"\bbulk\b|\bwholesale\b|\breseller\b|\bdistributor\b|stock your products", 3.0),
        (r"\b(?:a |get a |for a )?quote\b|\bpricing\b|\bprice list\b", 2.0),
        (r"how much (?:for|is|does|are|would)|what does .{0,30}cost|what(?:'s| is) the price", 2.0),
        (r"book a demo|\bdemo for\b|\btrial for (?:our|my) team", 3.0),
        (r"for (?:my|our) (?:company|team|business|shop|store|office|restaurant)|\bteam of \d+", 2.0),
        (r"where can i (?:buy|get|order)|link to (?:buy|shop|order)|take my money|ready to (?:buy|order)", 3.0),
        (r"\bupgrade to\b|\bswitch from\b|\bonboarding\b|business plan|premium plan|enterprise|team plan|sign up for (?:the|a) \w+ plan", 2.0),
        (r"back in stock|pre-?order|is the discount code", 1.5),
        (r"bestellen|was kostet|stück für|devis|commander|pièces|comprar|unidades|precio|cotización|orçamento", 2.5),
    ),
    Intent.COMPLAINT: (
        (r"\bstill (?:waiting|no|not|haven'?t|hasn'?t)|hasn'?t arrived|not (?:yet )?(?:arrived|received)|never (?:arrived|received)", 3.0),
        (r"\brefund\b|\bcharg(?:ed|ing) (?:me )?twice\b|\bdouble[- ]charged\b|\bovercharged\b", 2.0),
        (r"\bbroken?\b|\bbroke\b|\bdamaged\b|\bcrash(?:es|ing)?\b|\bdefective\b|\bfaulty\b|doesn'?t work|stopped working", 2.0),
        (r"\bworst\b|\bdisappoint|\bridiculous\b|\bunacceptable\b|\bterrible\b|\bawful\b|\bgarbage\b|\brip[- ]?off\b", 2.0),
        (r"no(?:body| one) (?:answers|responds|is helping|replies|helps)|anyone there|sent \d+ (?:messages|emails)", 2.5),
        (r"wrong (?:item|size|order|product)|cancel+ed my order|without telling me|lost my (?:package|order|parcel)|losing my (?:package|order)", 2.5),
        (r"never buying|not happy|gone downhill|on hold|how you treat", 2.5),
        (r"\bagain\b", 0.5),
        (r"\buseless\b|waste of (?:money|time)|nothing like (?:the )?(?:photos?|pictures?)|ordered .{1,25},? (?:and )?got\b|\bthanks for nothing\b", 2.5),
        (r"\bslow\b|\blate\b|\blento\b|\blent\b|(?:days?|weeks?) and counting|\bday \d+\b", 2.0),
        (r"nicht angekommen|enttäuscht|katastrophe|kaputt|pas reçu|\bnul\b|pésimo|nadie responde|non è ancora arrivato|pessimo|péssimo|honteux|injoignable|roto\b|rota\b|schlecht|inútil|inutile", 3.0),
    ),
    Intent.QUESTION: (
        (r"\?|¿", 1.5),
        (r"^\s*(?:do|does|did|is|are|can|could|will|would|should|how|what|where|when|which|who|why)\b", 1.5),
        (r"\bany idea\b|\bquick question\b|\bcan someone help\b|\bwondering\b|\bis there\b", 1.5),
        (r"^\s*(?:wie|wo|wann|gibt es|kann|können|est-ce que|où|quand|comment|hacen|dónde|cuándo|cómo|vocês|onde|quando)\b", 1.5),
    ),
    Intent.PRAISE: (
        (r"\blove\b|\bloving\b|\bobsessed\b|\badore\b|\bliebe\b|\bencanta\b|\badorei\b|\bamei\b", 2.0),
        (r"\bthank(?:s| you)\b|\bshout ?out\b|\bkudos\b|\bdanke\b|\bmerci\b|\bgracias\b|\bobrigad[oa]\b|\bgrazie\b", 1.5),
        (r"\bbest\b|\bamazing\b|\bawesome\b|\bfantastic\b|\bexcellent\b|\bperfect\b|\bimpressed\b|\brock\b|\bgreat (?:job|work|product|quality)", 2.0),
        (r"\brecommend\b|\b10/10\b|\b5 stars\b|\bso good\b|how good (?:this|it) is|\bgood (?:quality|product|service|job)\b|\bnot bad\b|\bworks like new\b|\bgreat job\b", 1.5),
        (r"\bbeautiful\b|\bgorgeous\b|\bbrilliant\b|\bwonderful\b|\bin love\b|attention to detail|problem solved", 2.0),
        (r"\bwunderbar\b|\bexcelente\b|\brecomiendo\b|\brecomendo\b|\bconsiglio\b|\bempfehle\b|\bsuper\b|\btoll\b|\bgénial\b|\bgenial\b", 1.5),
    ),
}  # fmt: skip

_COMPILED = {
    intent: tuple((re.compile(p, re.IGNORECASE), w) for p, w in cues)
    for intent, cues in _CUES.items()
}
_ONLY_SIGNS = re.compile(r"^[\W_]+$")
# Greetings carry a friendly tone but no intent: they are not read as praise.
_GREETING = re.compile(
    r"^\s*(?:good (?:morning|afternoon|evening|night)|happy \w+|hello|hi|hey)\b[^.!?]*[.!?]*\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class IntentScore:
    intent: Intent
    score: float
    cues: tuple[str, ...]  # the text that matched, for "why"


def scores(text: str, mood: Sentiment) -> dict[Intent, IntentScore]:
    out: dict[Intent, IntentScore] = {}
    for intent, cues in _COMPILED.items():
        total, hits = 0.0, []
        for pattern, weight in cues:
            found = pattern.search(text)
            if found:
                total += weight
                hits.append(found.group(0).strip() or found.group(0))
        out[intent] = IntentScore(intent, total, tuple(hits))
    _weigh_sentiment(out, text, mood)
    return out


def _bump(out: dict[Intent, IntentScore], intent: Intent, by: float, why: str) -> None:
    old = out[intent]
    out[intent] = IntentScore(intent, old.score + by, (*old.cues, why))


def _weigh_sentiment(
    out: dict[Intent, IntentScore], text: str, mood: Sentiment
) -> None:
    c = mood.compound
    if mood.sarcastic:
        # The praise words are the irony.
        _bump(out, Intent.COMPLAINT, 2.5, "sarcasm")
        out[Intent.PRAISE] = IntentScore(Intent.PRAISE, 0.0, ())
    if c <= -0.3 and out[Intent.PRAISE].score < 2 * abs(c) + 1:
        _bump(out, Intent.COMPLAINT, 1.0 + abs(c), f"negative ({c:+.2f})")
        # Praise words in a negative message are not praise.
        out[Intent.PRAISE] = IntentScore(Intent.PRAISE, 0.0, ())
    if _GREETING.match(text):
        out[Intent.PRAISE] = IntentScore(Intent.PRAISE, 0.0, ())
    elif c >= 0.3 and out[Intent.COMPLAINT].score < 2.0 and out[Intent.PRAISE].score:
        # Positive chatter ("Happy Friday") is not praise of the brand: only a message with
        # a praise cue is helped by its tone.
        _bump(out, Intent.PRAISE, 0.5 + c, f"positive ({c:+.2f})")
    if _ONLY_SIGNS.match(text.strip() or "x"):
        # Emoji-only: the sentiment is the message.
        if c >= 0.05:
            _bump(out, Intent.PRAISE, 2.0, "emoji")
        elif c <= -0.05:
            _bump(out, Intent.COMPLAINT, 2.0, "emoji")


# A question about buying is a lead; anything that asks is a question before it is praise.
LEAD_OVER_QUESTION = 2.0
QUESTION_OVER_PRAISE = 1.5


def classify(text: str, mood: Sentiment) -> IntentScore:
    ranked = scores(text, mood)
    best = max(URGENCY, key=lambda i: (ranked[i].score, -URGENCY.index(i)))
    lead, question = ranked[Intent.LEAD], ranked[Intent.QUESTION]
    if best in (Intent.QUESTION, Intent.PRAISE) and lead.score >= LEAD_OVER_QUESTION:
        best = Intent.LEAD
    elif best is Intent.PRAISE and question.score >= QUESTION_OVER_PRAISE:
        best = Intent.QUESTION
    if ranked[best].score < MIN_SCORE:
        return IntentScore(Intent.OTHER, ranked[best].score, ())
    return ranked[best]
