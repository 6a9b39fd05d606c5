"""Energy counters never go backwards: nulls, resets, restarts; the REST accumulator adds up."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.api.kiwigrid import KiwigridRequestError
from simulator import Simulator
from simulator.kiwigrid import LOCATION_GUID, KiwigridCloud

from .helpers import control
from .test_ha_setup import state_of


async def refresh(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await entry.runtime_data.coordinator.async_refresh()
    await hass.async_block_till_done()


def pv_energy(hass: HomeAssistant, entry: MockConfigEntry, guid: str = LOCATION_GUID) -> float:
    return float(state_of(hass, entry, f"{guid}_pv_energy"))


@pytest.mark.parametrize("connection", ["local"])
async def test_a_null_keeps_the_value_and_a_reset_carries_on(
    hass: HomeAssistant, simulator: Simulator, setup_kiwigrid: MockConfigEntry
) -> None:
    entry = setup_kiwigrid
    simulator.clock.advance(3600)
    await refresh(hass, entry)
    before = pv_energy(hass, entry)

    await control(simulator, "null_tag", {"guid": LOCATION_GUID, "tag": "WorkProduced"})
    simulator.clock.advance(600)
    await refresh(hass, entry)
    assert pv_energy(hass, entry) == before  # kept, not unknown

    await control(
        simulator, "null_tag", {"guid": LOCATION_GUID, "tag": "WorkProduced", "null": False}
    )
    await control(simulator, "reset_counter", {"guid": LOCATION_GUID, "tag": "WorkProduced"})
    await refresh(hass, entry)
    after_reset = pv_energy(hass, entry)
    assert after_reset >= before

    simulator.clock.advance(3600)
    await refresh(hass, entry)
    grown = simulator.cloud("kiwigrid").state.site.tag(LOCATION_GUID, "WorkProduced") / 1000
    assert pv_energy(hass, entry) == pytest.approx(after_reset + grown, abs=0.001)


@pytest.mark.parametrize("connection", ["local"])
async def test_a_reset_while_home_assistant_is_off(
    hass: HomeAssistant, simulator: Simulator, setup_kiwigrid: MockConfigEntry
) -> None:
    entry = setup_kiwigrid
    simulator.clock.advance(3600)
    await refresh(hass, entry)
    before = pv_energy(hass, entry)
    assert await hass.config_entries.async_unload(entry.entry_id)

    await control(simulator, "reset_counter", {"guid": LOCATION_GUID, "tag": "WorkProduced"})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert pv_energy(hass, entry) >= before


@pytest.mark.parametrize("connection", ["solarwatt"])
async def test_the_rest_accumulator_follows_the_integral_across_days_and_restarts(
    hass: HomeAssistant,
    simulator: Simulator,
    kiwigrid: KiwigridCloud,
    setup_kiwigrid: MockConfigEntry,
) -> None:
    entry = setup_kiwigrid
    site = kiwigrid.state.site
    seen = pv_energy(hass, entry, "location")
    for _ in range(6):  # 30 hours in 5-hour steps: at least one midnight
        simulator.clock.advance(5 * 3600)
        await refresh(hass, entry)
        value = pv_energy(hass, entry, "location")
        assert value >= seen
        seen = value
    integral = site.tag(LOCATION_GUID, "WorkProduced") / 1000
    assert seen == pytest.approx(integral, rel=0.005)

    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert pv_energy(hass, entry, "location") >= seen
    simulator.clock.advance(26 * 3600)
    await refresh(hass, entry)
    integral = site.tag(LOCATION_GUID, "WorkProduced") / 1000
    assert pv_energy(hass, entry, "location") == pytest.approx(integral, rel=0.005)


@pytest.mark.parametrize("connection", ["solarwatt"])
async def test_failing_energy_totals_keep_the_counters_and_the_power(
    hass: HomeAssistant, simulator: Simulator, setup_kiwigrid: MockConfigEntry
) -> None:
    entry = setup_kiwigrid
    before = pv_energy(hass, entry, "location")
    coordinator = entry.runtime_data.coordinator

    async def refused(*_: object) -> object:
        raise KiwigridRequestError("analytics answered HTTP 400", code=400)

    simulator.clock.advance(3600)
    with patch.object(entry.runtime_data.client, "get_energy_totals", refused):
        await refresh(hass, entry)
    assert coordinator.last_update_success
    assert pv_energy(hass, entry, "location") == before
    power = state_of(hass, entry, "location_pv_power")
    assert power not in ("unknown", "unavailable")
