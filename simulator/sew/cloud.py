"""The SEW fake: one utility served by both mobile API flavors, plus its Python API."""

from __future__ import annotations

from typing import Any, ClassVar

from aiohttp import web

from ..clock import SimClock
from . import api_host, control, portal_host
from .backend import Backend, HostSettings
from .scenario import DEFAULT_SCENARIO, SCENARIO_HISTORY_DAYS


def _default_settings() -> dict[str, HostSettings]:
    return {
        portal_host.HOST: HostSettings(
            modules={"UserLogin", "Usage", "AdminBilling", "Outage", "UserAccount"}
        ),
        # Flavor B sends plain JSON; its Outage module is not licensed here (HTTP 404).
        api_host.HOST: HostSettings(
            encrypted=False, expiry_in_json=False, modules={"UserLogin", "Usage", "Billing"}
        ),
    }


class SewCloud:
    """One SEW utility behind ``portal_a`` (flavor A, PortalService) and ``api_b`` (flavor B).

    Both hosts share users, sessions and readings (see :mod:`.scenario`), as one utility's
    back end would. Choices where the notes leave the real behaviour open are settings:
    encryption on/off, the ``A``/``I`` envelope, the key, the password digest encoding, and
    whether an expired token is signalled in the JSON or as HTTP 401. The second factor's
    method (``UserLogin/ValidateTFACode`` with ``TFAToken`` and ``Code``, trusted
    ``TFADeviceid`` afterwards) is this fake's model of it: no public SEW client shows one.
    """

    key: ClassVar[str] = "sew"
    hosts: ClassVar[tuple[str, ...]] = (portal_host.HOST, api_host.HOST)

    def __init__(self, clock: SimClock, scenario: str = DEFAULT_SCENARIO) -> None:
        """Build ``scenario`` (a key of ``SCENARIO_HISTORY_DAYS``)."""
        self._clock = clock
        self.scenario = scenario
        self.backend = self._new_backend()
        self._settings = _default_settings()
        self._urls: dict[str, str] = {}

    def _new_backend(self) -> Backend:
        return Backend(self._clock, history_days=SCENARIO_HISTORY_DAYS[self.scenario])

    def use_scenario(self, name: str) -> None:
        """Start ``name`` afresh; :meth:`reset` returns to it. ValueError for an unknown one."""
        if name not in SCENARIO_HISTORY_DAYS:
            known = sorted(SCENARIO_HISTORY_DAYS)
            raise ValueError(f"unknown SEW scenario {name!r}; known: {known}")
        self.scenario = name
        self.reset()

    # -- server protocol -----------------------------------------------------------------------

    def setup_routes(self, host: str, app: web.Application) -> None:
        """Serve one flavor per host."""
        if host == portal_host.HOST:
            portal_host.setup(app, self)
        else:
            api_host.setup(app, self)

    def setup_control_routes(self, app: web.Application) -> None:
        """``/_sim/sew/...`` (see :mod:`.control`)."""
        control.setup(app, self)

    def set_host_urls(self, urls: dict[str, str]) -> None:
        """Remember the origins (nothing the fake sends refers to them)."""
        self._urls = dict(urls)

    def reset(self) -> None:
        """Back to the start of the chosen scenario, with the default settings."""
        self.backend = self._new_backend()
        self._settings = _default_settings()

    # -- Python API for tests and benchmarks -----------------------------------------------------

    def host_settings(self, host: str) -> HostSettings:
        """The (mutable) settings of ``portal_a`` or ``api_b``."""
        return self._settings[host]

    def otp_for(self, username: str) -> str | None:
        """The second-factor code last sent to ``username``, until it is used."""
        return self.backend.sessions.code_for(username)

    def expire_sessions(self) -> int:
        """Every login token dies now; returns how many were alive."""
        return self.backend.sessions.expire_all()

    @property
    def token_lifetime(self) -> float:
        """Seconds a login token lives (default 1200)."""
        return self.backend.sessions.token_lifetime

    @token_lifetime.setter
    def token_lifetime(self, seconds: float) -> None:
        self.backend.sessions.token_lifetime = seconds

    def stats(self) -> dict[str, Any]:
        """Calls per ``host:Module.Method``, logins issued, usage requests."""
        return {
            "calls": dict(self.backend.calls),
            "logins": self.backend.sessions.logins,
            "usage_requests": len(self.backend.usage_requests),
        }
