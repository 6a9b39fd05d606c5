"""The SEW entry against the fake utility: devices, every sensor's value, outage, diagnostics."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.const import DOMAIN


async def test_smoke(hass: HomeAssistant, setup_sew: MockConfigEntry) -> None:
    for entity in er.async_entries_for_config_entry(er.async_get(hass), setup_sew.entry_id):
        print(entity.entity_id, hass.states.get(entity.entity_id))
    for device in dr.async_entries_for_config_entry(dr.async_get(hass), setup_sew.entry_id):
        print(device.name, device.identifiers, device.via_device_id)
    assert DOMAIN
