"""A clock that tests and benchmarks can move forward without sleeping."""

from __future__ import annotations

import time


class SimClock:
    """Monotonic and wall time, both shifted by the same controllable offset.

    Session lifetimes, rate limits and drifting values are all measured with this clock, so a test
    can jump 15 minutes ahead with :meth:`advance` instead of waiting for them.
    """

    def __init__(self) -> None:
        self._offset = 0.0

    def monotonic(self) -> float:
        """Seconds on a monotonic scale (the offset included)."""
        return time.monotonic() + self._offset

    def time(self) -> float:
        """Unix time (the offset included)."""
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        """Jump ahead; the clock never goes back."""
        if seconds < 0:
            raise ValueError("the simulator clock only moves forward")
        self._offset += seconds
