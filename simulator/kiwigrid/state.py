"""Everything the Kiwigrid fake's hosts share: clock, auth, site, settings, host URLs."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..clock import SimClock
from .auth import Auth
from .site import Site


@dataclass
class BusSettings:
    """kiwibus behaviour the notes leave open (configurable; defaults are the strict side)."""

    ping_timeout: float = 10.0
    """Simulated seconds without a client ping before the bridge closes the socket."""
    listeners_supported: bool = True
    """Whether registerDeviceSetListener is accepted (keta moved to polling in 2020)."""
    page_limit: int = 50
    """The most devices one getDevices reply carries, whatever ``limit`` asked for."""
    broken_replies: int = 0
    """The next N replies lose their ``code`` (a fault the HTTP fault middleware cannot reach)."""


@dataclass
class Stats:
    """What the fake received (for tests and benchmarks)."""

    requests: dict[str, int] = field(default_factory=dict)
    bus_messages: dict[str, int] = field(default_factory=dict)
    websockets_opened: int = 0
    pings: int = 0

    def count(self, table: dict[str, int], key: str) -> None:
        """One more of ``key``."""
        table[key] = table.get(key, 0) + 1


@dataclass
class KiwigridState:
    """The fake's whole state; ``reset`` builds a new one."""

    clock: SimClock
    auth: Auth
    site: Site
    bus: BusSettings = field(default_factory=BusSettings)
    stats: Stats = field(default_factory=Stats)
    urls: dict[str, str] = field(default_factory=dict)
