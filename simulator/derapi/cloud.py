"""The Derapi fake: its hosts, and the Python API tests and benchmarks drive it with.

Hosts, each on its own origin as for real: ``api`` (api.derapi.com), ``auth``
(auth.derapi.com), ``sma_auth`` (auth.smaapis.de), ``enphase_auth`` (api.enphaseenergy.com's
token path) and ``tesla_auth`` (fleet-auth.prd.vn.cloud.tesla.com). Sandbox ("virtual")
credentials use the same hosts, as Derapi's do.
"""

from __future__ import annotations

from typing import Any, ClassVar

from aiohttp import web

from ..clock import SimClock
from . import control, scenario
from .api import DerapiApi
from .auth import DerapiAuth
from .state import FAILURE_KINDS, DerapiState, InjectedProblem
from .vendor_auth import VendorAuthority


class DerapiCloud:
    """Derapi and the vendor token endpoints it relies on."""

    key: ClassVar[str] = "derapi"
    hosts: ClassVar[tuple[str, ...]] = ("api", "auth", "sma_auth", "enphase_auth", "tesla_auth")

    def __init__(self, clock: SimClock) -> None:
        """The default scenario (see :mod:`simulator.derapi.scenario`)."""
        self._clock = clock
        self._state = DerapiState(clock)
        self._api = DerapiApi(lambda: self._state)
        self._auth = DerapiAuth(lambda: self._state)
        self._urls: dict[str, str] = {}

    # -- server protocol -----------------------------------------------------------------------

    def setup_routes(self, host: str, app: web.Application) -> None:
        """Each host's real paths."""

        def vendors() -> VendorAuthority:
            return self._state.vendors  # looked up per request: a reset replaces it

        async def sma(request: web.Request) -> web.Response:
            return await vendors().handle_sma_token(request)

        async def enphase(request: web.Request) -> web.Response:
            return await vendors().handle_enphase_token(request)

        async def tesla(request: web.Request) -> web.Response:
            return await vendors().handle_tesla_token(request)

        match host:
            case "api":
                self._api.setup(app)
            case "auth":
                self._auth.setup(app)
            case "sma_auth":
                app.router.add_post("/oauth2/token", sma)
            case "enphase_auth":
                app.router.add_post("/oauth/token", enphase)
            case "tesla_auth":
                app.router.add_post("/oauth2/v3/token", tesla)

    def setup_control_routes(self, app: web.Application) -> None:
        """``/_sim/derapi/…`` (see :mod:`simulator.derapi.control`)."""
        control.setup(app, self)

    def set_host_urls(self, urls: dict[str, str]) -> None:
        """The API host's origin is what the older generation's resource URLs start with."""
        self._urls = dict(urls)
        self._api.api_url = urls.get("api", "")

    def reset(self) -> None:
        """Back to the default scenario: tokens, failures, settings and schedules dropped."""
        self._state = DerapiState(self._clock)

    # -- Python API for tests and benchmarks -----------------------------------------------------

    @property
    def state(self) -> DerapiState:
        """Everything the fake holds."""
        return self._state

    def set_vendor_failure(self, vendor: str, failure: str | None) -> None:
        """Make `vendor` fail ("unauthorized", "timeout", "error"), or heal it (None)."""
        if failure is None:
            self._state.vendor_failures.pop(vendor, None)
            return
        if failure not in FAILURE_KINDS:
            raise ValueError(f"failure must be one of {FAILURE_KINDS} or null")
        self._state.vendor_failures[vendor] = failure

    def inject_problem(self, status: int, count: int = 1, retry_after: str | None = None) -> None:
        """The next `count` API requests answer a problem+json with `status`."""
        self._state.problems.append(InjectedProblem(status, count, retry_after))

    def use_large_account(self, devices: int, sites: int) -> None:
        """Serve a generated account (the benchmark's)."""
        self._state.account = scenario.large_account(devices, sites)

    def use_default_account(self) -> None:
        """Serve the default account again."""
        self._state.account = scenario.default_account()

    @property
    def api_requests(self) -> list[tuple[str, str]]:
        """Every API request as (method, path with query)."""
        return self._state.requests

    def stats(self) -> dict[str, Any]:
        """Counters for tests and benchmarks."""
        return {
            "api_requests": len(self._state.requests),
            "token_mints": self._state.token_mints,
            **self._state.vendors.stats(),
        }
