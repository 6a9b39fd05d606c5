"""Solarwatt / Kiwigrid binary sensors: device problems and the battery's backup state."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api.kiwigrid import Battery, EnergyManager, KiwigridDevice
from .coordinator import KiwigridConfigEntry
from .entity import (
    KiwigridCoordinator,
    KiwigridDescription,
    KiwigridEntity,
    add_entities_as_devices_appear,
)

STATE_OK = "OK"


@dataclass(frozen=True, kw_only=True)
class KiwigridBinarySensorDescription(KiwigridDescription, BinarySensorEntityDescription):
    """A binary sensor of one kind of device."""


def has_problem(device: KiwigridDevice) -> bool | None:
    """A state other than OK, or errors listed; None when the device reports neither."""
    if device.state_device is None and not device.errors:
        return None
    return bool(device.errors) or (device.state_device or STATE_OK).upper() != STATE_OK


def backup_active(battery: Battery) -> bool | None:
    """Whether the battery runs the house on emergency power (REST ``backup_active``)."""
    value = battery.tags.get("backup_active")
    return value if isinstance(value, bool) else None


BINARY_SENSORS: tuple[KiwigridBinarySensorDescription, ...] = (
    KiwigridBinarySensorDescription(
        key="problem",
        translation_key="problem",
        kind=EnergyManager,
        value_fn=has_problem,
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
    KiwigridBinarySensorDescription(
        key="backup_active",
        translation_key="backup_active",
        kind=Battery,
        value_fn=backup_active,
        device_class=BinarySensorDeviceClass.RUNNING,
    ),
)


async def async_setup_binary_sensors(
    hass: HomeAssistant,
    entry: KiwigridConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors as the site reports them."""

    def create(
        coordinator: KiwigridCoordinator,
        description: KiwigridBinarySensorDescription,
        uid: str,
        device: KiwigridDevice,
    ) -> Entity:
        return KiwigridBinarySensor(coordinator, description, uid, device)

    add_entities_as_devices_appear(entry, async_add_entities, BINARY_SENSORS, create)


class KiwigridBinarySensor(KiwigridEntity, BinarySensorEntity):
    """A binary reading of one device."""

    entity_description: KiwigridBinarySensorDescription

    @property
    def is_on(self) -> bool | None:
        """The reading; unknown when the device does not report it."""
        value = self.source_value()
        return value if isinstance(value, bool) else None
