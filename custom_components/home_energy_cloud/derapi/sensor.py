"""Derapi sensors: inverter production, battery and site storage state, report times."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfEnergy
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api.derapi import BATTERY_MODES, DerapiBattery, DerapiSite, DerapiSolarInverter
from .entity import (
    DerapiBatteryEntity,
    DerapiInverterEntity,
    DerapiSiteEntity,
    add_entities_as_devices_appear,
)
from .runtime import DerapiConfigEntry

type SensorValue = float | str | datetime | None


def _mode(mode: str | None) -> str | None:
    """A mode the enum knows, else unknown (a new vendor mode must not break the entity)."""
    return mode if mode in BATTERY_MODES else None


@dataclass(frozen=True, kw_only=True)
class InverterSensorDescription(SensorEntityDescription):
    """A reading of a solar inverter."""

    value_fn: Callable[[DerapiSolarInverter], SensorValue]
    exists_fn: Callable[[DerapiSolarInverter], bool] = lambda _: True


@dataclass(frozen=True, kw_only=True)
class BatterySensorDescription(SensorEntityDescription):
    """A reading of a battery."""

    value_fn: Callable[[DerapiBattery], SensorValue]


@dataclass(frozen=True, kw_only=True)
class SiteSensorDescription(SensorEntityDescription):
    """A reading of a site; `fresh` ones come from the details poll (battery system state)."""

    value_fn: Callable[[DerapiSite], SensorValue]
    fresh: bool = True
    needs_bess: bool = True


INVERTER_SENSORS: tuple[InverterSensorDescription, ...] = (
    InverterSensorDescription(
        key="lifetime_production",
        translation_key="lifetime_production",
        device_class=SensorDeviceClass.ENERGY,
        state_class=SensorStateClass.TOTAL_INCREASING,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        value_fn=lambda i: i.lifetime_production.kwh if i.lifetime_production else None,
        exists_fn=lambda i: i.lifetime_production is not None,
    ),
    InverterSensorDescription(
        key="recent_production",
        translation_key="recent_production",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda i: i.recent_production.kwh if i.recent_production else None,
        exists_fn=lambda i: i.recent_production is not None,
    ),
    InverterSensorDescription(
        key="last_reported",
        translation_key="last_reported",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda i: i.reported_at,
    ),
)

BATTERY_SENSORS: tuple[BatterySensorDescription, ...] = (
    BatterySensorDescription(
        key="battery_level",
        device_class=SensorDeviceClass.BATTERY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        value_fn=lambda b: b.state_of_charge_percent,
    ),
    BatterySensorDescription(
        key="nameplate_capacity",
        translation_key="nameplate_capacity",
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda b: b.nameplate_kwh,
    ),
    BatterySensorDescription(
        key="battery_mode",
        translation_key="battery_mode",
        device_class=SensorDeviceClass.ENUM,
        options=[mode.lower().replace(" ", "_") for mode in BATTERY_MODES],
        value_fn=lambda b: _option(b.mode),
    ),
    BatterySensorDescription(
        key="last_reported",
        translation_key="last_reported",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda b: b.reported_at,
    ),
)

SITE_SENSORS: tuple[SiteSensorDescription, ...] = (
    SiteSensorDescription(
        key="battery_level",
        device_class=SensorDeviceClass.BATTERY,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        value_fn=lambda s: s.bess.state_of_charge_percent if s.bess else None,
    ),
    SiteSensorDescription(
        key="nameplate_capacity",
        translation_key="nameplate_capacity",
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda s: s.bess.nameplate_kwh if s.bess else None,
    ),
    SiteSensorDescription(
        key="battery_mode",
        translation_key="battery_mode",
        device_class=SensorDeviceClass.ENUM,
        options=[mode.lower().replace(" ", "_") for mode in BATTERY_MODES],
        # The site's battery-mode select shows the same state beside it.
        entity_registry_enabled_default=False,
        value_fn=lambda s: _option(s.bess.mode if s.bess else None),
    ),
    SiteSensorDescription(
        key="operational_since",
        translation_key="operational_since",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.operational_since,
        fresh=False,
        needs_bess=False,
    ),
)


def _option(mode: str | None) -> str | None:
    """A battery mode as the enum sensor's option (translated), unknown if Derapi adds one."""
    known = _mode(mode)
    return known.lower().replace(" ", "_") if known else None


async def async_setup_sensors(
    hass: HomeAssistant,
    entry: DerapiConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each device's sensors as it appears."""
    details = entry.runtime_data.details

    def site(item: DerapiSite) -> list[Entity]:
        return [
            DerapiSiteSensor(details, description, item, fresh=description.fresh)
            for description in SITE_SENSORS
            if item.bess is not None or not description.needs_bess
        ]

    def inverter(item: DerapiSolarInverter, info: DeviceInfo) -> list[Entity]:
        return [
            DerapiInverterSensor(details, description, item, info)
            for description in INVERTER_SENSORS
            if description.exists_fn(item)
        ]

    def battery(item: DerapiBattery, info: DeviceInfo) -> list[Entity]:
        return [
            DerapiBatterySensor(details, description, item, info) for description in BATTERY_SENSORS
        ]

    add_entities_as_devices_appear(
        hass, entry, async_add_entities, site=site, inverter=inverter, battery=battery
    )


class DerapiInverterSensor(DerapiInverterEntity, SensorEntity):
    """A solar inverter's reading."""

    entity_description: InverterSensorDescription

    @property
    def native_value(self) -> SensorValue:
        """The reading; unknown when the inverter does not report it."""
        inverter = self.inverter
        return self.entity_description.value_fn(inverter) if inverter else None


class DerapiBatterySensor(DerapiBatteryEntity, SensorEntity):
    """A battery's reading."""

    entity_description: BatterySensorDescription

    @property
    def native_value(self) -> SensorValue:
        """The reading; unknown when the battery does not report it."""
        battery = self.battery
        return self.entity_description.value_fn(battery) if battery else None


class DerapiSiteSensor(DerapiSiteEntity, SensorEntity):
    """A site's reading."""

    entity_description: SiteSensorDescription

    @property
    def native_value(self) -> SensorValue:
        """The reading; unknown when the site does not report it."""
        site = self.site
        return self.entity_description.value_fn(site) if site else None
