"""The Derapi fake: its hosts, and the Python API tests and benchmarks drive it with.

Hosts, each on its own origin as for real: ``api`` (api.derapi.com), ``auth``
(auth.derapi.com), ``sma_auth`` (auth.smaapis.de), ``enphase_auth`` (api.enphaseenergy.com's
token path) and ``tesla_auth`` (fleet-auth.prd.vn.cloud.tesla.com). Sandbox ("virtual")
credentials use the same hosts, as Derapi's do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from aiohttp import web

from ..clock import SimClock
from . import control, scenario
from .api import DerapiApi
from .auth import DerapiAuth
from .state import FAILURE_KINDS, DerapiState, InjectedProblem, IntervalRevision
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

    def revise_intervals(
        self, device_id: str, start: datetime, end: datetime, factor: float
    ) -> IntervalRevision:
        """The device's vendor corrects [start, end): its interval energy becomes `factor` x true.

        Factor 1 takes a correction back. Raises ValueError for an unknown device or bad window.
        """
        account = self._state.account
        if device_id not in account.inverters and device_id not in account.batteries:
            raise ValueError(f"no such inverter or battery: {device_id}")
        if start.tzinfo is None or end.tzinfo is None or end <= start:
            raise ValueError("start and end need a UTC offset, and end must be after start")
        if not 0.0 <= factor <= 100.0:
            raise ValueError("factor must be between 0 and 100")
        revision = IntervalRevision(device_id, start.timestamp(), end.timestamp(), float(factor))
        self._state.revise(revision)
        return revision

    def relocate_site(self, site_id: str, utc_offset: float, timezone: str) -> None:
        """Move a site to another zone (its curves follow local time there).

        Raises ValueError for an unknown site or an offset no zone has (quarter hours, -12..14).
        """
        site = self._state.account.sites.get(site_id)
        if site is None:
            raise ValueError(f"no such site: {site_id}")
        if not -12.0 <= utc_offset <= 14.0 or (utc_offset * 4) % 1:
            raise ValueError("utc_offset must be a multiple of 0.25 hours between -12 and 14")
        site.utc_offset = float(utc_offset)
        site.timezone = timezone

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
