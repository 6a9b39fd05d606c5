"""Electra Smart base entity: per-unit availability and optimistic, confirmed writes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from ..api.electra import ElectraCommandNotAppliedError, ElectraDevice, ElectraTelemetry
from ..api.exceptions import ApiError
from ..const import DOMAIN
from ..devices import async_add_entities_as_devices_appear
from ..entity import HomeEnergyCloudEntity
from ..errors import action_error
from .coordinator import (
    ElectraConfigEntry,
    ElectraCoordinator,
    ElectraTimersCoordinator,
    device_info,
    device_unique_id,
)


def add_entities_as_units_appear(
    entry: ElectraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: Callable[[ElectraDevice, ElectraTelemetry | None], Iterable[Entity]],
) -> None:
    """Add a unit's entities when it appears, and those that depend on keys once it reports them.

    ``build`` may return entities already added; they are recognised by unique id.
    """
    coordinator = entry.runtime_data.coordinator

    def build_unit(uid: str) -> Iterable[Entity]:
        data = coordinator.data
        device_id = data.by_unique_id[uid]
        return build(data.devices[device_id], data.telemetry.get(device_id))

    async_add_entities_as_devices_appear(
        entry,
        coordinator,
        entry.runtime_data.devices,
        async_add_entities,
        lambda data: data.features,
        build_unit,
    )


def unit_available(coordinator: ElectraCoordinator, device_id: int) -> bool:
    """Whether a unit is listed, its last read worked and it reports its state.

    A unit that stopped reporting keeps being served by the cloud with its last values;
    showing them as current would be a state that is no longer true.
    """
    data = coordinator.data
    telemetry = data.telemetry.get(device_id) if data else None
    return (
        coordinator.last_update_success
        and device_id in data.devices
        and telemetry is not None
        and telemetry.oper is not None
        and not telemetry.is_stale()
    )


class ElectraUnitEntity[CoordinatorT: DataUpdateCoordinator[Any]](
    HomeEnergyCloudEntity[CoordinatorT]
):
    """An entity attached to one air conditioner's device."""

    def __init__(
        self, coordinator: CoordinatorT, description: EntityDescription, device: ElectraDevice
    ) -> None:
        """Attach to the unit's device."""
        super().__init__(
            coordinator,
            description,
            device_unique_id=device_unique_id(device),
            device_info=device_info(device),
        )
        self.device_id = device.id
        self._device_name = device.name


class ElectraEntity(ElectraUnitEntity[ElectraCoordinator]):
    """An entity of one air conditioner, fed by the account's telemetry coordinator."""

    @property
    def telemetry(self) -> ElectraTelemetry | None:
        """The unit's latest telemetry (None if the last read failed)."""
        return self.coordinator.data.telemetry.get(self.device_id)

    @property
    def oper(self) -> dict[str, Any]:
        """The unit's operating state, as last confirmed by the unit."""
        telemetry = self.telemetry
        return dict((telemetry.oper if telemetry else None) or {})

    @property
    def diag(self) -> dict[str, Any] | None:
        """The unit's DIAG_L2 readings."""
        telemetry = self.telemetry
        return telemetry.diag if telemetry else None

    @property
    def device_available(self) -> bool:
        """Unavailable when this unit's read failed or it has never reported its state."""
        return unit_available(self.coordinator, self.device_id)

    async def async_apply(self, changes: Mapping[str, str | int]) -> None:
        """Send OPER changes; the entity shows them once the unit has confirmed them.

        Nothing is shown before: a unit may refuse a command, and a requested state written
        to the state machine would stay in history and the logbook although it never
        happened. The coordinator publishes the unit's state as read back, whatever happens.
        """
        try:
            await self.coordinator.async_set_state(self.device_id, changes)
        except ElectraCommandNotAppliedError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_not_applied",
                translation_placeholders={"device": self._device_name},
            ) from err
        except ApiError as err:
            raise action_error(self.hass, self.coordinator.config_entry, err) from err


class ElectraTimersEntity(ElectraUnitEntity[ElectraTimersCoordinator]):
    """An entity of one unit's cloud timers.

    Timers live in the cloud, but an entity that stays usable while its unit is offline or the
    account is locked out misleads: availability follows the unit (and so the account) too.
    """

    async def async_added_to_hass(self) -> None:
        """Also follow the unit's telemetry, which decides availability."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.units.async_add_listener(self._handle_coordinator_update)
        )

    @property
    def device_available(self) -> bool:
        """Available while the unit is and its timers could be read."""
        return (
            unit_available(self.coordinator.units, self.device_id)
            and (self.coordinator.data or {}).get(self.device_id) is not None
        )
