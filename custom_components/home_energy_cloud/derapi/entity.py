"""Derapi devices and the base entity: a site device, its inverters and batteries below it."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, cast

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api.derapi import DerapiBattery, DerapiSite, DerapiSolarInverter
from ..const import DOMAIN
from ..devices import async_add_entities_as_devices_appear
from ..entity import HomeEnergyCloudEntity
from .const import vendor_name
from .coordinator import DerapiDetailsCoordinator, DerapiDeviceData, device_unique_id
from .runtime import DerapiConfigEntry


def site_device_info(site: DerapiSite) -> DeviceInfo:
    """The registry record of a site (the parent of its devices)."""
    return DeviceInfo(
        identifiers={(DOMAIN, device_unique_id(site.id))},
        name=site.name or site.id,
        manufacturer=vendor_name(site.vendor),
        model="Site",
    )


# Home Assistant 2026.8 links a child to its parent by registry id (`via_device_id`) and
# deprecates `via_device`; 2025.4 only has `via_device`. The parent is registered first either
# way, so both forms find it.
_VIA_DEVICE_ID = "via_device_id" in DeviceInfo.__annotations__


def child_device_info(device: DerapiSolarInverter | DerapiBattery, parent_id: str) -> DeviceInfo:
    """The registry record of an inverter or battery, below its site (registry id `parent_id`)."""
    label = " ".join(part for part in (device.model, device.serial_number) if part)
    info: dict[str, Any] = {
        "identifiers": {(DOMAIN, device_unique_id(device.id))},
        "name": device.name or label or device.id,
        "manufacturer": vendor_name(device.vendor),
        "model": device.model or None,
        "serial_number": device.serial_number or None,
    }
    if _VIA_DEVICE_ID:
        info["via_device_id"] = parent_id
    else:
        info["via_device"] = (DOMAIN, device_unique_id(device.site_id))
    return cast("DeviceInfo", info)


type Builder = Callable[[str], Iterable[Entity]]


def add_entities_as_devices_appear(
    hass: HomeAssistant,
    entry: DerapiConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    *,
    site: Callable[[DerapiSite], Iterable[Entity]] | None = None,
    inverter: Callable[[DerapiSolarInverter, DeviceInfo], Iterable[Entity]] | None = None,
    battery: Callable[[DerapiBattery, DeviceInfo], Iterable[Entity]] | None = None,
) -> None:
    """Add each site's, inverter's and battery's entities once its details are read.

    A site is registered before its children, so their ``via_device`` always finds it.
    """
    runtime = entry.runtime_data
    details = runtime.details

    def signatures(data: DerapiDeviceData) -> dict[str, Hashable]:
        sites = runtime.topology.data.sites
        found: dict[str, Hashable] = {}
        if site is not None:
            for site_id, known in sites.items():
                fresh = data.sites.get(site_id)
                found[device_unique_id(site_id)] = ("site", (fresh or known).bess is not None)
        if inverter is not None:
            for inverter_id, item in data.inverters.items():
                if item.site_id in sites:
                    found[device_unique_id(inverter_id)] = (
                        "inverter",
                        item.lifetime_production is not None,
                        item.recent_production is not None,
                    )
        if battery is not None:
            for battery_id, unit in data.batteries.items():
                if unit.site_id in sites:
                    found[device_unique_id(battery_id)] = ("battery",)
        return found

    def register_site(site_id: str) -> str:
        """Register the parent before its child; returns its registry id."""
        site_info = site_device_info(runtime.topology.data.sites[site_id])
        parent = dr.async_get(hass).async_get_or_create(config_entry_id=entry.entry_id, **site_info)
        return parent.id

    def build(uid: str) -> Iterable[Entity]:
        derapi_id = uid.removeprefix(device_unique_id(""))
        data = details.data
        if (found := data.inverters.get(derapi_id)) is not None and inverter is not None:
            return inverter(found, child_device_info(found, register_site(found.site_id)))
        if (stored := data.batteries.get(derapi_id)) is not None and battery is not None:
            return battery(stored, child_device_info(stored, register_site(stored.site_id)))
        sites = runtime.topology.data.sites
        if site is not None and derapi_id in sites:
            return site(data.sites.get(derapi_id) or sites[derapi_id])
        return ()

    async_add_entities_as_devices_appear(
        entry, details, runtime.devices, async_add_entities, signatures, build
    )


class DerapiEntity(HomeEnergyCloudEntity[DerapiDetailsCoordinator]):
    """An entity of one Derapi site, inverter or battery, fed by the details coordinator."""

    def __init__(
        self,
        coordinator: DerapiDetailsCoordinator,
        description: EntityDescription,
        *,
        derapi_id: str,
        device_info: DeviceInfo,
    ) -> None:
        """Attach to the device."""
        super().__init__(
            coordinator,
            description,
            device_unique_id=device_unique_id(derapi_id),
            device_info=device_info,
        )
        self.derapi_id = derapi_id


class DerapiInverterEntity(DerapiEntity):
    """An entity of a solar inverter: available while its last read worked."""

    def __init__(
        self,
        coordinator: DerapiDetailsCoordinator,
        description: EntityDescription,
        inverter: DerapiSolarInverter,
        device_info: DeviceInfo,
    ) -> None:
        """Attach to the inverter's device."""
        super().__init__(coordinator, description, derapi_id=inverter.id, device_info=device_info)

    @property
    def inverter(self) -> DerapiSolarInverter | None:
        """The inverter's latest details (None: its last read failed)."""
        return self.coordinator.data.inverters.get(self.derapi_id)

    @property
    def device_available(self) -> bool:
        """Unavailable when the inverter (or its vendor) failed to answer."""
        return self.inverter is not None


class DerapiBatteryEntity(DerapiEntity):
    """An entity of a battery: available while its last read worked."""

    def __init__(
        self,
        coordinator: DerapiDetailsCoordinator,
        description: EntityDescription,
        battery: DerapiBattery,
        device_info: DeviceInfo,
    ) -> None:
        """Attach to the battery's device."""
        super().__init__(coordinator, description, derapi_id=battery.id, device_info=device_info)

    @property
    def battery(self) -> DerapiBattery | None:
        """The battery's latest details (None: its last read failed)."""
        return self.coordinator.data.batteries.get(self.derapi_id)

    @property
    def device_available(self) -> bool:
        """Unavailable when the battery (or its vendor) failed to answer."""
        return self.battery is not None


class DerapiSiteEntity(DerapiEntity):
    """An entity of a site.

    ``fresh`` entities show what the details poll reads (the battery system's state); the
    others show the hourly site record.
    """

    def __init__(
        self,
        coordinator: DerapiDetailsCoordinator,
        description: EntityDescription,
        site: DerapiSite,
        *,
        fresh: bool,
    ) -> None:
        """Attach to the site's device."""
        super().__init__(
            coordinator, description, derapi_id=site.id, device_info=site_device_info(site)
        )
        self._fresh = fresh

    @property
    def site(self) -> DerapiSite | None:
        """The site's latest record (None: unavailable)."""
        if self._fresh:
            return self.coordinator.data.sites.get(self.derapi_id)
        return self.coordinator.topology.data.sites.get(self.derapi_id)

    @property
    def device_available(self) -> bool:
        """Unavailable when the site could not be read."""
        return self.site is not None
