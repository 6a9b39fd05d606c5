"""Electra Smart binary sensors: the filter-cleaning reminder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api.electra import ElectraDevice, ElectraTelemetry
from ..api.electra.const import CLEAR_FILT
from .coordinator import ElectraConfigEntry
from .entity import ElectraEntity, add_entities_as_units_appear
from .state import switch_is_on


@dataclass(frozen=True, kw_only=True)
class ElectraBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor read from one OPER key."""

    oper_key: str
    value_fn: Callable[[dict[str, Any]], bool | None]


BINARY_SENSORS: tuple[ElectraBinarySensorDescription, ...] = (
    ElectraBinarySensorDescription(
        key="filter_clean",
        translation_key="filter_clean",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        oper_key=CLEAR_FILT,
        value_fn=lambda oper: switch_is_on(oper, CLEAR_FILT),
    ),
)


async def async_setup_binary_sensors(
    hass: HomeAssistant,
    entry: ElectraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the binary sensors each unit supports."""
    coordinator = entry.runtime_data.coordinator

    def build(
        device: ElectraDevice, telemetry: ElectraTelemetry | None
    ) -> list[ElectraBinarySensor]:
        oper = (telemetry.oper if telemetry else None) or {}
        return [
            ElectraBinarySensor(coordinator, description, device)
            for description in BINARY_SENSORS
            if description.oper_key in oper
        ]

    add_entities_as_units_appear(entry, async_add_entities, build)


class ElectraBinarySensor(ElectraEntity, BinarySensorEntity):
    """A unit's binary reading."""

    entity_description: ElectraBinarySensorDescription

    @property
    def is_on(self) -> bool | None:
        """The reading."""
        return self.entity_description.value_fn(self.oper)
