"""Typed Derapi objects and their parsers (protocol notes §6, §7, §8).

Parsers accept both list generations: v2024-09-01 objects (``{"sites": [{"id": …}]}``) and the
older URL lists of the seed doc (``{"solar-inverters": ["https://…/solar-inverters/solr-…"]}``).
Unknown keys are ignored and vendor or mode strings outside today's enums are kept as they are
(newer vendors appear over time); anything structurally wrong raises DerapiProtocolError.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from .const import UNAUTHORIZED_PREFIX
from .exceptions import DerapiError, DerapiProtocolError
from .parsing import (
    as_list,
    as_object,
    id_list,
    opt_bool,
    opt_datetime,
    opt_num,
    opt_str,
    req_datetime,
    req_num,
    req_str,
)

# (v2024-09-01 key, older key) of each list endpoint's collection.
COLLECTION_KEYS: Mapping[str, tuple[str, str]] = {
    "sites": ("sites", "sites"),
    "solar-inverters": ("solarInverters", "solar-inverters"),
    "batteries": ("batteries", "batteries"),
}


def is_unauthorized_message(message: str) -> bool:
    """Whether a list's `errors` message says the vendor credential needs re-authorising."""
    return message.strip().casefold().startswith(UNAUTHORIZED_PREFIX)


@dataclass(frozen=True, slots=True)
class DerapiProblem:
    """An RFC 7807 problem+json body (notes §8.2)."""

    type: str
    title: str
    status: int | None = None
    detail: str | None = None


def parse_problem(body: object) -> DerapiProblem:
    """Parse a problem+json body."""
    data = as_object(body, "problem")
    status = data.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        raise DerapiProtocolError("problem: `status` must be an integer")
    return DerapiProblem(
        type=opt_str(data, "type", "problem") or "about:blank",
        title=req_str(data, "title", "problem"),
        status=status,
        detail=opt_str(data, "detail", "problem"),
    )


@dataclass(frozen=True, slots=True)
class ResourcePage:
    """One page of a list endpoint: ids, per-vendor failures and the next page's token."""

    ids: tuple[str, ...]
    errors: dict[str, str]
    next_page_token: str | None


def _id_from_url(url: str, what: str) -> str:
    """The resource id at the end of an older-generation resource URL."""
    path = urlsplit(url).path.rstrip("/")
    resource_id = unquote(path.rsplit("/", 1)[-1]) if path else ""
    if not resource_id:
        raise DerapiProtocolError(f"{what}: no resource id in URL")
    return resource_id


def parse_errors(data: Mapping[str, Any], what: str) -> dict[str, str]:
    """A list's `errors` map (vendor -> message); absent is no errors."""
    raw = data.get("errors")
    if raw is None:
        return {}
    errors = as_object(raw, f"{what}.errors")
    parsed: dict[str, str] = {}
    for vendor, message in errors.items():
        if not isinstance(message, str):
            raise DerapiProtocolError(f"{what}.errors: messages must be strings")
        parsed[str(vendor)] = message
    return parsed


def parse_next_page_token(data: Mapping[str, Any], what: str) -> str | None:
    """`nextPageToken`: absent, null or empty all mean "last page"."""
    return opt_str(data, "nextPageToken", what) or None


def parse_resource_page(body: object, collection: str) -> ResourcePage:
    """Parse a list response of `collection` ("sites", "solar-inverters" or "batteries")."""
    what = f"list of {collection}"
    data = as_object(body, what)
    current_key, older_key = COLLECTION_KEYS[collection]
    key = current_key if current_key in data else older_key
    if key not in data:
        raise DerapiProtocolError(f"{what}: neither `{current_key}` nor `{older_key}` present")
    ids: list[str] = []
    for item in as_list(data[key], f"{what}.{key}"):
        if isinstance(item, str):
            ids.append(_id_from_url(item, f"{what}.{key}[]"))
        else:
            ids.append(req_str(as_object(item, f"{what}.{key}[]"), "id", f"{what}.{key}[]"))
    return ResourcePage(
        ids=tuple(ids),
        errors=parse_errors(data, what),
        next_page_token=parse_next_page_token(data, what),
    )


@dataclass(frozen=True, slots=True)
class SiteLocation:
    """Where a site is; `lat`/`lon` are personal data (redact in diagnostics)."""

    current_utc_offset: float | None
    lat: float | None
    lon: float | None
    timezone: str | None


