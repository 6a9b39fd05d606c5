"""SEW entities: one device per meter, attached to the account's device."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..devices import async_add_entities_as_devices_appear
from ..entity import HomeEnergyCloudEntity
from .coordinator import (
    SewConfigEntry,
    SewCoordinator,
    SewData,
    SewMeterData,
    account_device_info,
    account_unique_id,
    meter_device_info,
)


class SewAccountEntity(HomeEnergyCloudEntity[SewCoordinator]):
    """An entity of the account (bill, balance, outage)."""

    def __init__(self, coordinator: SewCoordinator, description: EntityDescription) -> None:
        """Attach to the account's device."""
        utility, account = coordinator.utility, coordinator.account_number
        super().__init__(
            coordinator,
            description,
            device_unique_id=account_unique_id(utility, account),
            device_info=account_device_info(utility, account),
        )


class SewMeterEntity(HomeEnergyCloudEntity[SewCoordinator]):
    """An entity of one meter."""

    def __init__(
        self, coordinator: SewCoordinator, description: EntityDescription, uid: str
    ) -> None:
        """Attach to the meter's device."""
        meter = coordinator.data.meters[uid].meter
        super().__init__(
            coordinator,
            description,
            device_unique_id=uid,
            device_info=meter_device_info(
                coordinator.utility,
                coordinator.account_number,
                meter,
                coordinator.account_device_id,
            ),
        )

    @property
    def meter_data(self) -> SewMeterData | None:
        """The meter's latest figures (None once the account no longer has it)."""
        return self.coordinator.data.meters.get(self.device_unique_id)

    @property
    def device_available(self) -> bool:
        """Available while the account still lists the meter."""
        return self.meter_data is not None


def _signatures(data: SewData) -> dict[str, Hashable]:
    return {uid: meter.meter.service for uid, meter in data.meters.items()}


def add_entities_as_meters_appear(
    entry: SewConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: Callable[[str], Iterable[Entity]],
) -> None:
    """Add a meter's entities when the account first lists it."""
    runtime = entry.runtime_data
    async_add_entities_as_devices_appear(
        entry, runtime.coordinator, runtime.devices, async_add_entities, _signatures, build
    )
