"""Electra Smart sensors: diagnostic readings of each unit, and its next cloud timer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
    EntityCategory,
    UnitOfFrequency,
    UnitOfTemperature,
    UnitOfTime,
)
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.event import async_track_point_in_time
from homeassistant.util import dt as dt_util

from ..api.electra import ElectraDevice, ElectraTelemetry
from .const import UNIT_TIME_ZONE
from .coordinator import ElectraConfigEntry, ElectraTimersCoordinator
from .entity import ElectraEntity, ElectraTimersEntity, add_entities_as_units_appear
from .state import outdoor_temperature, to_number
from .timers import next_timer, timer_to_dict


@dataclass(frozen=True, kw_only=True)
class ElectraSensorDescription(SensorEntityDescription):
    """A reading taken from a unit's telemetry."""

    value_fn: Callable[[ElectraTelemetry], float | None]
    exists_fn: Callable[[ElectraTelemetry], bool]


def _diag_key(key: str) -> Callable[[ElectraTelemetry], bool]:
    return lambda telemetry: key in (telemetry.diag or {})


def _diag_number(key: str) -> Callable[[ElectraTelemetry], float | None]:
    return lambda telemetry: to_number((telemetry.diag or {}).get(key))


SENSORS: tuple[ElectraSensorDescription, ...] = (
    ElectraSensorDescription(
        key="outdoor_temperature",
        translation_key="outdoor_temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda telemetry: outdoor_temperature(telemetry.diag),
        exists_fn=_diag_key("O_OAT"),
    ),
    ElectraSensorDescription(
        key="wifi_rssi",
        translation_key="wifi_rssi",
        device_class=SensorDeviceClass.SIGNAL_STRENGTH,
        native_unit_of_measurement=SIGNAL_STRENGTH_DECIBELS_MILLIWATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=_diag_number("WI_FI_RSSI"),
        exists_fn=_diag_key("WI_FI_RSSI"),
    ),
    ElectraSensorDescription(
        key="indoor_coil_temperature",
        translation_key="indoor_coil_temperature",
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=_diag_number("I_ICT"),
        exists_fn=_diag_key("I_ICT"),
    ),
    ElectraSensorDescription(
        key="compressor_frequency",
        translation_key="compressor_frequency",
        device_class=SensorDeviceClass.FREQUENCY,
        native_unit_of_measurement=UnitOfFrequency.HERTZ,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=_diag_number("O_ACT_FREQ"),
        exists_fn=_diag_key("O_ACT_FREQ"),
    ),
    ElectraSensorDescription(
        key="last_report",
        translation_key="last_report",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda telemetry: telemetry.time_delta,
        exists_fn=lambda telemetry: telemetry.time_delta is not None,
    ),
)
NEXT_TIMER = SensorEntityDescription(
    key="next_timer", translation_key="next_timer", device_class=SensorDeviceClass.TIMESTAMP
)


async def async_setup_sensors(
    hass: HomeAssistant,
    entry: ElectraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the readings each unit reports, and a next-timer sensor per unit."""
    runtime = entry.runtime_data
    unit_zone = await dt_util.async_get_time_zone(UNIT_TIME_ZONE)

    def build(device: ElectraDevice, telemetry: ElectraTelemetry | None) -> list[Entity]:
        entities: list[Entity] = [ElectraNextTimerSensor(runtime.timers, device, unit_zone)]
        if telemetry is not None:
            entities.extend(
                ElectraSensor(runtime.coordinator, description, device)
                for description in SENSORS
                if description.exists_fn(telemetry)
            )
        return entities

    add_entities_as_units_appear(entry, async_add_entities, build)


class ElectraSensor(ElectraEntity, SensorEntity):
    """A unit's reading."""

    entity_description: ElectraSensorDescription

    @property
    def native_value(self) -> float | None:
        """The reading; unknown when the unit does not report it."""
        telemetry = self.telemetry
        return self.entity_description.value_fn(telemetry) if telemetry else None


class ElectraNextTimerSensor(ElectraTimersEntity, SensorEntity):
    """When the unit's next cloud timer fires, and what it will do."""

    def __init__(
        self,
        coordinator: ElectraTimersCoordinator,
        device: ElectraDevice,
        unit_zone: tzinfo | None,
    ) -> None:
        """Create the next-timer sensor of one unit (timer times are local to the unit)."""
        super().__init__(coordinator, NEXT_TIMER, device)
        self._unit_zone = unit_zone
        self._unsub_fire: CALLBACK_TYPE | None = None

    def _next(self) -> tuple[datetime, Any] | None:
        timers = (self.coordinator.data or {}).get(self.device_id)
        return next_timer(timers, dt_util.now(self._unit_zone))

    async def async_added_to_hass(self) -> None:
        """Move on to the following timer when the next one fires (timers are read hourly)."""
        await super().async_added_to_hass()
        self.async_on_remove(self._cancel_fire)
        self._schedule_fire()

    @callback
    def _handle_coordinator_update(self) -> None:
        self._schedule_fire()
        super()._handle_coordinator_update()

    @callback
    def _cancel_fire(self) -> None:
        if self._unsub_fire is not None:
            self._unsub_fire()
            self._unsub_fire = None

    @callback
    def _schedule_fire(self) -> None:
        self._cancel_fire()
        if (upcoming := self._next()) is not None:
            self._unsub_fire = async_track_point_in_time(self.hass, self._fired, upcoming[0])

    @callback
    def _fired(self, _now: datetime) -> None:
        self._unsub_fire = None
        self._schedule_fire()
        self.async_write_ha_state()

    @property
    def native_value(self) -> datetime | None:
        """The next time a timer fires; unknown when none is due."""
        upcoming = self._next()
        return upcoming[0] if upcoming else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """What the next timer will do."""
        upcoming = self._next()
        if upcoming is None:
            return None
        details = timer_to_dict(upcoming[1])
        return {key: details[key] for key in ("timer_id", "hvac_mode", "temperature", "fan_mode")}
