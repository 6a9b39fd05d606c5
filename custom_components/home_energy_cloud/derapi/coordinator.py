"""Derapi coordinators: the topology hourly, device details every few minutes.

The topology (sites and the ids of their devices) decides which devices exist; the details
coordinator reads each device once per cycle (at most one request per device, plus the sites
with batteries for their combined state). Vendor failures are contained: they update
:class:`VendorHealth` and make only that vendor's devices unavailable.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from homeassistant.core import HomeAssistant, callback

from ..api.derapi import (
    BatteryControlInterval,
    DerapiAuthError,
    DerapiBattery,
    DerapiClient,
    DerapiConnectionError,
    DerapiError,
    DerapiSite,
    DerapiSolarInverter,
    DerapiVendorAuthError,
    DerapiVendorError,
)
from ..const import LOGGER
from ..coordinator import HomeEnergyCloudCoordinator
from ..devices import DeviceLifecycle
from .const import (
    CONF_DETAILS_INTERVAL,
    DEFAULT_DETAILS_MINUTES,
    TOPOLOGY_INTERVAL,
    VENDOR_KEY,
)
from .health import VendorHealth

if TYPE_CHECKING:
    from .runtime import DerapiConfigEntry

# A battery mode set from Home Assistant holds until it is changed again: Derapi schedules
# have an end, so the one interval sent lasts this long.
MODE_HOLD = timedelta(days=365)
# The command that makes a site report each mode (Derapi reports the schedule as `mode`).
MODE_COMMANDS = {"Backup": "idle", "Savings": "discharge"}
SELF_CONSUMPTION = "Self Consumption"


def device_unique_id(derapi_id: str) -> str:
    """The device registry identifier of a Derapi site, inverter or battery."""
    return f"{VENDOR_KEY}_{derapi_id}"


@dataclass(frozen=True)
class DerapiSites:
    """The account's sites and which site each device belongs to.

    Sites and devices of a vendor that failed this time are kept from earlier lists until the
    device lifecycle removes them.
    """

    sites: dict[str, DerapiSite] = field(default_factory=dict)
    inverter_sites: dict[str, str] = field(default_factory=dict)
    battery_sites: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


class DerapiTopologyCoordinator(HomeEnergyCloudCoordinator[DerapiSites]):
    """Sites and their device ids, hourly; reports each complete-enough list to the lifecycle."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: DerapiConfigEntry,
        client: DerapiClient,
        devices: DeviceLifecycle,
        health: VendorHealth,
    ) -> None:
        """Bind to the account's client, device lifecycle and vendor health."""
        super().__init__(hass, entry, name="Derapi sites", update_interval=TOPOLOGY_INTERVAL)
        self.client = client
        self.lifecycle = devices
        self.health = health
        # What earlier refreshes learnt: the vendor of each device unique id (for scoping).
        self.vendor_of: dict[str, str] = {}

    async def _async_fetch(self) -> DerapiSites:
        topology = await self.client.async_get_topology()
        errors = dict(topology.errors)
        answered = {top.site.vendor for top in topology.sites.values()}
        self.health.update(errors, answered)
        for site_id, err in topology.failed_sites.items():
            LOGGER.debug("Derapi site %s could not be read: %s", site_id, err)
        if topology.failed_sites and not topology.sites and not errors:
            # Not one site could be read and no vendor was blamed: Derapi itself is in trouble.
            raise next(iter(topology.failed_sites.values()))

        previous = self.data or DerapiSites()
        sites: dict[str, DerapiSite] = {}
        inverter_sites: dict[str, str] = {}
        battery_sites: dict[str, str] = {}
        present: set[str] = set()
        for site_id, top in topology.sites.items():
            sites[site_id] = top.site
            present.add(device_unique_id(site_id))
            self.vendor_of.setdefault(device_unique_id(site_id), top.site.vendor)
            for inverter_id in top.solar_inverter_ids:
                inverter_sites[inverter_id] = site_id
                present.add(device_unique_id(inverter_id))
            for battery_id in top.battery_ids:
                battery_sites[battery_id] = site_id
                present.add(device_unique_id(battery_id))
        failed_sites = set(topology.failed_sites)

        def in_scope(uid: str) -> bool:
            # A list only speaks for vendors that answered and sites that could be read.
            vendor = self.vendor_of.get(uid)
            if vendor is None:
                return not errors
            site_id = _site_of(uid, previous)
            return vendor not in errors and site_id not in failed_sites

        self.lifecycle.async_report_list(present, in_scope=in_scope)
        # Keep what the lifecycle still counts as listed (a failing vendor's part).
        for site_id, site in previous.sites.items():
            if site_id not in sites and self.lifecycle.is_listed(device_unique_id(site_id)):
                sites[site_id] = site
        for kept, old in (
            (inverter_sites, previous.inverter_sites),
            (battery_sites, previous.battery_sites),
        ):
            for device_id, site_id in old.items():
                if (
                    device_id not in kept
                    and site_id in sites
                    and self.lifecycle.is_listed(device_unique_id(device_id))
                ):
                    kept[device_id] = site_id
        return DerapiSites(
            sites=sites,
            inverter_sites=inverter_sites,
            battery_sites=battery_sites,
            errors=errors,
        )


