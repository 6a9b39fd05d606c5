"""SEW outage binary sensor, where the utility runs the Outage module."""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import SewConfigEntry
from .entity import SewAccountEntity

OUTAGE = BinarySensorEntityDescription(
    key="outage", translation_key="outage", device_class=BinarySensorDeviceClass.PROBLEM
)


async def async_setup_binary_sensors(
    hass: HomeAssistant,
    entry: SewConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the outage sensor when the first refresh could read an outage status."""
    coordinator = entry.runtime_data.coordinator
    if coordinator.data.outage is not None:
        async_add_entities([SewOutageSensor(coordinator, OUTAGE)])


class SewOutageSensor(SewAccountEntity, BinarySensorEntity):
    """On while the utility reports an outage at the account's premises."""

    @property
    def is_on(self) -> bool | None:
        """Unknown while the status cannot be read."""
        outage = self.coordinator.data.outage
        return outage.active if outage is not None else None
