"""Derapi problem binary sensors: on while a device's recent log holds an error."""

from __future__ import annotations

from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api.derapi import DerapiBattery, DerapiSolarInverter, RecentErrors
from .entity import DerapiBatteryEntity, DerapiInverterEntity, add_entities_as_devices_appear
from .runtime import DerapiConfigEntry

PROBLEM = BinarySensorEntityDescription(
    key="problem",
    device_class=BinarySensorDeviceClass.PROBLEM,
    entity_category=EntityCategory.DIAGNOSTIC,
)


def _attributes(recent: RecentErrors) -> dict[str, Any]:
    """The messages behind the state, by severity, and the window they cover."""
    return {
        "errors": list(recent.errors),
        "warnings": list(recent.warnings),
        "infos": list(recent.infos),
        "since": recent.start.isoformat() if recent.start else None,
    }


async def async_setup_binary_sensors(
    hass: HomeAssistant,
    entry: DerapiConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """A problem sensor per inverter and battery."""
    details = entry.runtime_data.details

    def inverter(item: DerapiSolarInverter, info: DeviceInfo) -> list[Entity]:
        return [DerapiInverterProblem(details, PROBLEM, item, info)]

    def battery(item: DerapiBattery, info: DeviceInfo) -> list[Entity]:
        return [DerapiBatteryProblem(details, PROBLEM, item, info)]

    add_entities_as_devices_appear(
        hass, entry, async_add_entities, inverter=inverter, battery=battery
    )


class DerapiInverterProblem(DerapiInverterEntity, BinarySensorEntity):
    """Whether the inverter reported an error recently."""

    @property
    def is_on(self) -> bool | None:
        """On while the recent log holds an error."""
        inverter = self.inverter
        return inverter.recent_errors.has_error if inverter else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The recent messages."""
        inverter = self.inverter
        return _attributes(inverter.recent_errors) if inverter else None


class DerapiBatteryProblem(DerapiBatteryEntity, BinarySensorEntity):
    """Whether the battery reported an error recently."""

    @property
    def is_on(self) -> bool | None:
        """On while the recent log holds an error."""
        battery = self.battery
        return battery.recent_errors.has_error if battery else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """The recent messages."""
        battery = self.battery
        return _attributes(battery.recent_errors) if battery else None
