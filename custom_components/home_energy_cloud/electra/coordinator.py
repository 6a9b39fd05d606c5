"""Electra Smart coordinators: telemetry every minute, the unit list and the timers hourly."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.device_registry import CONNECTION_NETWORK_MAC, DeviceInfo, format_mac
from homeassistant.util import dt as dt_util

from ..api.electra import ElectraClient, ElectraDevice, ElectraTelemetry, ElectraTimers
from ..api.exceptions import ApiAuthError, ApiError
from ..const import DOMAIN, LOGGER
from ..coordinator import HomeEnergyCloudCoordinator
from ..devices import DeviceLifecycle
from ..vendor_spec import VendorRuntime
from .const import DEVICES_INTERVAL, TELEMETRY_INTERVAL, TIMERS_INTERVAL, VENDOR_KEY


@dataclass(frozen=True)
class ElectraData:
    """The account's units and each one's latest telemetry (None: the last read failed)."""

    devices: Mapping[int, ElectraDevice]
    telemetry: Mapping[int, ElectraTelemetry | None] = field(default_factory=dict)

    @cached_property
    def by_unique_id(self) -> dict[str, int]:
        """Device unique id -> cloud id of every unit."""
        return {device_unique_id(device): device_id for device_id, device in self.devices.items()}

    @cached_property
    def features(self) -> dict[str, Hashable]:
        """What decides a unit's entities: the OPER and DIAG keys it reports.

        Computed once per update, however many platforms ask.
        """
        features: dict[str, Hashable] = {}
        for uid, device_id in self.by_unique_id.items():
            telemetry = self.telemetry.get(device_id)
            oper = (telemetry.oper if telemetry else None) or {}
            diag = (telemetry.diag if telemetry else None) or {}
            features[uid] = (frozenset(oper), frozenset(diag))
        return features


def device_unique_id(device: ElectraDevice) -> str:
    """Stable id of a unit: its MAC survives re-adding the unit in the app, the cloud id not."""
    mac = format_mac(device.mac) if device.mac else ""
    return f"{VENDOR_KEY}_{mac or device.id}"


# The cloud's `manufactor` text is sometimes a product line in Hebrew ("מיני מרכזי", mini
# central) rather than a maker; its numeric id says who built the unit (notes §2.4).
MANUFACTURERS = {1: "Electra", 2: "Midea"}


def device_info(device: ElectraDevice) -> DeviceInfo:
    """The device registry record of one unit."""
    manufacturer_id = device.raw.get("manufactorId")
    maker = MANUFACTURERS.get(manufacturer_id) if isinstance(manufacturer_id, int) else None
    info = DeviceInfo(
        identifiers={(DOMAIN, device_unique_id(device))},
        name=device.name or f"Air conditioner {device.id}",
        manufacturer=maker or device.manufacturer or "Electra",
        model=device.model,
        sw_version=device.firmware,
        serial_number=device.serial,
    )
    if device.mac:
        info["connections"] = {(CONNECTION_NETWORK_MAC, format_mac(device.mac))}
    return info


async def _gather_per_device[T](
    calls: Mapping[int, asyncio.Future[T] | asyncio.Task[T]],
) -> tuple[dict[int, T | None], list[ApiError]]:
    """Results per unit: a failing unit gets None; an auth error aborts everything."""
    results = await asyncio.gather(*calls.values(), return_exceptions=True)
    values: dict[int, T | None] = {}
    errors: list[ApiError] = []
    for device_id, result in zip(calls, results, strict=True):
        if isinstance(result, ApiAuthError):
            raise result
        if isinstance(result, ApiError):
            errors.append(result)
            values[device_id] = None
        elif isinstance(result, BaseException):
            raise result
        else:
            values[device_id] = result
    return values, errors


class ElectraCoordinator(HomeEnergyCloudCoordinator[ElectraData]):
    """One per account: one GET_LAST_TELEMETRY per unit per cycle, GET_DEVICES hourly."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ElectraConfigEntry,
        client: ElectraClient,
        devices: DeviceLifecycle,
    ) -> None:
        """Poll at the rate the vendor asked for."""
        super().__init__(hass, entry, name="Electra Smart", update_interval=TELEMETRY_INTERVAL)
        self.client = client
        self.lifecycle = devices
        self._devices: dict[int, ElectraDevice] | None = None
        self._devices_fetched: datetime | None = None

    async def _async_fetch(self) -> ElectraData:
        now = dt_util.utcnow()
        due = self._devices_fetched is None or now - self._devices_fetched >= DEVICES_INTERVAL
        if (self._devices is None or due) and await self._async_refresh_units():
            self._devices_fetched = now
        assert self._devices is not None
        if not self._devices:
            return ElectraData(devices={})
        telemetry, errors = await _gather_per_device(
            {
                device_id: asyncio.ensure_future(self.client.get_telemetry(device_id))
                for device_id in self._devices
            }
        )
        if errors and len(errors) == len(self._devices):
            # Nothing could be read: the cloud is down for us, not one unit.
            raise errors[0]
        for error in errors:
            LOGGER.debug("Electra unit read failed: %s", error)
        return ElectraData(devices=self._devices, telemetry=telemetry)

    async def _async_refresh_units(self) -> bool:
        """Read the unit list; a failed read keeps the last list (telemetry may still work).

        Returns whether the list was read; a failed one is tried again at the next poll.

        Units the list leaves out stay until the device lifecycle removes them: the cloud has
        answered without units an account does have (``devices: null``, notes §2.4), and while
        such a unit is really there its telemetry keeps working.
        """
        try:
            listed = await self.client.get_devices()
        except ApiAuthError:
            raise
        except ApiError as err:
            if self._devices is None:
                raise  # nothing to show without a first list: setup retries
            LOGGER.debug("Electra unit list failed, keeping the last one: %s", err)
            return False
        self.lifecycle.async_report_list(device_unique_id(device) for device in listed)
        kept = {device.id: device for device in listed}
        for device_id, device in (self._devices or {}).items():
            if device_id not in kept and self.lifecycle.is_listed(device_unique_id(device)):
                kept[device_id] = device
        self._devices = kept
        return True

    async def async_set_state(self, device_id: int, changes: Mapping[str, str | int]) -> None:
        """Send changes to a unit; whatever happens, publish the unit's latest known state."""
        try:
            await self.client.set_state(device_id, changes)
        finally:
            latest = self.client.get_state(device_id)
            if latest is not None and self.data is not None:
                self.async_set_updated_data(
                    replace(self.data, telemetry={**self.data.telemetry, device_id: latest})
                )


