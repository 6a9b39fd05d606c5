"""The Derapi API host: lists, details, intervals and battery control (notes §5-§8).

Every request needs a valid Derapi bearer (401 problem+json otherwise). An `api-version`
other than v2024-09-01 is refused (400); none at all gets the current version, as the SDK
relies on. Each vendor is asked only when the request may (see `DerapiState.vendor_access`):
a vendor not asked is absent from lists and its devices answer 403; a failing one is named in
a list's `errors` and its devices answer 403 (unauthorized), 502 or 504.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from aiohttp import web

from . import curves
from .problems import list_error_message, problem, vendor_failure
from .scenario import SimBattery, SimInverter, SimSite
from .state import SUPPORTED_API_VERSIONS, VENDOR_URLS, Access, DerapiState, EnergyOf
from .vendor_auth import bearer

SUMMARY_LEVELS: Final = ("15mins", "hour", "day", "month")
COMMANDS: Final = ("charge", "discharge", "idle")
PRIORITIES: Final = ("PV", "B", "Load", "Grid")
# Assumed mapping (the notes do not say how a schedule shows in `mode`): a battery told to
# charge or hold is keeping energy back ("Backup"), one told to discharge is trading ("Savings").
MODE_FOR_COMMAND: Final = {"charge": "Backup", "idle": "Backup", "discharge": "Savings"}

type Handler = Callable[[web.Request, str, dict[str, Access]], Any]


def iso(moment: float | datetime) -> str:
    """A date-time with an explicit offset, as Derapi writes them (UTC)."""
    if isinstance(moment, float | int):
        moment = datetime.fromtimestamp(moment, UTC)
    return moment.astimezone(UTC).isoformat()


class BadRequest(Exception):
    """A query or body Derapi refuses with 400."""


def _encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _decode_token(token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
        kind, _, number = text.partition(":")
        offset = int(number)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadRequest("invalid pageToken") from None
    if kind != "offset" or offset < 0:
        raise BadRequest("invalid pageToken")
    return offset


def _parse_time(request: web.Request, key: str) -> datetime:
    raw = request.query.get(key)
    if raw is None:
        raise BadRequest(f"`{key}` is required")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"`{key}` is not an ISO-8601 date-time: {raw!r}") from None
    if moment.tzinfo is None:
        raise BadRequest(f"`{key}` needs a UTC offset")
    return moment


class DerapiApi:
    """Handlers of the API host."""

    def __init__(self, state_of: Callable[[], DerapiState]) -> None:
        """`state_of` returns the current state (a reset replaces it)."""
        self._state_of = state_of
        self.api_url = ""

    def setup(self, app: web.Application) -> None:
        """Register every route."""
        get = app.router.add_get
        get("/sites", self._wrap(self._list_sites))
        get("/sites/{id}", self._wrap(self._get_site))
        get("/sites/{id}/solar-intervals", self._wrap(self._site_solar_intervals))
        get("/sites/{id}/battery-intervals", self._wrap(self._site_battery_intervals))
        get("/sites/{id}/battery-control", self._wrap(self._get_battery_control))
        app.router.add_put("/sites/{id}/battery-control", self._wrap(self._put_battery_control))
        get("/solar-inverters", self._wrap(self._list_inverters))
        get("/solar-inverters/{id}", self._wrap(self._get_inverter))
        get("/solar-inverters/{id}/intervals", self._wrap(self._inverter_intervals))
        get("/batteries", self._wrap(self._list_batteries))
        get("/batteries/{id}", self._wrap(self._get_battery))
        get("/batteries/{id}/intervals", self._wrap(self._battery_intervals))

    @property
    def state(self) -> DerapiState:
        """The current state."""
        return self._state_of()

    def _wrap(self, handler: Handler) -> Callable[[web.Request], Any]:
        async def handle(request: web.Request) -> web.StreamResponse:
            state = self.state
            state.requests.append((request.method, request.path_qs))
            client_id = state.tokens.subject(bearer(request.headers.get("Authorization")))
            if client_id is None:
                return problem(401, "Unauthorized", "missing, invalid or expired access token")
            version = request.headers.get("api-version")
            if (
                state.settings.generation == "current"
                and version is not None
                and version not in SUPPORTED_API_VERSIONS
            ):
                return problem(400, "Bad Request", f"unsupported api-version {version!r}")
            if state.problems:
                injected = state.problems[0]
                injected.count -= 1
                if injected.count <= 0:
                    state.problems.pop(0)
                headers = {"Retry-After": injected.retry_after} if injected.retry_after else None
                return problem(injected.status, _title(injected.status), headers=headers)
            access = state.vendor_access(client_id, request.headers)
            try:
                result = await handler(request, client_id, access)
            except BadRequest as err:
                return problem(400, "Bad Request", str(err))
            if isinstance(result, web.StreamResponse):
                return result
            return web.json_response(result)

        return handle

    # -- lists -------------------------------------------------------------------------------

    def _page(
        self, request: web.Request, items: list[Any], render: Callable[[Any], Any]
    ) -> tuple[list[Any], str | None]:
        raw_size = request.query.get("pageSize", "50")
        try:
            size = int(raw_size)
        except ValueError:
            raise BadRequest("pageSize must be a whole number") from None
        if not 1 <= size <= 1000:
            raise BadRequest("pageSize must be between 1 and 1000")
        size = min(size, self.state.settings.max_page_size)
        token = request.query.get("pageToken")
        offset = _decode_token(token) if token else 0
        chunk = [render(item) for item in items[offset : offset + size]]
        if offset + size >= len(items):
            return chunk, None
        next_offset = size if self.state.settings.repeat_page_token else offset + size
        return chunk, _encode_token(next_offset)

    def _list(
        self,
        request: web.Request,
        access: dict[str, Access],
        collection: str,
        legacy_key: str,
        items: list[Any],
    ) -> dict[str, Any]:
        vendor_filter = request.query.get("vendor")
        visible = [
            item
            for item in items
            if access.get(item.vendor) == "ok" and vendor_filter in (None, item.vendor)
        ]
        vendor_id = request.query.get("vendorID")
        if vendor_id is not None:
            visible = [item for item in visible if _vendor_id(item) == vendor_id]
        vendor_site_id = request.query.get("vendorSiteID")
        if vendor_site_id is not None:
            sites = self.state.account.sites
            visible = [item for item in visible if sites[item.site_id].vendor_id == vendor_site_id]
        errors = {
            vendor: list_error_message(kind, vendor, VENDOR_URLS.get(vendor, ""))
            for vendor, kind in access.items()
            if kind != "ok" and vendor_filter in (None, vendor)
        }
        if self.state.settings.generation == "legacy":
            base = f"{self.api_url}/{legacy_key}/"
            page, next_token = self._page(request, visible, lambda item: base + item.id)
            body: dict[str, Any] = {legacy_key: page, "errors": errors}
        else:
            page, next_token = self._page(request, visible, lambda item: {"id": item.id})
            body = {collection: page, "errors": errors}
        if next_token is not None:
            body["nextPageToken"] = next_token
        return body

    async def _list_sites(
        self, request: web.Request, client_id: str, access: dict[str, Access]
    ) -> Any:
        sites = sorted(self.state.account.sites.values(), key=lambda s: s.id)
        return self._list(request, access, "sites", "sites", sites)

    async def _list_inverters(
        self, request: web.Request, client_id: str, access: dict[str, Access]
    ) -> Any:
        items = sorted(self.state.account.inverters.values(), key=lambda d: d.id)
        return self._list(request, access, "solarInverters", "solar-inverters", items)

    async def _list_batteries(
        self, request: web.Request, client_id: str, access: dict[str, Access]
    ) -> Any:
        items = sorted(self.state.account.batteries.values(), key=lambda d: d.id)
        return self._list(request, access, "batteries", "batteries", items)

    # -- details -----------------------------------------------------------------------------

    def _lookup[T: (SimSite, SimInverter, SimBattery)](
        self, items: dict[str, T], item_id: str, access: dict[str, Access]
    ) -> T | web.Response:
        item = items.get(item_id)
        if item is None:
            return problem(404, "Not Found", f"no such resource: {item_id}")
        kind = access.get(item.vendor)
        if kind != "ok":
            return vendor_failure(kind or "unauthorized", item.vendor)
        return item

    def _site_devices(
        self, site: SimSite, access: dict[str, Access]
    ) -> tuple[list[SimInverter], list[SimBattery]]:
        account = self.state.account
        inverters = [
            i
            for i in account.inverters.values()
            if i.site_id == site.id and access.get(i.vendor) == "ok"
        ]
        batteries = [
            b
            for b in account.batteries.values()
            if b.site_id == site.id and access.get(b.vendor) == "ok"
        ]
        return sorted(inverters, key=lambda d: d.id), sorted(batteries, key=lambda d: d.id)

    async def _get_site(
        self, request: web.Request, client_id: str, access: dict[str, Access]
    ) -> Any:
        site = self._lookup(self.state.account.sites, request.match_info["id"], access)
        if isinstance(site, web.Response):
            return site
        inverters, batteries = self._site_devices(site, access)
        body: dict[str, Any] = {
            "id": site.id,
            "vendor": site.vendor,
            "vendorID": site.vendor_id,
            "name": site.name,
            "locationUTCOffset": site.utc_offset,
            "location": {
                "currentUTCOffset": site.utc_offset,
                "lat": site.lat,
                "lon": site.lon,
                "timezone": site.timezone,
            },
            "operationalSince": site.operational_since,
            "batteries": [{"id": b.id} for b in batteries],
            "solarInverters": [{"id": i.id} for i in inverters],
        }
        if batteries:
            now = self.state.clock.time()
            body["bess"] = {
                "nameplateKwh": sum(b.nameplate_kwh for b in batteries),
                "mode": self._mode(batteries[0]),
                "stateOfChargePercent": round(curves.state_of_charge(now, site.utc_offset), 1),
            }
        return body

    async def _get_inverter(
        self, request: web.Request, client_id: str, access: dict[str, Access]
    ) -> Any:
        inverter = self._lookup(self.state.account.inverters, request.match_info["id"], access)
        if isinstance(inverter, web.Response):
            return inverter
        site = self.state.account.sites[inverter.site_id]
        now = self.state.clock.time()
        offset = site.utc_offset
        commissioned = datetime.fromisoformat(site.operational_since).timestamp()
        local_midnight = _local_midnight(now, offset)
        total = curves.solar_energy_until
        body: dict[str, Any] = {
            "id": inverter.id,
            "vendor": inverter.vendor,
            "vendorID": _vendor_id(inverter),
            "reportedAt": iso(now),
            "model": inverter.model,
            "serialNumber": inverter.serial,
            "siteID": inverter.site_id,
            "recentProduction": {
                "kwh": round(
                    total(now, inverter.peak_kw, offset)
                    - total(local_midnight.timestamp(), inverter.peak_kw, offset),
                    3,
                ),
                "start": local_midnight.isoformat(),
            },
            "lifetimeProduction": {
                "kwh": round(
                    total(now, inverter.peak_kw, offset)
                    - total(commissioned, inverter.peak_kw, offset),
                    3,
                ),
                "start": None,
            },
            "recentErrors": [*inverter.errors, {"start": iso(now - 86_400.0)}],
        }
        if inverter.name is not None:
            body["name"] = inverter.name
        return body

    async def _get_battery(
        self, request: web.Request, client_id: str, access: dict[str, Access]
    ) -> Any:
        battery = self._lookup(self.state.account.batteries, request.match_info["id"], access)
        if isinstance(battery, web.Response):
            return battery
        site = self.state.account.sites[battery.site_id]
        now = self.state.clock.time()
        body: dict[str, Any] = {
            "id": battery.id,
            "vendor": battery.vendor,
            "vendorID": _vendor_id(battery),
            "reportedAt": iso(now),
            "model": battery.model,
            "serialNumber": battery.serial,
            "siteID": battery.site_id,
            "nameplateKwh": battery.nameplate_kwh,
            "mode": self._mode(battery),
            "stateOfChargePercent": round(curves.state_of_charge(now, site.utc_offset), 1),
            "recentErrors": [*battery.errors, {"start": iso(now - 86_400.0)}],
        }
        if battery.name is not None:
            body["name"] = battery.name
        return body

    def _mode(self, battery: SimBattery) -> str:
        now = self.state.clock.time()
        for interval in self.state.battery_controls.get(battery.site_id, []):
            start = datetime.fromisoformat(interval["start"]).timestamp()
            end = datetime.fromisoformat(interval["end"]).timestamp()
            if start <= now < end:
                return MODE_FOR_COMMAND[interval["command"]]
        return battery.default_mode

    # -- intervals ---------------------------------------------------------------------------

    def _windows(self, request: web.Request, offset: float) -> tuple[str, list[Any]]:
        level = request.query.get("summaryLevel", "hour")
        if level not in SUMMARY_LEVELS:
            raise BadRequest(f"summaryLevel must be one of {', '.join(SUMMARY_LEVELS)}")
        start, end = _parse_time(request, "start"), _parse_time(request, "end")
        if end <= start:
            raise BadRequest("`end` must be after `start`")
        # An interval is served once it is closed and its vendor's data has reached Derapi.
        published = self.state.clock.time() - self.state.settings.interval_lag
        return level, curves.interval_windows(start, end, level, offset, published)

    def _interval_body(
        self,
        request: web.Request,
        resource_id: str,
        offset: float,
        render: Callable[[tuple[datetime, datetime]], dict[str, Any]],
    ) -> dict[str, Any]:
        level, windows = self._windows(request, offset)
        page, next_token = self._page(request, windows, render)
        body: dict[str, Any] = {"id": resource_id, "summaryLevel": level, "intervals": page}
        if next_token is not None:
            body["nextPageToken"] = next_token
        return body

    def _solar(self, inverters: list[SimInverter], offset: float) -> Callable[..., dict[str, Any]]:
        revised = self.state.revised

        def render(window: tuple[datetime, datetime]) -> dict[str, Any]:
            t0, t1 = window[0].timestamp(), window[1].timestamp()
            kwh = sum(revised(i.id, t0, t1, _produced(i.peak_kw, offset)) for i in inverters)
            return {"kwh": round(kwh, 4), "start": iso(window[0]), "end": iso(window[1])}

        return render

    def _battery(self, batteries: list[SimBattery], offset: float) -> Callable[..., dict[str, Any]]:
        revised = self.state.revised

        def render(window: tuple[datetime, datetime]) -> dict[str, Any]:
            t0, t1 = window[0].timestamp(), window[1].timestamp()
            charge = sum(
                revised(b.id, t0, t1, _stored(b.nameplate_kwh, offset, CHARGED)) for b in batteries
            )
            discharge = sum(
                revised(b.id, t0, t1, _stored(b.nameplate_kwh, offset, DISCHARGED))
                for b in batteries
            )
            body: dict[str, Any] = {
                "chargeKwh": round(charge, 4),
                "dischargeKwh": round(discharge, 4),
                "start": iso(window[0]),
                "end": iso(window[1]),
            }
            if batteries:
                middle = (t0 + t1) / 2
                body["stateOfChargePercent"] = round(curves.state_of_charge(middle, offset), 1)
            return body

        return render

    async def _inverter_intervals(
        self, request: web.Request, client_id: str, access: dict[str, Access]
    ) -> Any:
        inverter = self._lookup(self.state.account.inverters, request.match_info["id"], access)
        if isinstance(inverter, web.Response):
            return inverter
        offset = self.state.account.sites[inverter.site_id].utc_offset
        return self._interval_body(request, inverter.id, offset, self._solar([inverter], offset))

    async def _battery_intervals(
        self, request: web.Request, client_id: str, access: dict[str, Access]
    ) -> Any:
        battery = self._lookup(self.state.account.batteries, request.match_info["id"], access)
        if isinstance(battery, web.Response):
            return battery
        offset = self.state.account.sites[battery.site_id].utc_offset
        return self._interval_body(request, battery.id, offset, self._battery([battery], offset))

    async def _site_solar_intervals(
        self, request: web.Request, client_id: str, access: dict[str, Access]
    ) -> Any:
        site = self._lookup(self.state.account.sites, request.match_info["id"], access)
        if isinstance(site, web.Response):
            return site
        inverters, _ = self._site_devices(site, access)
        offset = site.utc_offset
        return self._interval_body(request, site.id, offset, self._solar(inverters, offset))

    async def _site_battery_intervals(
        self, request: web.Request, client_id: str, access: dict[str, Access]
    ) -> Any:
        site = self._lookup(self.state.account.sites, request.match_info["id"], access)
        if isinstance(site, web.Response):
            return site
        _, batteries = self._site_devices(site, access)
        offset = site.utc_offset
        return self._interval_body(request, site.id, offset, self._battery(batteries, offset))

    # -- battery control ---------------------------------------------------------------------

    def _control_site(
        self, request: web.Request, access: dict[str, Access]
    ) -> SimSite | web.Response:
        site = self._lookup(self.state.account.sites, request.match_info["id"], access)
        if isinstance(site, web.Response):
            return site
        batteries = [b for b in self.state.account.batteries.values() if b.site_id == site.id]
        if not batteries:
            return problem(404, "Not Found", f"site {site.id} has no battery to control")
        for battery in batteries:
            kind = access.get(battery.vendor)
            if kind != "ok":
                return vendor_failure(kind or "unauthorized", battery.vendor)
        return site

    def _control_body(self, site: SimSite) -> dict[str, Any]:
        now = self.state.clock.time()
        intervals = []
        for interval in self.state.battery_controls.get(site.id, []):
            start = datetime.fromisoformat(interval["start"]).timestamp()
            end = datetime.fromisoformat(interval["end"]).timestamp()
            status = "scheduled" if now < start else "active" if now < end else "completed"
            intervals.append({**interval, "status": status, "reportedAt": iso(now)})
        return {"id": site.id, "intervals": intervals}

    async def _get_battery_control(
        self, request: web.Request, client_id: str, access: dict[str, Access]
    ) -> Any:
        site = self._control_site(request, access)
        if isinstance(site, web.Response):
            return site
        return self._control_body(site)

    async def _put_battery_control(
        self, request: web.Request, client_id: str, access: dict[str, Access]
    ) -> Any:
        site = self._control_site(request, access)
        if isinstance(site, web.Response):
            return site
        try:
            body = await request.json()
        except ValueError:
            raise BadRequest("body is not JSON") from None
        if not isinstance(body, dict) or not isinstance(body.get("intervals"), list):
            raise BadRequest("body must be {'intervals': [...]}")
        self.state.battery_controls[site.id] = [_control_interval(i) for i in body["intervals"]]
        return self._control_body(site)


def _control_interval(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise BadRequest("each interval must be an object")
    if raw.get("command") not in COMMANDS:
        raise BadRequest(f"command must be one of {', '.join(COMMANDS)}")
    times = {}
    for key in ("start", "end"):
        value = raw.get(key)
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise BadRequest(f"`{key}` must be a date-time with a UTC offset")
        times[key] = moment
    if times["end"] <= times["start"]:
        raise BadRequest("`end` must be after `start`")
    interval: dict[str, Any] = {
        "command": raw["command"],
        "start": iso(times["start"]),
        "end": iso(times["end"]),
    }
    for key in ("kw", "stateOfChargeLimitPercent"):
        if raw.get(key) is not None:
            value = raw[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise BadRequest(f"`{key}` must be a number >= 0")
            interval[key] = value
    if raw.get("priority") is not None:
        if raw["priority"] not in PRIORITIES:
            raise BadRequest(f"priority must be one of {', '.join(PRIORITIES)}")
        interval["priority"] = raw["priority"]
    if raw.get("allowExport") is not None:
        if not isinstance(raw["allowExport"], bool):
            raise BadRequest("allowExport must be a boolean")
        interval["allowExport"] = raw["allowExport"]
    return interval


CHARGED: Final = 0
DISCHARGED: Final = 1


def _produced(peak_kw: float, offset: float) -> EnergyOf:
    """An inverter's production between two times."""

    def energy(t0: float, t1: float) -> float:
        return curves.solar_energy_until(t1, peak_kw, offset) - curves.solar_energy_until(
            t0, peak_kw, offset
        )

    return energy


def _stored(nameplate_kwh: float, offset: float, side: int) -> EnergyOf:
    """A battery's energy in (CHARGED) or out (DISCHARGED) between two times."""

    def energy(t0: float, t1: float) -> float:
        return (
            curves.battery_energy_until(t1, nameplate_kwh, offset)[side]
            - curves.battery_energy_until(t0, nameplate_kwh, offset)[side]
        )

    return energy


def _vendor_id(item: SimInverter | SimBattery | SimSite) -> str:
    """The vendor's own id: digits derived from ours (vendors number their devices)."""
    if isinstance(item, SimSite):
        return item.vendor_id
    return str(sum(ord(c) * (i + 1) for i, c in enumerate(item.id)))


def _local_midnight(now: float, utc_offset: float) -> datetime:
    zone = curves.timezone_of(utc_offset)
    local = datetime.fromtimestamp(now, zone)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def _title(status: int) -> str:
    return {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        429: "Too Many Requests",
        500: "Internal Server Error",
        502: "Bad Gateway",
        504: "Gateway Timeout",
    }.get(status, "Error")


__all__ = ["DerapiApi", "iso"]
