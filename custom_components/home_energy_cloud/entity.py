"""The base entity every vendor's entities derive from."""

from __future__ import annotations

from typing import Any

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