@dataclass(frozen=True, slots=True)
class SiteBess:
    """The site's battery system as a whole (only on sites with storage)."""

    nameplate_kwh: float | None
    mode: str | None
    state_of_charge_percent: float | None


@dataclass(frozen=True, slots=True)
class DerapiSite:
    """GET /sites/{id} (notes §6.1)."""

    id: str
    vendor: str
    name: str
    vendor_id: str | None
    location_utc_offset: float | None
    location: SiteLocation | None
    operational_since: datetime | None
    solar_inverter_ids: tuple[str, ...]
    battery_ids: tuple[str, ...]
    bess: SiteBess | None


def parse_site(body: object) -> DerapiSite:
    """Parse a site object."""
    what = "site"
    data = as_object(body, what)
    location: SiteLocation | None = None
    if data.get("location") is not None:
        loc = as_object(data["location"], "site.location")
        location = SiteLocation(
            current_utc_offset=opt_num(loc, "currentUTCOffset", "site.location"),
            lat=opt_num(loc, "lat", "site.location"),
            lon=opt_num(loc, "lon", "site.location"),
            timezone=opt_str(loc, "timezone", "site.location"),
        )
    bess: SiteBess | None = None
    if data.get("bess") is not None:
        raw_bess = as_object(data["bess"], "site.bess")
        bess = SiteBess(
            nameplate_kwh=opt_num(raw_bess, "nameplateKwh", "site.bess"),
            mode=opt_str(raw_bess, "mode", "site.bess"),
            state_of_charge_percent=opt_num(raw_bess, "stateOfChargePercent", "site.bess"),
        )
    return DerapiSite(
        id=req_str(data, "id", what),
        vendor=req_str(data, "vendor", what),
        name=opt_str(data, "name", what) or "",
        vendor_id=opt_str(data, "vendorID", what),
        location_utc_offset=opt_num(data, "locationUTCOffset", what),
        location=location,
        operational_since=opt_datetime(data, "operationalSince", what),
        solar_inverter_ids=id_list(data, "solarInverters", what),
        battery_ids=id_list(data, "batteries", what),
        bess=bess,
    )


@dataclass(frozen=True, slots=True)
class Production:
    """Energy produced since `start` (None: since the device was commissioned)."""

    kwh: float
    start: datetime | None


@dataclass(frozen=True, slots=True)
class RecentErrors:
    """A device's recent log (notes §6.5): messages by severity and the window's start."""

    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    infos: tuple[str, ...] = ()
    start: datetime | None = None

    @property
    def has_error(self) -> bool:
        """Whether the window holds at least one error (the problem binary sensor)."""
        return bool(self.errors)


def parse_recent_errors(value: object, what: str) -> RecentErrors:
    """Parse `recentErrors`: single-key objects `error`, `warning`, `info` or `start`."""
    if value is None:
        return RecentErrors()
    found: dict[str, list[str]] = {"error": [], "warning": [], "info": []}
    start: datetime | None = None
    for item in as_list(value, f"{what}.recentErrors"):
        entry = as_object(item, f"{what}.recentErrors[]")
        for key, message in entry.items():
            if key == "start":
                start = req_datetime(entry, key, f"{what}.recentErrors[]")
            elif key in found:
                if not isinstance(message, str):
                    raise DerapiProtocolError(f"{what}.recentErrors[].{key} must be a string")
                found[key].append(message)
    return RecentErrors(
        errors=tuple(found["error"]),
        warnings=tuple(found["warning"]),
        infos=tuple(found["info"]),
        start=start,
    )


def _production(data: Mapping[str, Any], key: str, what: str) -> Production | None:
    if data.get(key) is None:
        return None
    raw = as_object(data[key], f"{what}.{key}")
    return Production(
        kwh=req_num(raw, "kwh", f"{what}.{key}"),
        start=opt_datetime(raw, "start", f"{what}.{key}"),
    )


@dataclass(frozen=True, slots=True)
class DerapiSolarInverter:
    """GET /solar-inverters/{id} (notes §6.4)."""

    id: str
    vendor: str
    site_id: str
    model: str
    serial_number: str
    reported_at: datetime
    name: str | None
    vendor_id: str | None
    recent_production: Production | None
    lifetime_production: Production | None
    recent_errors: RecentErrors


