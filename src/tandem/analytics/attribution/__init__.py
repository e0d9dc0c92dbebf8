"""Multi-touch attribution over path tables, a drop-in for ChannelAttribution users.

`markov` and `heuristic` take the same argument names and path-table shape as ChannelAttribution's
`markov_model` and `heuristic_models`; Markov removal effects are exact (absorbing-chain solves),
so the same data always gives the same credits. See docs/attribution.md.
"""

from tandem.analytics.attribution.bootstrap import bootstrap
from tandem.analytics.attribution.chain import Chain, build_chain
from tandem.analytics.attribution.heuristic import MODELS, heuristic
from tandem.analytics.attribution.markov import markov, transition_matrix
from tandem.analytics.attribution.shapley import (
    EXACT_MAX,
    ShapleyResult,
    hoeffding_bound,
    permutations_for,
    shapley,
    shapley_values,
)
from tandem.analytics.attribution.tables import (
    Columns,
    JourneyColumns,
    Paths,
    read_journeys,
    read_paths,
)

__all__ = [
    "EXACT_MAX",
    "MODELS",
    "Chain",
    "Columns",
    "JourneyColumns",
    "Paths",
    "ShapleyResult",
    "bootstrap",
    "build_chain",
    "heuristic",
    "hoeffding_bound",
    "markov",
    "permutations_for",
    "read_journeys",
    "read_paths",
    "shapley",
    "shapley_values",
    "transition_matrix",
]
