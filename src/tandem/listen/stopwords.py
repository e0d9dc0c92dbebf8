"""Stopwords for the languages listening tokenises: words too common to be a trend.

Short, hand-kept lists of function words (articles, pronouns, auxiliaries, prepositions,
conjunctions) written in case-folded form, as `terms.py` compares them. Apostrophes split
tokens, so English contractions leave fragments ("don", "ll") and French and Italian
elisions leave single letters (dropped anyway): the fragments are listed here.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


EN = _words(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing don doesn didn isn
    aren wasn weren won wouldn shouldn couldn haven hasn hadn ll ve re down during each few
    for from further get got had has have having he her here hers herself him himself his
    how i if in into is it its itself just let me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would
    you your yours yourself yourselves im ive youre thats its dont cant one still really
    like amp via rt new today
    """
)

DE = _words(
    """
    aber alle allem allen aller alles als also am an ander andere anderen auch auf aus bei
    bin bis bist da damit dann das dass dein deine dem den der des dich die dies diese
    diesem diesen dieser dieses dir doch dort du durch ein eine einem einen einer eines er
    es etwas euch euer für gegen gibt hab habe haben hat hatte hier hin hinter ich ihm ihn
    ihnen ihr ihre im in ins ist ja jede jetzt kann kein keine man mehr mein meine mich mir
    mit muss nach nicht nichts noch nun nur ob oder ohne schon sehr sein seine sich sie
    sind so soll über um und uns unser unter vom von vor war waren was weil wenn wer wie
    wieder wir wird wo zu zum zur
    """
)

FR = _words(
    """
    à ai aie au aux avec avez avons c ça ce ceci cela ces cet cette d dans de des du elle
    elles en est et été être eu fait il ils j je l la le les leur leurs lui m ma mais me
    même mes moi mon n ne nos notre nous on ont ou où par pas pour plus qu que qui s sa sans
    se ses si son sont sur t ta te tes toi ton tous tout toute très tu un une vos votre
    vous y déjà encore bien
    """
)

ES = _words(
    """
    a al algo algunos ante antes como con contra cual cuando de del desde donde durante e
    el ella ellas ellos en entre era es esa ese eso esta está están este esto estos fue
    ha hay la las le les lo los más me mi mis mucho muy nada ni no nos nosotros o os otra
    otro para pero poco por porque que qué quien se ser si sí sin sobre son su sus también
    te tengo tiene todo todos tu tú un una uno unos y ya yo
    """
)

PT = _words(
    """
    a ao aos as até com como da das de dela dele do dos e é ela ele eles em entre era essa
    esse está estão eu foi há isso isto já la lhe mais mas me meu minha muito na não nas
    nem no nos nós num numa o os ou para pela pelo por qual quando que se sem ser seu sua
    são também te tem tenho um uma você vocês
    """
)

IT = _words(
    """
    a ad al alla alle anche ancora che chi ci come con cosa da dal dalla dei del della
    delle di e è ed era gli ha hai hanno ho i il in io la le lei li lo loro lui ma mi mia
    mio molto ne nei nel nella no noi non o per perché più poi quando quella quello questa
    questo se sei si sia siamo sono su sua suo sul sulla ti tu tra tutto un una uno voi
    già solo
    """
)

BY_LANGUAGE: dict[str, frozenset[str]] = {
    "en": EN,
    "de": DE,
    "fr": FR,
    "es": ES,
    "pt": PT,
    "it": IT,
}

# Unknown language: every list at once. A few real words are lost ("die", "per", "con"),
# which is cheaper than letting "de" and "la" trend in every multilingual stream.
ALL = frozenset().union(*BY_LANGUAGE.values())


def stopwords_for(language: str) -> frozenset[str]:
    """The language's list plus English (mixed into most streams), or all lists if unknown."""
    own = BY_LANGUAGE.get(language.lower()[:2]) if language else None
    return ALL if own is None else _WITH_ENGLISH[language.lower()[:2]]


_WITH_ENGLISH = {code: words | EN for code, words in BY_LANGUAGE.items()}