def parse_solar_inverter(body: object) -> DerapiSolarInverter:
    """Parse a solar inverter object."""
    what = "solar inverter"
    data = as_object(body, what)
    return DerapiSolarInverter(
        id=req_str(data, "id", what),
        vendor=req_str(data, "vendor", what),
        site_id=req_str(data, "siteID", what),
        model=opt_str(data, "model", what) or "",
        serial_number=opt_str(data, "serialNumber", what) or "",
        reported_at=req_datetime(data, "reportedAt", what),
        name=opt_str(data, "name", what),
        vendor_id=opt_str(data, "vendorID", what),
        recent_production=_production(data, "recentProduction", what),
        lifetime_production=_production(data, "lifetimeProduction", what),
        recent_errors=parse_recent_errors(data.get("recentErrors"), what),
    )


@dataclass(frozen=True, slots=True)
class DerapiBattery:
    """GET /batteries/{id} (notes §6.3)."""

    id: str
    vendor: str
    site_id: str
    model: str
    serial_number: str
    reported_at: datetime
    name: str | None
    vendor_id: str | None
    nameplate_kwh: float | None
    mode: str | None
    state_of_charge_percent: float | None
    recent_errors: RecentErrors


def parse_battery(body: object) -> DerapiBattery:
    """Parse a battery object."""
    what = "battery"
    data = as_object(body, what)
    return DerapiBattery(
        id=req_str(data, "id", what),
        vendor=req_str(data, "vendor", what),
        site_id=req_str(data, "siteID", what),
        model=opt_str(data, "model", what) or "",
        serial_number=opt_str(data, "serialNumber", what) or "",
        reported_at=req_datetime(data, "reportedAt", what),
        name=opt_str(data, "name", what),
        vendor_id=opt_str(data, "vendorID", what),
        nameplate_kwh=opt_num(data, "nameplateKwh", what),
        mode=opt_str(data, "mode", what),
        state_of_charge_percent=opt_num(data, "stateOfChargePercent", what),
        recent_errors=parse_recent_errors(data.get("recentErrors"), what),
    )


@dataclass(frozen=True, slots=True)
class SolarInterval:
    """Energy produced in [start, end)."""

    start: datetime
    end: datetime
    kwh: float


@dataclass(frozen=True, slots=True)
class BatteryInterval:
    """Energy into (`charge_kwh`) and out of (`discharge_kwh`) storage in [start, end)."""

    start: datetime
    end: datetime
    charge_kwh: float
    discharge_kwh: float
    state_of_charge_percent: float | None


@dataclass(frozen=True, slots=True)
class IntervalPage[IntervalT]:
    """One page of an interval endpoint."""

    id: str
    summary_level: str
    intervals: tuple[IntervalT, ...]
    next_page_token: str | None


def _interval_envelope(body: object, what: str) -> tuple[Mapping[str, Any], list[Any]]:
    data = as_object(body, what)
    return data, as_list(data.get("intervals"), f"{what}.intervals")


def _checked_window(item: Mapping[str, Any], what: str) -> tuple[datetime, datetime]:
    start = req_datetime(item, "start", what)
    end = req_datetime(item, "end", what)
    if end < start:
        raise DerapiProtocolError(f"{what}: `end` is before `start`")
    return start, end


def parse_solar_intervals(body: object) -> IntervalPage[SolarInterval]:
    """Parse a solar interval page (site or inverter)."""
    what = "solar intervals"
    data, raw = _interval_envelope(body, what)
    intervals = []
    for item in raw:
        entry = as_object(item, f"{what}[]")
        start, end = _checked_window(entry, f"{what}[]")
        intervals.append(SolarInterval(start, end, req_num(entry, "kwh", f"{what}[]")))
    return IntervalPage(
        id=req_str(data, "id", what),
        summary_level=req_str(data, "summaryLevel", what),
        intervals=tuple(intervals),
        next_page_token=parse_next_page_token(data, what),
    )


