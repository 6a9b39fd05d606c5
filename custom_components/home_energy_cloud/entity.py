"""The base entity every vendor's entities derive from."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity, DataUpdateCoordinator


class HomeEnergyCloudEntity[CoordinatorT: DataUpdateCoordinator[Any]](
    CoordinatorEntity[CoordinatorT]
):
    """A coordinator entity named by translation key and attached to a vendor device.

    ``unique_id`` is ``<device unique id>_<description key>``; device unique ids carry the vendor
    prefix, so two vendors never collide inside the one domain. Availability is the
    coordinator's (the account) and :attr:`device_available` (this device), so an offline device
    or a failed feature read makes only its own entities unavailable.
    """

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: CoordinatorT,
        description: EntityDescription,
        *,
        device_unique_id: str,
        device_info: DeviceInfo,
    ) -> None:
        """Attach the entity to its device."""
        super().__init__(coordinator)
        self.entity_description = description
        self.device_unique_id = device_unique_id
        self._attr_unique_id = f"{device_unique_id}_{description.key}"
        self._attr_device_info = device_info

    @property
    def device_available(self) -> bool:
        """Whether this entity's device (and the data it shows) is available; vendors override."""
        return True

    @property
    def available(self) -> bool:
        """Available while the account's last update worked and the device is available."""
        return super().available and self.device_available


@callback
def async_remove_retired_entities(
    hass: HomeAssistant, entry: ConfigEntry[Any], platform: Platform, keys: Collection[str]
) -> None:
    """Remove the registry entries of entities this version no longer creates.

    Without it they would linger as orphans ("no longer provided by the integration").
    """
    registry = er.async_get(hass)
    suffixes = tuple(f"_{key}" for key in keys)
    for entity in er.async_entries_for_config_entry(registry, entry.entry_id):
        if entity.domain == platform and entity.unique_id.endswith(suffixes):
            registry.async_remove(entity.entity_id)
