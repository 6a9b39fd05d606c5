"""The Kiwigrid / Solarwatt fake: both cloud generations and a local Energy Manager.

Hosts (each on its own loopback origin, in this order; the first is the main one):

========================  =================================  ===============================
name                      real host                          serves
========================  =================================  ===============================
``portal``                new.energymanager.com              auth_grant, ``/context``, refresh
``keycloak``              auth.energymanager.com             Keycloak-like login
``hems``                  hems.kiwigrid.com                  ``/v11`` REST
``legacy_auth``           auth.energy-manager.de             form login, ``/authorize``
``legacy_portal``         desktop.energy-manager.de          auth_grant, ``js/context.js``
``kiwibus``               cloud.kiwigrid.com                 SockJS/vert.x websocket
``local``                 the Energy Manager on the LAN      ``/rest/kiwigrid/wizard/devices``
========================  =================================  ===============================

One site (:mod:`.site`) feeds every host, so all generations report the same values.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from aiohttp import web

from ..clock import SimClock
from ..faults import Faults
from . import control, keycloak, legacy, rest
from .auth import Auth
from .bus import BusServer
from .site import Site
from .state import BusSettings, KiwigridState, Stats


class KiwigridCloud:
    """The fake; tests drive it through this Python API or ``/_sim/kiwigrid/...``."""

    key: ClassVar[str] = "kiwigrid"
    hosts: ClassVar[tuple[str, ...]] = (
        "portal",
        "keycloak",
        "hems",
        "legacy_auth",
        "legacy_portal",
        "kiwibus",
        "local",
    )

    def __init__(self, clock: SimClock) -> None:
        """Build the default scenario (see :mod:`simulator.kiwigrid.site`)."""
        self._clock = clock
        self._faults = Faults()
        self.state = KiwigridState(clock, Auth(clock), Site(clock))
        self.bus = BusServer(lambda: self.state, self._closers)

    def _closers(self) -> set[Callable[[], Awaitable[Any]]]:
        return self._faults.websocket_closers

    # -- server protocol -----------------------------------------------------------------------

    def attach_faults(self, faults: Faults) -> None:
        """Register open websockets where ``/_sim/kiwigrid/drop_websockets`` finds them."""
        self._faults = faults

    def setup_routes(self, host: str, app: web.Application) -> None:
        """Add one host's routes."""
        setup: dict[str, Callable[[web.Application, KiwigridState], None]] = {
            "portal": keycloak.setup_portal,
            "keycloak": keycloak.setup_keycloak,
            "hems": rest.setup_hems,
            "legacy_auth": legacy.setup_auth,
            "legacy_portal": legacy.setup_portal,
            "kiwibus": lambda app, _state: self.bus.setup(app),
            "local": rest.setup_local,
        }
        setup[host](app, self.state)

    def set_host_urls(self, urls: dict[str, str]) -> None:
        """Absolute redirects and the context's bus URL point at these origins."""
        self.state.urls = dict(urls)

    def setup_control_routes(self, app: web.Application) -> None:
        """Serve the test/demo controls (see :mod:`simulator.kiwigrid.control`)."""
        control.setup(app, self)

    def reset(self) -> None:
        """Back to the default scenario (accounts, tokens, site, settings)."""
        # Handlers hold this state object, so it is refilled rather than replaced.
        self.state.auth = Auth(self._clock)
        self.state.site = Site(self._clock)
        self.state.bus = BusSettings()
        self.state.stats = Stats()

    # -- Python API for tests ------------------------------------------------------------------

    async def push_updates(self) -> int:
        """Push the current values to every registered device-set listener."""
        return await self.bus.push_updates()

    def expire_tokens(self) -> int:
        """Every access token expires now (the next bus request gets 419, REST 401)."""
        return self.state.auth.expire_tokens()