def parse_battery_intervals(body: object) -> IntervalPage[BatteryInterval]:
    """Parse a battery interval page (site or battery)."""
    what = "battery intervals"
    data, raw = _interval_envelope(body, what)
    intervals = []
    for item in raw:
        entry = as_object(item, f"{what}[]")
        start, end = _checked_window(entry, f"{what}[]")
        intervals.append(
            BatteryInterval(
                start,
                end,
                charge_kwh=req_num(entry, "chargeKwh", f"{what}[]"),
                discharge_kwh=req_num(entry, "dischargeKwh", f"{what}[]"),
                state_of_charge_percent=opt_num(entry, "stateOfChargePercent", f"{what}[]"),
            )
        )
    return IntervalPage(
        id=req_str(data, "id", what),
        summary_level=req_str(data, "summaryLevel", what),
        intervals=tuple(intervals),
        next_page_token=parse_next_page_token(data, what),
    )


@dataclass(frozen=True, slots=True)
class BatteryControlInterval:
    """One interval of a site's battery-control schedule (notes §5.2).

    `status` and `reported_at` are only in what Derapi reports back, never in what is sent.
    """

    command: str
    start: datetime
    end: datetime
    kw: float | None = None
    state_of_charge_limit_percent: float | None = None
    priority: str | None = None
    allow_export: bool | None = None
    status: str | None = None
    reported_at: datetime | None = None

    def to_request(self) -> dict[str, Any]:
        """The interval as PUT /sites/{id}/battery-control takes it."""
        body: dict[str, Any] = {
            "command": self.command,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }
        optional = {
            "kw": self.kw,
            "stateOfChargeLimitPercent": self.state_of_charge_limit_percent,
            "priority": self.priority,
            "allowExport": self.allow_export,
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        return body


@dataclass(frozen=True, slots=True)
class BatteryControl:
    """GET /sites/{id}/battery-control."""

    site_id: str
    intervals: tuple[BatteryControlInterval, ...]


def parse_battery_control(body: object) -> BatteryControl:
    """Parse a site's battery-control schedule."""
    what = "battery control"
    data = as_object(body, what)
    intervals = []
    for item in as_list(data.get("intervals"), f"{what}.intervals"):
        entry = as_object(item, f"{what}[]")
        start, end = _checked_window(entry, f"{what}[]")
        intervals.append(
            BatteryControlInterval(
                command=req_str(entry, "command", f"{what}[]"),
                start=start,
                end=end,
                kw=opt_num(entry, "kw", f"{what}[]"),
                state_of_charge_limit_percent=opt_num(
                    entry, "stateOfChargeLimitPercent", f"{what}[]"
                ),
                priority=opt_str(entry, "priority", f"{what}[]"),
                allow_export=opt_bool(entry, "allowExport", f"{what}[]"),
                status=opt_str(entry, "status", f"{what}[]"),
                reported_at=opt_datetime(entry, "reportedAt", f"{what}[]"),
            )
        )
    return BatteryControl(site_id=req_str(data, "id", what), intervals=tuple(intervals))


@dataclass(frozen=True, slots=True)
class ResourceList:
    """Every id of a list endpoint (all pages) and the vendors that failed on any page."""

    ids: tuple[str, ...]
    errors: dict[str, str]


@dataclass(frozen=True, slots=True)
class SiteTopology:
    """A site and the ids of its devices."""

    site: DerapiSite
    solar_inverter_ids: tuple[str, ...]
    battery_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DerapiTopology:
    """Every site with its devices, and the vendors that failed (their devices are unknown).

    A vendor in `errors` has not removed its devices: its sites and devices are simply missing
    from this answer, so nothing may be deleted on the strength of it.
    """

    sites: dict[str, SiteTopology]
    errors: dict[str, str]
    # Sites listed but whose detail fetch failed (site id -> error); their devices are unknown.
    failed_sites: dict[str, DerapiError] = field(default_factory=dict)

    @property
    def solar_inverter_ids(self) -> tuple[str, ...]:
        """All inverter ids, site by site."""
        return tuple(i for top in self.sites.values() for i in top.solar_inverter_ids)

    @property
    def battery_ids(self) -> tuple[str, ...]:
        """All battery ids, site by site."""
        return tuple(i for top in self.sites.values() for i in top.battery_ids)

    def unauthorized_vendors(self) -> tuple[str, ...]:
        """Vendors whose `errors` message says their credential needs re-authorising."""
        return tuple(v for v, msg in self.errors.items() if is_unauthorized_message(msg))


@dataclass(frozen=True, slots=True)
class DerapiDetails:
    """One refresh of device details; a device whose fetch failed is in `failures` instead."""

    solar_inverters: dict[str, DerapiSolarInverter]
    batteries: dict[str, DerapiBattery]
    failures: dict[str, DerapiError]
