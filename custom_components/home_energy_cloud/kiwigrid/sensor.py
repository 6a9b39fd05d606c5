"""Solarwatt / Kiwigrid sensors: the site's flows, batteries, inverters, meters, EV stations.

The six site energy sensors (PV, grid import and export, battery charged and discharged,
house consumption) are ``energy``/``total_increasing`` in kWh and fill the Energy dashboard's
slots directly. Every lifetime counter goes through :class:`KiwigridCounterSensor`, which
never goes backwards (see its docstring).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Self

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    PERCENTAGE,
    EntityCategory,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTemperature,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import ExtraStoredData, RestoreEntity

from ..api.kiwigrid import (
    Battery,
    EnergyManager,
    EVStation,
    Inverter,
    KiwigridDevice,
    Location,
    PowerMeter,
)
from .coordinator import KiwigridConfigEntry
from .entity import (
    KiwigridCoordinator,
    KiwigridDescription,
    KiwigridEntity,
    add_entities_as_devices_appear,
)

BATTERY_MODES = ("charging", "discharging", "idle", "standby", "off", "error")


@dataclass(frozen=True, kw_only=True)
class KiwigridSensorDescription(KiwigridDescription, SensorEntityDescription):
    """A sensor of one kind of device."""

    counter: bool = False
    """A lifetime energy counter (Wh in the source): monotonic, shown in kWh."""


def _difference(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 1)


def _share(part: float | None, whole: float | None) -> float | None:
    """``part / whole`` in %, clamped to 0-100; None without a meaningful whole."""
    if part is None or whole is None or whole <= 0:
        return None
    return round(min(max(part / whole * 100.0, 0.0), 100.0), 1)


def self_consumption(site: Location) -> float | None:
    """The share of the PV power used on site (not exported)."""
    return _share(_difference(site.power_produced, site.power_out), site.power_produced)


def self_sufficiency(site: Location) -> float | None:
    """The share of the house consumption not drawn from the grid."""
    return _share(_difference(site.power_consumed, site.power_in), site.power_consumed)


def battery_mode(battery: Battery) -> str | None:
    """The converter mode, where it is one of the known ones."""
    mode = (battery.mode or "").lower()
    return mode if mode in BATTERY_MODES else None


def cloud_last_seen(manager: EnergyManager) -> datetime | None:
    """When the manager last reached the cloud (epoch ms; 0 means never)."""
    if not manager.cloud_last_seen_ms:
        return None
    try:
        return datetime.fromtimestamp(manager.cloud_last_seen_ms / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _power(
    key: str, kind: type[KiwigridDevice], value_fn: Callable[[Any], Any], **kwargs: Any
) -> KiwigridSensorDescription:
    return KiwigridSensorDescription(
        key=key,
        translation_key=key,
        kind=kind,
        value_fn=value_fn,
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        **kwargs,
    )


def _energy(
    key: str, kind: type[KiwigridDevice], value_fn: Callable[[Any], Any], **kwargs: Any
) -> KiwigridSensorDescription:
    return KiwigridSensorDescription(
        key=key,
        translation_key=key,
        kind=kind,
        value_fn=value_fn,
        counter=True,
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING,
        suggested_display_precision=2,
        **kwargs,
    )


SITE_SENSORS: tuple[KiwigridSensorDescription, ...] = (
    _power("pv_power", Location, lambda s: s.power_produced),
    _power("grid_import_power", Location, lambda s: s.power_in),
    _power("grid_export_power", Location, lambda s: s.power_out),
    _power("grid_net_power", Location, lambda s: _difference(s.power_in, s.power_out)),
    _power("house_consumption_power", Location, lambda s: s.power_consumed),
    _power("battery_charge_power", Location, lambda s: s.power_buffered),
    _power("battery_discharge_power", Location, lambda s: s.power_released),
    _power(
        "battery_net_power",
        Location,
        lambda s: _difference(s.power_released, s.power_buffered),
    ),
    _energy("pv_energy", Location, lambda s: s.work_produced),
    _energy("grid_import_energy", Location, lambda s: s.work_in),
    _energy("grid_export_energy", Location, lambda s: s.work_out),
    _energy("battery_charged_energy", Location, lambda s: s.work_buffered),
    _energy("battery_discharged_energy", Location, lambda s: s.work_released),
    _energy("house_consumption_energy", Location, lambda s: s.work_consumed),
    KiwigridSensorDescription(
        key="self_consumption",
        translation_key="self_consumption",
        kind=Location,
        value_fn=self_consumption,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
    ),
    KiwigridSensorDescription(
        key="self_sufficiency",
        translation_key="self_sufficiency",
        kind=Location,
        value_fn=self_sufficiency,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
    ),
)
BATTERY_SENSORS: tuple[KiwigridSensorDescription, ...] = (
    KiwigridSensorDescription(
        key="state_of_charge",
        translation_key="state_of_charge",
        kind=Battery,
        value_fn=lambda b: b.state_of_charge,
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        suggested_display_precision=0,
    ),
    KiwigridSensorDescription(
        key="state_of_health",
        translation_key="state_of_health",
        kind=Battery,
        value_fn=lambda b: b.state_of_health,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
    KiwigridSensorDescription(
        key="battery_temperature",
        translation_key="battery_temperature",
        kind=Battery,
        value_fn=lambda b: b.temperature,
        device_class=SensorDeviceClass.TEMPERATURE,
        native_unit_of_measurement=UnitOfTemperature.CELSIUS,
        state_class=SensorStateClass.MEASUREMENT,
    ),
    KiwigridSensorDescription(
        key="battery_mode",
        # Not "battery_mode": that key is Derapi's (translation keys share one namespace).
        translation_key="converter_mode",
        kind=Battery,
        value_fn=battery_mode,
        device_class=SensorDeviceClass.ENUM,
        options=list(BATTERY_MODES),
    ),
    KiwigridSensorDescription(
        key="capacity",
        translation_key="capacity",
        kind=Battery,
        value_fn=lambda b: None if b.work_capacity is None else b.work_capacity / 1000,
        device_class=SensorDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        entity_category=EntityCategory.DIAGNOSTIC,
    ),
    KiwigridSensorDescription(
        key="backup_reserve",
        translation_key="backup_reserve",
        kind=Battery,
        value_fn=lambda b: b.backup_reserve,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
    ),
    _power("charge_power", Battery, lambda b: b.power_in),
    _power("discharge_power", Battery, lambda b: b.power_out),
    _energy("charged_energy", Battery, lambda b: b.work_in),
    _energy("discharged_energy", Battery, lambda b: b.work_out),
)
DEVICE_SENSORS: tuple[KiwigridSensorDescription, ...] = (
    _power("output_power", Inverter, lambda i: i.power_out),
    _energy("produced_energy", Inverter, lambda i: i.work_out),
    _power("import_power", PowerMeter, lambda m: m.power_in),
    _power("export_power", PowerMeter, lambda m: m.power_out),
    _energy("imported_energy", PowerMeter, lambda m: m.work_in),
    _energy("exported_energy", PowerMeter, lambda m: m.work_out),
    _power("charging_power", EVStation, lambda e: e.power_in),
    _energy("charged_energy", EVStation, lambda e: e.work_in),
    KiwigridSensorDescription(
        key="session_energy",
        translation_key="session_energy",
        kind=EVStation,
        # Restarts at 0 with every charging session, which total_increasing expects.
        value_fn=lambda e: None if e.work_in_session is None else e.work_in_session / 1000,
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING,
        suggested_display_precision=2,
    ),
    KiwigridSensorDescription(
        key="station_mode",
        translation_key="station_mode",
        kind=EVStation,
        value_fn=lambda e: e.mode.lower() if e.mode else None,
    ),
    KiwigridSensorDescription(
        key="vehicle_state_of_charge",
        translation_key="vehicle_state_of_charge",
        kind=EVStation,
        value_fn=lambda e: e.state_of_charge,
        device_class=SensorDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        state_class=SensorStateClass.MEASUREMENT,
    ),
    KiwigridSensorDescription(
        key="last_cloud_contact",
        translation_key="last_cloud_contact",
        kind=EnergyManager,
        value_fn=cloud_last_seen,
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        # DateCloudLastSeen moves with each upload: a new state (a database row) at every update.
        entity_registry_enabled_default=False,
    ),
)
SENSORS = (*SITE_SENSORS, *BATTERY_SENSORS, *DEVICE_SENSORS)


async def async_setup_sensors(
    hass: HomeAssistant,
    entry: KiwigridConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add each device's sensors as the site reports them."""

    def create(
        coordinator: KiwigridCoordinator,
        description: KiwigridSensorDescription,
        uid: str,
        device: KiwigridDevice,
    ) -> Entity:
        cls = KiwigridCounterSensor if description.counter else KiwigridSensor
        return cls(coordinator, description, uid, device)

    add_entities_as_devices_appear(entry, async_add_entities, SENSORS, create)