def _site_of(uid: str, data: DerapiSites) -> str | None:
    derapi_id = uid.removeprefix(f"{VENDOR_KEY}_")
    if derapi_id in data.sites:
        return derapi_id
    return data.inverter_sites.get(derapi_id) or data.battery_sites.get(derapi_id)


@dataclass(frozen=True)
class DerapiDeviceData:
    """The latest details; a device whose read failed is in `failures` (entities unavailable)."""

    inverters: dict[str, DerapiSolarInverter] = field(default_factory=dict)
    batteries: dict[str, DerapiBattery] = field(default_factory=dict)
    sites: dict[str, DerapiSite] = field(default_factory=dict)
    failures: dict[str, DerapiError] = field(default_factory=dict)


def _vendor_message(err: DerapiError) -> str | None:
    """What a device error says about its vendor (None: nothing, e.g. a 404)."""
    if isinstance(err, DerapiVendorAuthError):
        return f"Unauthorized: {err}"
    if isinstance(err, DerapiVendorError):
        return str(err)
    return None


class DerapiDetailsCoordinator(HomeEnergyCloudCoordinator[DerapiDeviceData]):
    """Every known device's details (one GET each), and the sites with batteries."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: DerapiConfigEntry,
        client: DerapiClient,
        topology: DerapiTopologyCoordinator,
        health: VendorHealth,
    ) -> None:
        """Poll at the entry's chosen pace (5 minutes unless the user chose slower)."""
        minutes = entry.options.get(CONF_DETAILS_INTERVAL, DEFAULT_DETAILS_MINUTES)
        super().__init__(
            hass, entry, name="Derapi devices", update_interval=timedelta(minutes=minutes)
        )
        self.client = client
        self.topology = topology
        self.health = health

    def vendor_of_device(self, device_id: str) -> str | None:
        """A device's vendor: as it reported itself, else its site's."""
        uid = device_unique_id(device_id)
        if (vendor := self.topology.vendor_of.get(uid)) is not None:
            return vendor
        sites = self.topology.data
        site_id = sites.inverter_sites.get(device_id) or sites.battery_sites.get(device_id)
        site = sites.sites.get(site_id) if site_id else None
        return site.vendor if site else None

    async def _async_fetch(self) -> DerapiDeviceData:
        sites = self.topology.data
        bess_sites = [site_id for site_id in sites.sites if site_id in sites.battery_sites.values()]
        site_reads = asyncio.gather(
            *(self.client.async_get_site(site_id) for site_id in bess_sites),
            return_exceptions=True,
        )
        details = await self.client.async_get_details(sites.inverter_sites, sites.battery_sites)
        site_results = await site_reads
        fresh_sites: dict[str, DerapiSite] = {}
        failures = dict(details.failures)
        for site_id, result in zip(bess_sites, site_results, strict=True):
            if isinstance(result, DerapiAuthError):
                raise result
            if isinstance(result, DerapiError):
                failures[site_id] = result
            elif isinstance(result, BaseException):
                raise result
            else:
                fresh_sites[site_id] = result

        answered: set[str] = set()
        devices: list[DerapiSolarInverter | DerapiBattery] = [
            *details.solar_inverters.values(),
            *details.batteries.values(),
        ]
        for device in devices:
            self.topology.vendor_of[device_unique_id(device.id)] = device.vendor
            answered.add(device.vendor)
        answered.update(site.vendor for site in fresh_sites.values())
        failed: dict[str, str] = {}
        for device_id, err in failures.items():
            vendor = self.vendor_of_device(device_id)
            message = _vendor_message(err)
            if vendor is not None and message is not None and vendor not in answered:
                failed.setdefault(vendor, message)
        failed.update(await self._probe_quiet_vendors(answered | set(failed)))
        self.health.update(failed, answered)

        asked = len(sites.inverter_sites) + len(sites.battery_sites) + len(bess_sites)
        if asked and len(failures) == asked:
            first = next(iter(failures.values()))
            if isinstance(first, DerapiConnectionError) and not isinstance(
                first, DerapiVendorError
            ):
                raise first  # Derapi itself is unreachable, not one vendor
        for device_id, err in failures.items():
            LOGGER.debug("Derapi device %s could not be read: %s", device_id, err)
        return DerapiDeviceData(
            inverters=details.solar_inverters,
            batteries=details.batteries,
            sites=fresh_sites,
            failures=failures,
        )

    async def _probe_quiet_vendors(self, heard: set[str]) -> dict[str, str]:
        """Ask each failing vendor no device read spoke for, once per cycle.

        A vendor that failed before its devices were ever listed has no device to read; without
        this it would only be tried again by the hourly topology. One that answers brings its
        devices in through a topology refresh.
        """
        failed: dict[str, str] = {}
        recovered = False
        for vendor in [v for v in self.health.problems if v not in heard]:
            try:
                await self.client.async_check_vendor(vendor)
            except DerapiAuthError:
                raise
            except DerapiVendorAuthError as err:
                failed[vendor] = f"Unauthorized: {err}"
            except DerapiVendorError as err:
                failed[vendor] = str(err)
            except DerapiError as err:
                LOGGER.debug("Derapi vendor check of %s failed: %s", vendor, err)
            else:
                self.health.update({}, [vendor])
                recovered = True
        if recovered:
            self.config_entry.async_create_background_task(
                self.hass, self.topology.async_request_refresh(), "derapi topology after recovery"
            )
        return failed

    @callback
    def async_follow_topology(self) -> Callable[[], None]:
        """Read new devices' details at once, not at the next poll."""
        known: set[str] = set()

        @callback
        def check() -> None:
            sites = self.topology.data
            ids = set(sites.inverter_sites) | set(sites.battery_sites)
            if ids - known and self.data is not None:
                self.config_entry.async_create_background_task(
                    self.hass, self.async_request_refresh(), "derapi details of new devices"
                )
            known.clear()
            known.update(ids)

        check()
        return self.topology.async_add_listener(check)

    async def async_set_battery_mode(self, site_id: str, mode: str) -> str | None:
        """Ask the site for a battery mode, then read the site back; returns the mode it reports."""
        now = datetime.now(UTC).replace(microsecond=0)
        if mode == SELF_CONSUMPTION:
            intervals: list[BatteryControlInterval] = []  # no schedule: the site's own mode
        else:
            intervals = [
                BatteryControlInterval(
                    command=MODE_COMMANDS[mode],
                    start=now - timedelta(minutes=1),
                    end=now + MODE_HOLD,
                )
            ]
        await self.client.async_set_battery_control(site_id, intervals)
        site = await self.client.async_get_site(site_id)
        if self.data is not None:
            self.async_set_updated_data(
                replace(self.data, sites={**self.data.sites, site_id: site})
            )
        return site.bess.mode if site.bess else None
