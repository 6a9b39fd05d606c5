"""Faithful fakes of the vendor clouds, served on loopback for tests, benchmarks and the demo.

`python -m simulator` serves every vendor; tests start :class:`Simulator` in-process.
"""

from .clock import SimClock
from .faults import Faults
from .server import Simulator

__all__ = ["Faults", "SimClock", "Simulator"]
