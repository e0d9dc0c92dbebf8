"""How hard and how long the worker tries one publication, and what it needs to send it.

Retry limits and waits (how many attempts, how long an unconfirmed outcome may stay
unknown), plus the two seams a send needs from the process: stored credentials and media files.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from tandem.core.backoff import backoff_delay
from tandem.publish.refresh import CredentialAccess


@dataclass(frozen=True)
class Policy:
    max_attempts: int = 8
    # Posts published up to this long before due_at still count when reconciling.
    lookback: timedelta = timedelta(minutes=5)
    # After an unsettled call, "not on the platform" is only trusted once this has passed
    # (platforms list new posts with a delay); until then the post waits, it is not resent.
    settle: timedelta = timedelta(minutes=2)
    # An outcome nobody can confirm for this long is handed to the user (failed, unknown).
    give_up_unknown: timedelta = timedelta(hours=24)
    rng: random.Random | None = None
    # Decrypts stored credentials for the connector; None: accounts act without any (Sandbox).
    credentials: CredentialAccess | None = None
    # A publication's media names -> local file paths (jobs: tandem.media.public); None:
    # the names go as they are, so a post with media fails naming them, never without them.
    media_paths: Callable[[Sequence[str]], tuple[str, ...]] | None = None

    def backoff(self, attempt: int) -> float:
        """Seconds to wait before the next try after `attempt` tries (jittered by `rng`)."""
        return backoff_delay(attempt, rng=self.rng)
