"""A/B/n experiment statistics: frequentist, Bayesian and sequential, with honest verdicts.

See docs/experiments.md for the formulas, their sources and when to use which.
"""

from tandem.analytics.experiments.bayes import BayesResult, prob_b_beats_a
from tandem.analytics.experiments.cuped import CupedResult, cuped
from tandem.analytics.experiments.frequentist import (
    Interval,
    LiftTest,
    two_proportions,
    welch,
)
from tandem.analytics.experiments.multiple import Adjusted, benjamini_hochberg, holm
from tandem.analytics.experiments.power import duration_days, sample_size_proportions
from tandem.analytics.experiments.sequential import (
    SequentialResult,
    sequential_proportions,
)
from tandem.analytics.experiments.srm import SRM_THRESHOLD, SrmResult, srm
from tandem.analytics.experiments.verdicts import Verdict, verdict

__all__ = [
    "SRM_THRESHOLD",
    "Adjusted",
    "BayesResult",
    "CupedResult",
    "Interval",
    "LiftTest",
    "SequentialResult",
    "SrmResult",
    "Verdict",
    "benjamini_hochberg",
    "cuped",
    "duration_days",
    "holm",
    "prob_b_beats_a",
    "sample_size_proportions",
    "sequential_proportions",
    "srm",
    "two_proportions",
    "verdict",
    "welch",
]
