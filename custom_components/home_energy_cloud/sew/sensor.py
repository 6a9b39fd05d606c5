"""SEW sensors: month-to-date and projected usage and cost per meter; bill and balance per account.

Usage and cost are ``total`` (not increasing: a net meter's can fall, and they restart each
billing period). For the Energy and water dashboards users pick the imported statistics, not
these sensors (see README).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api.sew import SewBill, SewUsageSummary
from .coordinator import SewConfigEntry, SewCoordinator
from .entity import SewAccountEntity, SewMeterEntity, add_entities_as_meters_appear
from .statistics import MeterImportState
from .units import device_class


@dataclass(frozen=True, kw_only=True)
class SewUsageSensorDescription(SensorEntityDescription):
    """A meter figure in the meter's unit (``money``: in the utility's currency instead)."""

    money: bool = False
    summary_fn: Callable[[SewUsageSummary], float | None] | None = None
    import_fn: Callable[[MeterImportState], float | datetime | None] | None = None


METER_SENSORS: tuple[SewUsageSensorDescription, ...] = (
    SewUsageSensorDescription(
        key="usage_to_date",
        translation_key="usage_to_date",
        state_class=SensorStateClass.TOTAL,
        summary_fn=lambda summary: summary.so_far,
    ),
    SewUsageSensorDescription(
        key="cost_to_date",
        translation_key="cost_to_date",
        money=True,
        state_class=SensorStateClass.TOTAL,
        summary_fn=lambda summary: summary.so_far_cost,
    ),
    SewUsageSensorDescription(
        key="projected_usage",
        translation_key="projected_usage",
        summary_fn=lambda summary: summary.projected,
    ),
    SewUsageSensorDescription(
        key="projected_cost",
        translation_key="projected_cost",
        money=True,
        summary_fn=lambda summary: summary.projected_cost,
    ),
    SewUsageSensorDescription(
        key="latest_daily_usage",
        translation_key="latest_daily_usage",
        import_fn=lambda state: state.latest_day_usage,
    ),
    SewUsageSensorDescription(
        key="data_freshness",
        translation_key="data_freshness",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        import_fn=lambda state: state.newest_final,
    ),
)


@dataclass(frozen=True, kw_only=True)
class SewBillSensorDescription(SensorEntityDescription):
    """A figure of the account's bill."""

    value_fn: Callable[[SewBill], float | date | None]


ACCOUNT_SENSORS: tuple[SewBillSensorDescription, ...] = (
    SewBillSensorDescription(
        key="last_bill_amount",
        translation_key="last_bill_amount",
        device_class=SensorDeviceClass.MONETARY,
        value_fn=lambda bill: bill.amount,
    ),
    SewBillSensorDescription(
        key="bill_due_date",
        translation_key="bill_due_date",
        device_class=SensorDeviceClass.DATE,
        value_fn=lambda bill: bill.due_date,
    ),
    SewBillSensorDescription(
        key="account_balance",
        translation_key="account_balance",
        device_class=SensorDeviceClass.MONETARY,
        value_fn=lambda bill: bill.balance,
    ),
)


def _currency(hass: HomeAssistant, coordinator: SewCoordinator) -> str:
    return coordinator.utility.currency or hass.config.currency


async def async_setup_sensors(
    hass: HomeAssistant,
    entry: SewConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the account's bill sensors, and each meter's sensors as meters appear."""
    coordinator = entry.runtime_data.coordinator
    currency = _currency(hass, coordinator)
    async_add_entities(
        SewBillSensor(coordinator, description, currency) for description in ACCOUNT_SENSORS
    )

    def build(uid: str) -> list[Entity]:
        return [
            SewMeterSensor(coordinator, description, uid, currency) for description in METER_SENSORS
        ]

    add_entities_as_meters_appear(entry, async_add_entities, build)


class SewMeterSensor(SewMeterEntity, SensorEntity):
    """A meter's month-to-date, projected or imported figure."""

    entity_description: SewUsageSensorDescription

    def __init__(
        self,
        coordinator: SewCoordinator,
        description: SewUsageSensorDescription,
        uid: str,
        currency: str,
    ) -> None:
        """Units from the utility: the meter's for quantities, its currency for money."""
        super().__init__(coordinator, description, uid)
        meter = coordinator.data.meters[uid]
        if description.money:
            self._attr_device_class = SensorDeviceClass.MONETARY
            self._attr_native_unit_of_measurement = currency
        elif description.device_class is None:
            self._attr_native_unit_of_measurement = meter.unit
            self._attr_device_class = device_class(meter.meter, meter.unit)

    @property
    def native_value(self) -> float | datetime | None:
        """The figure; unknown until the utility reports it."""
        description = self.entity_description
        if description.import_fn is not None:
            state = self.coordinator.importer.states.get(self.device_unique_id)
            return description.import_fn(state) if state is not None else None
        meter = self.meter_data
        if meter is None or meter.summary is None or description.summary_fn is None:
            return None
        return description.summary_fn(meter.summary)


class SewBillSensor(SewAccountEntity, SensorEntity):
    """A figure of the account's current bill."""

    entity_description: SewBillSensorDescription

    def __init__(
        self, coordinator: SewCoordinator, description: SewBillSensorDescription, currency: str
    ) -> None:
        """Money in the utility's currency."""
        super().__init__(coordinator, description)
        if description.device_class is SensorDeviceClass.MONETARY:
            self._attr_native_unit_of_measurement = currency

    @property
    def native_value(self) -> float | date | None:
        """The figure; unknown while the bill cannot be read."""
        bill = self.coordinator.data.bill
        return self.entity_description.value_fn(bill) if bill is not None else None
