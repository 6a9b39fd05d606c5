"""Setting up each connection type against the simulator: the same devices and entities."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.api.kiwigrid import KiwigridAuthError, KiwigridRequestError
from custom_components.home_energy_cloud.const import DOMAIN
from simulator import Simulator
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


@pytest.mark.parametrize("connection", ["solarwatt_legacy", "solarwatt"])
async def test_a_changed_password_at_setup_asks_for_reauth(
    hass: HomeAssistant, kiwigrid_entry: MockConfigEntry
) -> None:
    hass.config_entries.async_update_entry(
        kiwigrid_entry, data={**kiwigrid_entry.data, "password": "changed"}
    )
    assert not await hass.config_entries.async_setup(kiwigrid_entry.entry_id)
    await hass.async_block_till_done()
    assert kiwigrid_entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


@pytest.mark.parametrize("connection", ["solarwatt_legacy", "solarwatt", "local"])
async def test_a_cloud_down_at_setup_retries_and_leaves_no_socket(
    hass: HomeAssistant,
    simulator: Simulator,
    kiwigrid: KiwigridCloud,
    kiwigrid_entry: MockConfigEntry,
) -> None:
    simulator.faults("kiwigrid").update({"http_errors": 1000})
    assert not await hass.config_entries.async_setup(kiwigrid_entry.entry_id)
    await hass.async_block_till_done()
    assert kiwigrid_entry.state is ConfigEntryState.SETUP_RETRY
    assert not kiwigrid.bus.connections


@pytest.mark.parametrize("connection", ["solarwatt_legacy", "local"])
async def test_an_unloaded_entry_can_be_removed_with_its_devices(
    hass: HomeAssistant, setup_kiwigrid: MockConfigEntry
) -> None:
    assert await hass.config_entries.async_remove(setup_kiwigrid.entry_id)
    await hass.async_block_till_done()
    assert not dr.async_entries_for_config_entry(dr.async_get(hass), setup_kiwigrid.entry_id)


@pytest.mark.parametrize("connection", ["solarwatt"])
async def test_removing_a_rest_entry_forgets_its_energy_counters(
    hass: HomeAssistant, hass_storage: dict[str, Any], setup_kiwigrid: MockConfigEntry
) -> None:
    key = f"home_energy_cloud.kiwigrid_energy.{setup_kiwigrid.entry_id}"
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)  # flush the delayed save
    await hass.async_block_till_done()
    assert hass_storage[key]["data"]["day"]
    assert await hass.config_entries.async_remove(setup_kiwigrid.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage


@pytest.mark.parametrize("connection", ["solarwatt"])
@pytest.mark.parametrize(
    ("error", "state"),
    [
        (
            KiwigridRequestError("analytics answered HTTP 400", code=400),
            ConfigEntryState.SETUP_RETRY,
        ),
        (KiwigridAuthError("refused"), ConfigEntryState.SETUP_ERROR),
    ],
)
async def test_energy_totals_failing_at_setup(
    hass: HomeAssistant, kiwigrid_entry: MockConfigEntry, error: Exception, state: ConfigEntryState
) -> None:
    async def failing(*_: object) -> object:
        raise error

    with patch(
        "custom_components.home_energy_cloud.api.kiwigrid.HemsClient.get_energy_totals", failing
    ):
        assert not await hass.config_entries.async_setup(kiwigrid_entry.entry_id)
        await hass.async_block_till_done()
    assert kiwigrid_entry.state is state
