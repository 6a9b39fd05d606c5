"""Electra Smart base entity: per-unit availability and optimistic, confirmed writes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api.electra import ElectraCommandNotAppliedError, ElectraDevice, ElectraTelemetry
from ..api.exceptions import ApiAuthError, ApiError
from ..const import DOMAIN
from ..coordinator import api_error_translation
from ..entity import HomeEnergyCloudEntity
from ..vendor_spec import HomeEnergyCloudConfigEntry
from .coordinator import ElectraCoordinator, ElectraRuntime, device_info, device_unique_id


def electra_runtime(entry: HomeEnergyCloudConfigEntry) -> ElectraRuntime:
    """The entry's runtime data, typed (platforms only load for the entry's own vendor)."""
    runtime = entry.runtime_data
    assert isinstance(runtime, ElectraRuntime)
    return runtime


def add_entities_as_units_appear(
    entry: HomeEnergyCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    build: Callable[[ElectraDevice, ElectraTelemetry | None], Iterable[Entity]],
) -> None:
    """Add a unit's entities when it appears, and those that depend on keys once it reports them.

    ``build`` may return entities already added; they are recognised by unique id.
    """
    coordinator = electra_runtime(entry).coordinator
    added: dict[str, set[str]] = {}  # device unique id -> unique ids of its entities

    @callback
    def add_new() -> None:
        data = coordinator.data
        present = {device_unique_id(device) for device in data.devices.values()}
        # Forget units that left, so a unit that comes back gets entities again.
        for gone in added.keys() - present:
            del added[gone]
        new: list[Entity] = []
        for device_id, device in data.devices.items():
            seen = added.setdefault(device_unique_id(device), set())
            for entity in build(device, data.telemetry.get(device_id)):
                if entity.unique_id not in seen:
                    seen.add(str(entity.unique_id))
                    new.append(entity)
        if new:
            async_add_entities(new)

    add_new()
    entry.async_on_unload(coordinator.async_add_listener(add_new))


class ElectraEntity(HomeEnergyCloudEntity[ElectraCoordinator]):
    """An entity of one air conditioner, fed by the account's telemetry coordinator."""

    def __init__(
        self,
        coordinator: ElectraCoordinator,
        description: EntityDescription,
        device: ElectraDevice,
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
        # Values sent but not yet confirmed: shown at once, dropped once the command settles.
        self._pending: dict[str, str | int] = {}

    @property
    def telemetry(self) -> ElectraTelemetry | None:
        """The unit's latest telemetry (None if the last read failed)."""
        return self.coordinator.data.telemetry.get(self.device_id)

    @property
    def oper(self) -> dict[str, Any]:
        """The unit's operating state, with pending changes applied."""
        telemetry = self.telemetry
        return {**((telemetry.oper if telemetry else None) or {}), **self._pending}

    @property
    def diag(self) -> dict[str, Any] | None:
        """The unit's DIAG_L2 readings."""
        telemetry = self.telemetry
        return telemetry.diag if telemetry else None

    @property
    def available(self) -> bool:
        """Unavailable when this unit's read failed or it has never reported its state."""
        telemetry = self.telemetry
        return (
            super().available
            and self.device_id in self.coordinator.data.devices
            and telemetry is not None
            and telemetry.oper is not None
        )

    async def async_apply(self, changes: Mapping[str, str | int]) -> None:
        """Send OPER changes, showing them at once and the unit's true state afterwards."""
        self._pending.update(changes)
        self.async_write_ha_state()
        try:
            await self.coordinator.async_set_state(self.device_id, changes)
        except ElectraCommandNotAppliedError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="command_not_applied",
                translation_placeholders={"device": self._device_name},
            ) from err
        except ApiError as err:
            if isinstance(err, ApiAuthError):
                # Ask now rather than at the next poll.
                self.coordinator.config_entry.async_start_reauth(self.hass)
            raise HomeAssistantError(**api_error_translation(err)) from err
        finally:
            for key, value in changes.items():
                # A later command for the same key (a slider drag) keeps its own pending value.
                if self._pending.get(key) == value:
                    del self._pending[key]
            self.async_write_ha_state()
