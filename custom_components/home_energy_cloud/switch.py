"""Switch entities (air-conditioner features, timers on/off).

Each vendor builds its own entities; this module only hands the platform to the entry's vendor.
"""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .vendor_spec import HomeEnergyCloudConfigEntry, async_setup_vendor_platform

# No limit: the API clients serialise writes per device and merge rapid ones (slider drags)
# into one command, which a limit here would defeat.
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HomeEnergyCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the vendor's switch entities."""
    await async_setup_vendor_platform(Platform.SWITCH, hass, entry, async_add_entities)
