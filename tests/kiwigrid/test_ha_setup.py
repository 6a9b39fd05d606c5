"""Setting up each connection type against the simulator: the same devices and entities."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator.kiwigrid import BATTERY_GUIDS, LOCATION_GUID, KiwigridCloud


def state_of(hass: HomeAssistant, entry: MockConfigEntry, unique_suffix: str) -> str:
    """The state of the entry's entity whose unique id ends with ``unique_suffix``."""
    registry = er.async_get(hass)
    matches = [
        item.entity_id
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if item.unique_id.endswith(unique_suffix)
    ]
    assert len(matches) == 1, (unique_suffix, matches)
    state = hass.states.get(matches[0])
    assert state is not None
    return state.state


@pytest.mark.parametrize("connection", ["local", "solarwatt_legacy", "solarwatt"])
async def test_every_connection_shows_the_site_and_both_batteries(
    hass: HomeAssistant, setup_kiwigrid: MockConfigEntry, kiwigrid: KiwigridCloud, connection: str
) -> None:
    entry = setup_kiwigrid
    assert entry.state is ConfigEntryState.LOADED
    site = kiwigrid.state.site
    pv = site.tag(LOCATION_GUID, "PowerProduced")
    location_guid = "location" if connection == "solarwatt" else LOCATION_GUID
    assert float(state_of(hass, entry, f"{location_guid}_pv_power")) == pytest.approx(pv, abs=60)
    for guid in BATTERY_GUIDS:
        soc = site.tag(guid, "StateOfCharge")
        assert float(state_of(hass, entry, f"{guid}_state_of_charge")) == pytest.approx(soc, abs=1)
    for key in (
        "pv_energy",
        "grid_import_energy",
        "grid_export_energy",
        "battery_charged_energy",
        "battery_discharged_energy",
        "house_consumption_energy",
    ):
        assert state_of(hass, entry, f"{location_guid}_{key}") not in ("unknown", "unavailable")
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert len(devices) >= 4
