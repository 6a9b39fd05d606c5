"""The legacy generation in Home Assistant: kiwibus pushes, 419, reconnects, paging, fallback."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.const import DOMAIN
from custom_components.home_energy_cloud.kiwigrid.coordinator import KiwibusCoordinator
from simulator import Simulator
from simulator.kiwigrid import LOCATION_GUID, KiwigridCloud

from .helpers import control
from .test_ha_setup import state_of

pytestmark = pytest.mark.parametrize("connection", ["solarwatt_legacy"])


@pytest.fixture(autouse=True)
async def patient_bus(simulator: Simulator) -> None:
    """Clock jumps in these tests must not look like a missing ping to the bus."""
    await control(simulator, "settings", {"ping_timeout": 10_000_000})


async def until(hass: HomeAssistant, condition: Callable[[], bool]) -> None:
    """Let the socket and the supervisor work until ``condition`` holds (bounded, not timed)."""
    for _ in range(300):
        if condition():
            return
        await asyncio.sleep(0.02)
        await hass.async_block_till_done()
    raise AssertionError("the condition never held")


def coordinator_of(entry: MockConfigEntry) -> KiwibusCoordinator:
    coordinator = entry.runtime_data.coordinator
    assert isinstance(coordinator, KiwibusCoordinator)
    return coordinator


def get_devices_calls(kiwigrid: KiwigridCloud) -> int:
    return kiwigrid.state.stats.bus_messages.get("getDevices", 0)


async def test_a_push_reaches_the_state_machine_without_a_poll(
    hass: HomeAssistant,
    simulator: Simulator,
    kiwigrid: KiwigridCloud,
    setup_kiwigrid: MockConfigEntry,
) -> None:
    entry = setup_kiwigrid
    await until(hass, lambda: coordinator_of(entry).listening)
    reads = get_devices_calls(kiwigrid)
    simulator.clock.advance(2 * 3600)
    expected = kiwigrid.state.site.tag(LOCATION_GUID, "WorkProduced")
    assert await kiwigrid.push_updates() >= 1

    def pushed() -> bool:
        state = state_of(hass, entry, f"{LOCATION_GUID}_pv_energy")
        return float(state) == pytest.approx(expected / 1000, abs=0.001)

    await until(hass, pushed)
    assert get_devices_calls(kiwigrid) == reads


async def test_an_expired_token_is_renewed_without_the_user(
    hass: HomeAssistant, kiwigrid: KiwigridCloud, setup_kiwigrid: MockConfigEntry
) -> None:
    entry = setup_kiwigrid
    coordinator = coordinator_of(entry)
    client = entry.runtime_data.client
    kiwigrid.expire_tokens()
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    assert client.refreshes == 1  # type: ignore[union-attr]
    assert client.logins == 1  # type: ignore[union-attr]
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert entry.state is ConfigEntryState.LOADED


async def test_a_forced_disconnect_recovers_with_one_socket(
    hass: HomeAssistant,
    simulator: Simulator,
    kiwigrid: KiwigridCloud,
    setup_kiwigrid: MockConfigEntry,
) -> None:
    entry = setup_kiwigrid
    coordinator = coordinator_of(entry)
    await until(hass, lambda: coordinator.listening)
    assert kiwigrid.state.stats.websockets_opened == 1
    assert await simulator.faults("kiwigrid").drop_websockets() == 1
    await until(hass, lambda: kiwigrid.state.stats.websockets_opened == 2 and coordinator.listening)
    assert len(kiwigrid.bus.connections) == 1
    assert entry.runtime_data.client.logins == 1  # type: ignore[union-attr]
    # The new socket carries pushes again.
    simulator.clock.advance(600)
    expected = kiwigrid.state.site.tag(LOCATION_GUID, "WorkConsumed")
    assert await kiwigrid.push_updates() >= 1
    await until(
        hass,
        lambda: (
            float(state_of(hass, entry, f"{LOCATION_GUID}_house_consumption_energy"))
            == pytest.approx(expected / 1000, abs=0.001)
        ),
    )
    assert len(kiwigrid.bus.connections) == 1


async def test_refused_listener_polls_over_the_same_socket(
    hass: HomeAssistant,
    simulator: Simulator,
    kiwigrid: KiwigridCloud,
    kiwigrid_entry: MockConfigEntry,
) -> None:
    await control(simulator, "settings", {"listeners_supported": False})
    assert await hass.config_entries.async_setup(kiwigrid_entry.entry_id)
    await hass.async_block_till_done()
    coordinator = coordinator_of(kiwigrid_entry)
    await until(
        hass, lambda: kiwigrid.state.stats.bus_messages.get("registerDeviceSetListener", 0) >= 1
    )
    await until(hass, lambda: coordinator.data is not None)
    assert not coordinator.listening
    simulator.clock.advance(600)
    expected = kiwigrid.state.site.tag(LOCATION_GUID, "WorkProduced")
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    assert float(state_of(hass, kiwigrid_entry, f"{LOCATION_GUID}_pv_energy")) == pytest.approx(
        expected / 1000, abs=0.001
    )
    assert kiwigrid.state.stats.websockets_opened == 1
    assert await hass.config_entries.async_unload(kiwigrid_entry.entry_id)


async def test_paging_past_fifty_devices(
    hass: HomeAssistant, simulator: Simulator, kiwigrid_entry: MockConfigEntry
) -> None:
    await control(simulator, "grow", {"extra_meters": 60})
    assert await hass.config_entries.async_setup(kiwigrid_entry.entry_id)
    await hass.async_block_till_done()
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), kiwigrid_entry.entry_id)
    # Site, manager, two batteries, inverter, grid meter, EV station and the 60 sub-meters.
    assert len(devices) == 7 + 60
    assert await hass.config_entries.async_unload(kiwigrid_entry.entry_id)


async def test_unloading_closes_the_socket(
    hass: HomeAssistant, kiwigrid: KiwigridCloud, setup_kiwigrid: MockConfigEntry
) -> None:
    await until(hass, lambda: coordinator_of(setup_kiwigrid).listening)
    assert len(kiwigrid.bus.connections) == 1
    assert await hass.config_entries.async_unload(setup_kiwigrid.entry_id)
    await until(hass, lambda: not kiwigrid.bus.connections)
