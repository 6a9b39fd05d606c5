"""Helpers of the Derapi Home Assistant tests."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.home_energy_cloud.const import DOMAIN


def device_of(hass: HomeAssistant, entry: MockConfigEntry, derapi_id: str) -> dr.DeviceEntry | None:
    """The registry device of a Derapi id (a lookup that works on every supported version)."""
    registry = dr.async_get(hass)
    for device in dr.async_entries_for_config_entry(registry, entry.entry_id):
        if (DOMAIN, f"derapi_{derapi_id}") in device.identifiers:
            return device
    return None


def entity_id(hass: HomeAssistant, platform: str, derapi_id: str, key: str) -> str:
    """The entity id of one Derapi device's entity."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"derapi_{derapi_id}_{key}")
    assert found is not None, (platform, derapi_id, key)
    return found


def state_of(hass: HomeAssistant, platform: str, derapi_id: str, key: str) -> str:
    """The state of one Derapi device's entity."""
    state = hass.states.get(entity_id(hass, platform, derapi_id, key))
    assert state is not None
    return state.state


async def async_poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, delta: timedelta = timedelta(minutes=5)
) -> None:
    """Let `delta` pass for Home Assistant's schedulers and run what came due."""
    freezer.tick(delta)
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
