"""Listen: what people say about the brand, its competitors and its topics.

`detect_trends(mentions, now=..., window=...)` is the entry point; `TrendCounter` plus
`detect` do the same incrementally for a long-running stream.
"""

from tandem.listen.counting import TrendCounter
from tandem.listen.model import Mention, TermKind, TermSignal, Trend, TrendKind
from tandem.listen.scoring import TrendParams
from tandem.listen.terms import terms
from tandem.listen.topics import Topic, TopicKind, TopicQueryError, matches, parse_query
from tandem.listen.trends import detect, detect_trends

__all__ = [
    "Mention",
    "TermKind",
    "TermSignal",
    "Topic",
    "TopicKind",
    "TopicQueryError",
    "Trend",
    "TrendCounter",
    "TrendKind",
    "TrendParams",
    "detect",
    "detect_trends",
    "matches",
    "parse_query",
    "terms",
]
