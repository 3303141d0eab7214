"""Exponential back-off with jitter, between retries of a request."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential back-off between retries: ``initial * factor**attempt``, capped, with jitter.

    ``jitter`` is the fraction of the delay drawn at random (0.25: the delay is
    multiplied by a factor in [0.75, 1.25]). Tests pass ``Backoff(initial=0)``.
    """

    initial: float = 0.5
    factor: float = 2.0
    max_delay: float = 30.0
    jitter: float = 0.25

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based)."""
        base = min(self.initial * self.factor**attempt, self.max_delay)
        if retry_after is not None:
            base = min(max(base, retry_after), self.max_delay)
        return max(0.0, base * (1 + random.uniform(-self.jitter, self.jitter)))
