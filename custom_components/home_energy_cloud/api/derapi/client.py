"""Asynchronous client of the Derapi API (v2024-09-01, and the older URL-list lists).

Plain asyncio on an injected aiohttp session; no Home Assistant imports. Derapi's own Python SDK
is not used: it is built on httpx<0.28 and pins python-dateutil==2.8.0 (both clash with Home
Assistant's pins) and cannot share Home Assistant's aiohttp session.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
import json
import logging
import time
from typing import Any, Protocol
from urllib.parse import quote

import aiohttp

from .const import (
    API_VERSION,
    DEFAULT_CONCURRENCY,
    DEFAULT_PAGE_SIZE,
    DEFAULT_REQUEST_TIMEOUT,
    MAX_PAGES,
)
from .exceptions import (
    DerapiAuthError,
    DerapiConnectionError,
    DerapiError,
    DerapiProtocolError,
    DerapiTimeoutError,
    DerapiVendorAuthError,
    DerapiVendorError,
)
from .hosts import DerapiHosts
from .models import (
    BatteryControl,
    BatteryControlInterval,
    BatteryInterval,
    DerapiBattery,
    DerapiDetails,
    DerapiSite,
    DerapiSolarInverter,
    DerapiTopology,
    IntervalPage,
    ResourceList,
    ResourcePage,
    SiteTopology,
    SolarInterval,
    is_unauthorized_message,
    parse_battery,
    parse_battery_control,
    parse_battery_intervals,
    parse_resource_page,
    parse_site,
    parse_solar_intervals,
    parse_solar_inverter,
)
from .token import DerapiTokenManager
from .transport import error_for_status
from .vendor_auth import (
    CredentialsListener,
    VendorAuthProvider,
    VendorCredentials,
    create_provider,
)

_LOGGER = logging.getLogger(__name__)

type QueryValue = str | int | datetime


class _Page(Protocol):
    @property
    def next_page_token(self) -> str | None: ...


@dataclass(slots=True)
class DerapiStats:
    """What the client sent, for diagnostics and benchmarks."""

    requests: int = 0
    token_renewals_after_401: int = 0
    in_flight: int = 0
    max_in_flight: int = 0


def _query_value(value: QueryValue) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("Derapi needs timezone-aware date-times")
        return value.isoformat()
    return str(value)


class DerapiClient:
    """One Derapi account (client id/secret) and the vendor credentials sent with it."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        client_id: str,
        client_secret: str,
        hosts: DerapiHosts | None = None,
        vendor_credentials: Iterable[VendorCredentials] = (),
        on_credentials_changed: CredentialsListener | None = None,
        api_version: str | None = API_VERSION,
        page_size: int = DEFAULT_PAGE_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
        clock: Callable[[], float] = time.monotonic,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
    ) -> None:
        """Set up the client; nothing is sent until the first call.

        No `vendor_credentials` means "stored at Derapi": Derapi uses the vendor credentials it
        holds. `on_credentials_changed` gets a vendor's new credentials whenever a rotating
        refresh token (Tesla, Enphase) changes; persist them at once.
        """
        self._http = session
        self._client_id = client_id
        self.hosts = hosts or DerapiHosts()
        self._api = self.hosts.api_url.rstrip("/")
        self._api_version = api_version
        self._page_size = max(1, page_size)
        self._semaphore = asyncio.Semaphore(max(1, concurrency))
        self._timeout = request_timeout
        self.stats = DerapiStats()
        self.tokens = DerapiTokenManager(
            session,
            client_id=client_id,
            client_secret=client_secret,
            auth_url=self.hosts.auth_url,
            clock=clock,
            timeout=request_timeout,
        )
        self._providers: dict[str, VendorAuthProvider] = {}
        for credentials in vendor_credentials:
            provider = create_provider(
                credentials,
                http=session,
                hosts=self.hosts,
                clock=clock,
                timeout=request_timeout,
                on_credentials_changed=on_credentials_changed,
            )
            self._providers[provider.vendor] = provider

    def __repr__(self) -> str:
        """Client id and vendors only; never a secret."""
        return f"DerapiClient(client_id={self._client_id!r}, vendors={sorted(self._providers)})"

    @property
    def vendors(self) -> tuple[str, ...]:
        """Vendors whose credentials this client sends (empty: stored at Derapi)."""
        return tuple(self._providers)

    @property
    def vendor_credentials(self) -> dict[str, VendorCredentials]:
        """Each vendor's current credentials (rotated refresh tokens included)."""
        return {vendor: p.credentials for vendor, p in self._providers.items()}

    def provider(self, vendor: str) -> VendorAuthProvider:
        """The credential provider of one vendor."""
        return self._providers[vendor]

    # ------------------------------------------------------------------ account checks

    async def async_check_vendor(self, vendor: str) -> None:
        """Check one vendor's credentials with one site list filtered to that vendor.

        Raises DerapiVendorAuthError (the vendor or Derapi refused the credential) or
        DerapiVendorError (the vendor failed otherwise); returns when the vendor answered.
        """
        provider = self._providers.get(vendor)
        if provider is not None:
            await provider.async_headers()  # a refused token grant raises here, by name
        listed = await self.async_list_sites(vendor=vendor)
        message = listed.errors.get(vendor)
        if message is None:
            return
        if is_unauthorized_message(message):
            raise DerapiVendorAuthError(f"{vendor}: {message}", vendor=vendor)
        raise DerapiVendorError(f"{vendor}: {message}", vendor=vendor)

    # ------------------------------------------------------------------ lists

    async def async_list_sites(self, *, vendor: str | None = None) -> ResourceList:
        """Every site id (all pages) and the vendors that failed."""
        return await self._list("sites", {"vendor": vendor})

    async def async_list_solar_inverters(
        self, *, vendor: str | None = None, vendor_site_id: str | None = None
    ) -> ResourceList:
        """Every inverter id (all pages) and the vendors that failed."""
        return await self._list(
            "solar-inverters", {"vendor": vendor, "vendorSiteID": vendor_site_id}
        )

    async def async_list_batteries(
        self, *, vendor: str | None = None, vendor_site_id: str | None = None
    ) -> ResourceList:
        """Every battery id (all pages) and the vendors that failed."""
        return await self._list("batteries", {"vendor": vendor, "vendorSiteID": vendor_site_id})

    # ------------------------------------------------------------------ details

    async def async_get_site(self, site_id: str) -> DerapiSite:
        """GET /sites/{id}."""
        return parse_site(await self._get(f"/sites/{quote(site_id, safe='')}"))

    async def async_get_solar_inverter(self, inverter_id: str) -> DerapiSolarInverter:
        """GET /solar-inverters/{id}."""
        path = f"/solar-inverters/{quote(inverter_id, safe='')}"
        return parse_solar_inverter(await self._get(path))

    async def async_get_battery(self, battery_id: str) -> DerapiBattery:
        """GET /batteries/{id}."""
        return parse_battery(await self._get(f"/batteries/{quote(battery_id, safe='')}"))

    # ------------------------------------------------------------------ intervals

    async def async_get_site_solar_intervals(
        self, site_id: str, start: datetime, end: datetime, summary_level: str = "hour"
    ) -> tuple[SolarInterval, ...]:
        """A site's solar production per interval in [start, end) (all pages)."""
        path = f"/sites/{quote(site_id, safe='')}/solar-intervals"
        return await self._intervals(path, start, end, summary_level, parse_solar_intervals)

    async def async_get_site_battery_intervals(
        self, site_id: str, start: datetime, end: datetime, summary_level: str = "hour"
    ) -> tuple[BatteryInterval, ...]:
        """A site's battery charge/discharge per interval (all pages)."""
        path = f"/sites/{quote(site_id, safe='')}/battery-intervals"
        return await self._intervals(path, start, end, summary_level, parse_battery_intervals)

    async def async_get_solar_inverter_intervals(
        self, inverter_id: str, start: datetime, end: datetime, summary_level: str = "hour"
    ) -> tuple[SolarInterval, ...]:
        """One inverter's production per interval (all pages)."""
        path = f"/solar-inverters/{quote(inverter_id, safe='')}/intervals"
        return await self._intervals(path, start, end, summary_level, parse_solar_intervals)

    async def async_get_battery_intervals(
        self, battery_id: str, start: datetime, end: datetime, summary_level: str = "hour"
    ) -> tuple[BatteryInterval, ...]:
        """One battery's charge/discharge per interval (all pages)."""
        path = f"/batteries/{quote(battery_id, safe='')}/intervals"
        return await self._intervals(path, start, end, summary_level, parse_battery_intervals)

    # ------------------------------------------------------------------ battery control

    async def async_get_battery_control(self, site_id: str) -> BatteryControl:
        """GET /sites/{id}/battery-control: the site's current schedule."""
        path = f"/sites/{quote(site_id, safe='')}/battery-control"
        return parse_battery_control(await self._get(path))

    async def async_set_battery_control(
        self,
        site_id: str,
        intervals: Iterable[BatteryControlInterval],
        *,
        program_id: str | None = None,
    ) -> None:
        """PUT /sites/{id}/battery-control: replace the site's schedule."""
        path = f"/sites/{quote(site_id, safe='')}/battery-control"
        body = {"intervals": [interval.to_request() for interval in intervals]}
        await self._request("PUT", path, {"programID": program_id}, body)

    # ------------------------------------------------------------------ what a refresh needs

    async def async_get_topology(self) -> DerapiTopology:
        """Every site with its device ids: the site list pages plus one GET per site.

        A site whose detail fetch fails (other than for the account itself) is reported in
        `failed_sites`; a vendor that failed in the list is in `errors`.
        """
        listed = await self.async_list_sites()
        results = await self._gather_contained(listed.ids, self.async_get_site)
        sites: dict[str, SiteTopology] = {}
        failed: dict[str, DerapiError] = {}
        for site_id, result in zip(listed.ids, results, strict=True):
            if isinstance(result, DerapiError):
                failed[site_id] = result
            else:
                sites[site_id] = SiteTopology(result, result.solar_inverter_ids, result.battery_ids)
        return DerapiTopology(sites=sites, errors=listed.errors, failed_sites=failed)

    async def async_get_details(
        self, solar_inverter_ids: Iterable[str] = (), battery_ids: Iterable[str] = ()
    ) -> DerapiDetails:
        """One GET per device, at most `concurrency` at a time; failures are per device."""
        inverter_ids = tuple(dict.fromkeys(solar_inverter_ids))
        battery_list = tuple(dict.fromkeys(battery_ids))
        inverter_results, battery_results = await asyncio.gather(
            self._gather_contained(inverter_ids, self.async_get_solar_inverter),
            self._gather_contained(battery_list, self.async_get_battery),
        )
        inverters: dict[str, DerapiSolarInverter] = {}
        batteries: dict[str, DerapiBattery] = {}
        failures: dict[str, DerapiError] = {}
        for device_id, inverter in zip(inverter_ids, inverter_results, strict=True):
            if isinstance(inverter, DerapiError):
                failures[device_id] = inverter
            else:
                inverters[device_id] = inverter
        for device_id, battery in zip(battery_list, battery_results, strict=True):
            if isinstance(battery, DerapiError):
                failures[device_id] = battery
            else:
                batteries[device_id] = battery
        return DerapiDetails(solar_inverters=inverters, batteries=batteries, failures=failures)

    async def _gather_contained[T](
        self, ids: tuple[str, ...], fetch: Callable[[str], Awaitable[T]]
    ) -> list[T | DerapiError]:
        """Fetch each id concurrently (the semaphore bounds it); a DerapiError is kept per id.

        The account's own refusal (DerapiAuthError) is not per device: it is raised.
        """

        async def one(item_id: str) -> T | DerapiError:
            try:
                return await fetch(item_id)
            except DerapiAuthError:
                raise
            except DerapiError as err:
                return err

        return list(await asyncio.gather(*(one(item_id) for item_id in ids)))

    # ------------------------------------------------------------------ plumbing

    async def _list(self, collection: str, filters: Mapping[str, str | None]) -> ResourceList:
        ids: list[str] = []
        errors: dict[str, str] = {}

        async def fetch(page_token: str | None) -> ResourcePage:
            params: dict[str, QueryValue | None] = {**filters, "pageSize": self._page_size}
            params["pageToken"] = page_token
            body, vendor_errors = await self._request_with_vendor_errors(
                "GET", f"/{collection}", params
            )
            page = parse_resource_page(body, collection)
            for vendor, message in vendor_errors.items():
                page.errors.setdefault(vendor, message)
            return page

        async for page in self._pages(fetch, f"/{collection}"):
            ids.extend(page.ids)
            errors.update(page.errors)
        for vendor, message in errors.items():
            provider = self._providers.get(vendor)
            if provider is not None and is_unauthorized_message(message):
                # The vendor may have revoked the access token early: get a new one next time.
                provider.invalidate()
        return ResourceList(ids=tuple(dict.fromkeys(ids)), errors=errors)

    async def _intervals[IntervalT](
        self,
        path: str,
        start: datetime,
        end: datetime,
        summary_level: str,
        parse: Callable[[object], IntervalPage[IntervalT]],
    ) -> tuple[IntervalT, ...]:
        found: list[IntervalT] = []

        async def fetch(page_token: str | None) -> IntervalPage[IntervalT]:
            params: dict[str, QueryValue | None] = {
                "summaryLevel": summary_level,
                "start": start,
                "end": end,
                "pageSize": self._page_size,
                "pageToken": page_token,
            }
            return parse(await self._get(path, params))

        async for page in self._pages(fetch, path):
            found.extend(page.intervals)
        return tuple(found)

    async def _pages[PageT: _Page](
        self, fetch: Callable[[str | None], Awaitable[PageT]], what: str
    ) -> AsyncIterator[PageT]:
        """Yield every page; a server repeating a page token is a protocol error, not a loop."""
        seen: set[str] = set()
        token: str | None = None
        for _ in range(MAX_PAGES):
            page = await fetch(token)
            yield page
            token = page.next_page_token
            if token is None:
                return
            if token in seen:
                raise DerapiProtocolError(f"GET {what}: page token repeated; pagination aborted")
            seen.add(token)
        raise DerapiProtocolError(f"GET {what}: more than {MAX_PAGES} pages")

    async def _get(self, path: str, params: Mapping[str, QueryValue | None] | None = None) -> Any:
        body, _ = await self._request_with_vendor_errors("GET", path, params)
        return body

    async def _request(
        self,
        method: str,
        path: str,
        params: Mapping[str, QueryValue | None] | None = None,
        json_body: Any = None,
    ) -> Any:
        body, _ = await self._request_with_vendor_errors(method, path, params, json_body)
        return body

    async def _vendor_headers(self) -> tuple[dict[str, str], dict[str, str]]:
        """Every vendor's headers; a vendor whose token cannot be had is left out and reported.

        One vendor's dead refresh token must not take the others down: it is reported the way
        Derapi reports a vendor failure (`errors` map), with the "Unauthorized" cue when the
        vendor refused the credentials.
        """
        headers: dict[str, str] = {}
        errors: dict[str, str] = {}
        providers = list(self._providers.values())
        results = await asyncio.gather(
            *(p.async_headers() for p in providers), return_exceptions=True
        )
        for provider, result in zip(providers, results, strict=True):
            if isinstance(result, DerapiVendorAuthError):
                errors[provider.vendor] = f"Unauthorized: {result}"
            elif isinstance(result, DerapiError):
                errors[provider.vendor] = str(result)
            elif isinstance(result, BaseException):
                raise result
            else:
                headers.update(result)
        return headers, errors

    async def _request_with_vendor_errors(
        self,
        method: str,
        path: str,
        params: Mapping[str, QueryValue | None] | None = None,
        json_body: Any = None,
    ) -> tuple[Any, dict[str, str]]:
        """Send one API request (re-minting the Derapi token once on a 401)."""
        query = {k: _query_value(v) for k, v in (params or {}).items() if v is not None}
        vendor_headers, vendor_errors = await self._vendor_headers()
        token = await self.tokens.async_get_token()
        what = f"{method} {path}"
        status, text, retry_after = await self._send(
            method, path, query, json_body, token, vendor_headers
        )
        if status == 401:
            self.stats.token_renewals_after_401 += 1
            token = await self.tokens.async_renew_after_refusal(token)
            status, text, retry_after = await self._send(
                method, path, query, json_body, token, vendor_headers
            )
        if status >= 400:
            raise error_for_status(status, text, what=what, retry_after=retry_after)
        if not text.strip():
            return None, vendor_errors
        try:
            return json.loads(text), vendor_errors
        except ValueError:
            raise DerapiProtocolError(f"{what}: answer is not JSON") from None

    async def _send(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        json_body: Any,
        token: str,
        vendor_headers: Mapping[str, str],
    ) -> tuple[int, str, str | None]:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        if self._api_version:
            headers["api-version"] = self._api_version
        headers.update(vendor_headers)
        async with self._semaphore:
            self.stats.requests += 1
            self.stats.in_flight += 1
            self.stats.max_in_flight = max(self.stats.max_in_flight, self.stats.in_flight)
            try:
                async with self._http.request(
                    method,
                    self._api + path,
                    params=query,
                    json=json_body,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self._timeout),
                ) as response:
                    return (
                        response.status,
                        (await response.read()).decode("utf-8", errors="replace"),
                        response.headers.get("Retry-After"),
                    )
            except TimeoutError as err:
                raise DerapiTimeoutError(f"{method} {path}: Derapi timed out") from err
            except aiohttp.ClientError as err:
                raise DerapiConnectionError(
                    f"{method} {path}: Derapi unreachable ({type(err).__name__})"
                ) from err
            finally:
                self.stats.in_flight -= 1
