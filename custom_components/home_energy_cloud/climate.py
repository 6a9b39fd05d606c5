"""Climate entities (Electra Smart air conditioners).

Each vendor builds its own entities; this module only hands the platform to the entry's vendor.
"""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .vendor_spec import HomeEnergyCloudConfigEntry, async_setup_vendor_platform

# One number per platform module, shared by every vendor's entities of this platform, so it
# cannot fit them all: no limit here, and each vendor bounds its own writes where its cloud
# needs it (Electra's client serialises per unit and merges rapid changes into one command;
# a limit here would defeat that merging and let one vendor's slow writes hold up another's).
PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant,
    entry: HomeEnergyCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Set up the vendor's climate entities."""
    await async_setup_vendor_platform(Platform.CLIMATE, hass, entry, async_add_entities)