class ElectraTimersCoordinator(HomeEnergyCloudCoordinator[dict[int, ElectraTimers | None]]):
    """The cloud-side timers of every unit: read hourly and right after each change."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ElectraConfigEntry,
        client: ElectraClient,
        devices: ElectraCoordinator,
    ) -> None:
        """Follow the unit list of the telemetry coordinator."""
        super().__init__(hass, entry, name="Electra Smart timers", update_interval=TIMERS_INTERVAL)
        self.client = client
        self.units = devices

    async def _async_fetch(self) -> dict[int, ElectraTimers | None]:
        device_ids = list(self.units.data.devices) if self.units.data else []
        if not device_ids:
            return {}
        timers, errors = await _gather_per_device(
            {
                device_id: asyncio.ensure_future(self.client.get_timers(device_id))
                for device_id in device_ids
            }
        )
        if errors and len(errors) == len(device_ids):
            raise errors[0]
        return timers

    @callback
    def async_follow_units(self) -> CALLBACK_TYPE:
        """Read the timers of units as they appear, not up to an hour later."""

        @callback
        def check_units() -> None:
            units = self.units.data.devices if self.units.data else {}
            if self.data is not None and units.keys() - self.data.keys():
                self.config_entry.async_create_background_task(
                    self.hass, self.async_request_refresh(), "electra timers of new units"
                )

        return self.units.async_add_listener(check_units)

    async def async_refresh_device(self, device_id: int) -> None:
        """Re-read one unit's timers (after a change); the others keep their data."""
        timers = await self.client.get_timers(device_id)
        self.async_set_updated_data({**(self.data or {}), device_id: timers})

    async def async_set_enabled(self, device_id: int, enabled: bool) -> None:
        """Switch all of a unit's timers on or off, then re-read them."""
        await self.client.set_timers_enabled(device_id, enabled)
        await self.async_refresh_device(device_id)


@dataclass(kw_only=True)
class ElectraRuntime(VendorRuntime):
    """``entry.runtime_data`` of an Electra Smart account."""

    client: ElectraClient
    coordinator: ElectraCoordinator
    timers: ElectraTimersCoordinator


type ElectraConfigEntry = ConfigEntry[ElectraRuntime]