class KiwigridSensor(KiwigridEntity, SensorEntity):
    """A reading of one device."""

    entity_description: KiwigridSensorDescription

    @property
    def native_value(self) -> Any:
        """The value as last read; unknown when the source has none."""
        return self.source_value()


@dataclass
class CounterStoredData(ExtraStoredData):
    """What a counter remembers across restarts: its value and the source's last reading."""

    value: float
    source: float

    def as_dict(self) -> dict[str, Any]:
        """The stored form."""
        return {"value": self.value, "source": self.source}

    @classmethod
    def from_dict(cls, restored: dict[str, Any]) -> Self | None:
        """The restored form; None when damaged."""
        try:
            return cls(float(restored["value"]), float(restored["source"]))
        except (KeyError, TypeError, ValueError):
            return None


class KiwigridCounterSensor(KiwigridSensor, RestoreEntity):
    """A lifetime energy counter (kWh) that never goes backwards.

    The source counts Wh. A null or missing value keeps the last valid one; a source that
    falls back (a reset after a meter swap or a firmware update) is carried over: the counter
    keeps its value and grows from there with the source's increases. Value and last source
    reading are restored after a restart, so a reset while Home Assistant was off is handled
    the same way.
    """

    _value: float | None = None
    _source: float | None = None

    async def async_added_to_hass(self) -> None:
        """Restore the counter, then take the current reading."""
        await super().async_added_to_hass()
        last = await self.async_get_last_extra_data()
        stored = CounterStoredData.from_dict(last.as_dict()) if last is not None else None
        if stored is not None:
            self._value, self._source = stored.value, stored.source
        self._take_reading()

    @callback
    def _handle_coordinator_update(self) -> None:
        self._take_reading()
        super()._handle_coordinator_update()

    def _take_reading(self) -> None:
        reading = self.source_value()
        if reading is None or reading < 0:
            return
        source = float(reading)
        if self._value is None or self._source is None:
            self._value = source
        elif source >= self._source:
            self._value += source - self._source
        self._source = source

    @property
    def native_value(self) -> float | None:
        """The counter in kWh; unknown only before the first valid reading."""
        return None if self._value is None else round(self._value / 1000, 4)

    @property
    def extra_restore_state_data(self) -> CounterStoredData | None:
        """Value and source reading, for the next start."""
        if self._value is None or self._source is None:
            return None
        return CounterStoredData(self._value, self._source)
