"""Select entities.

Each vendor builds its own entities; this module only hands the platform to the entry's vendor.
"""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .vendor_spec import HomeEnergyCloudConfigEntry, async_setup_vendor_platform

# Writes are confirmed by reading back; the coordinators do all the fetching.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HomeEnergyCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the vendor's select entities."""
    await async_setup_vendor_platform(Platform.SELECT, hass, entry, async_add_entities)
