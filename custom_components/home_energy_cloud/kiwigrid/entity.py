"""Solarwatt / Kiwigrid base entity: one device of the site, found by its device unique id."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api.kiwigrid import (
    Battery,
    EnergyManager,
    EVStation,
    Inverter,
    KiwigridDevice,
    Location,
    PowerMeter,
)
from ..const import DOMAIN
from ..coordinator import HomeEnergyCloudCoordinator
from ..devices import async_add_entities_as_devices_appear
from ..entity import HomeEnergyCloudEntity
from .coordinator import KiwigridConfigEntry, KiwigridData

type KiwigridCoordinator = HomeEnergyCloudCoordinator[KiwigridData]

# A device without an IdName (the REST cloud names none) is called by its kind.
_DEFAULT_NAMES: dict[type[KiwigridDevice], str] = {
    Location: "Solar site",
    EnergyManager: "Energy Manager",
    Battery: "Battery",
    Inverter: "Inverter",
    PowerMeter: "Power meter",
    EVStation: "EV station",
}


def device_info(uid: str, device: KiwigridDevice) -> DeviceInfo:
    """The device registry record of one site device."""
    name = device.name or _DEFAULT_NAMES.get(type(device), "Device")
    return DeviceInfo(
        identifiers={(DOMAIN, uid)},
        name=name,
        manufacturer=device.manufacturer or ("Kiwigrid" if type(device) is Location else None),
        model=device.model,
        sw_version=device.firmware,
        serial_number=device.serial_number,
    )


@dataclass(frozen=True, kw_only=True)
class KiwigridDescription(EntityDescription):
    """An entity of one kind of device, with the value it shows."""

    kind: type[KiwigridDevice]
    value_fn: Callable[[Any], Any]
    """The value from the typed device (None: the source has none now)."""


def add_entities_as_devices_appear[D: KiwigridDescription](
    entry: KiwigridConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Sequence[D],
    create: Callable[[KiwigridCoordinator, D, str, KiwigridDevice], Entity],
) -> None:
    """Add each device's entities as soon as the site reports a value for them.

    An entity appears with its first value (a battery without a temperature sensor gets no
    temperature entity) and stays afterwards, unknown while the value is missing.
    """
    coordinator = entry.runtime_data.coordinator

    def reported(device: KiwigridDevice) -> Iterable[D]:
        return (
            description
            for description in descriptions
            if isinstance(device, description.kind) and description.value_fn(device) is not None
        )

    def signatures(data: KiwigridData) -> dict[str, Hashable]:
        return {
            uid: frozenset(description.key for description in reported(device))
            for uid, device in data.devices.items()
        }

    def build(uid: str) -> list[Entity]:
        device = coordinator.data.devices[uid]
        return [create(coordinator, description, uid, device) for description in reported(device)]

    async_add_entities_as_devices_appear(
        entry, coordinator, entry.runtime_data.devices, async_add_entities, signatures, build
    )


class KiwigridEntity(HomeEnergyCloudEntity[KiwigridCoordinator]):
    """An entity of one device of the site."""

    entity_description: KiwigridDescription

    def __init__(
        self,
        coordinator: KiwigridCoordinator,
        description: KiwigridDescription,
        uid: str,
        device: KiwigridDevice,
    ) -> None:
        """Attach to the device."""
        super().__init__(
            coordinator, description, device_unique_id=uid, device_info=device_info(uid, device)
        )

    @property
    def device(self) -> KiwigridDevice | None:
        """The device as last read (None when the site no longer reports it)."""
        data = self.coordinator.data
        return data.devices.get(self.device_unique_id) if data else None

    @property
    def device_available(self) -> bool:
        """Available while the site reports the device."""
        return self.device is not None

    def source_value(self) -> Any:
        """The description's value for the device as last read."""
        device = self.device
        return self.entity_description.value_fn(device) if device is not None else None
