"""Electra Smart through cloud glitches, reloads and missing features (issue 6)."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from functools import partial
from unittest.mock import patch

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN, HVACMode
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, SERVICE_TURN_OFF, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.storage import Store
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud import async_remove_config_entry_device
from custom_components.home_energy_cloud.api.electra import ElectraClient
from custom_components.home_energy_cloud.const import DOMAIN
from simulator import SimClock, Simulator
from simulator.electra import CENTRAL_ID, INVERTER_ID, PRIMARY_PHONE, ElectraCloud

from .common import CENTRAL, INVERTER, MIDEA, async_poll, find_device


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """An entity's state string."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def requests_of(cloud: ElectraCloud, cmd: str) -> int:
    """How many requests of one command the fake received."""
    return sum(1 for name, _, _ in cloud.requests if name == cmd)


async def lock_out(simulator: Simulator, cloud: ElectraCloud, entry: MockConfigEntry) -> None:
    """Another client with the entry's token asks for two sessions in a row: the token locks."""
    body = {
        "pvdid": 1,
        "id": 1,
        "cmd": "VALIDATE_TOKEN",
        "sid": None,
        "data": {"imei": entry.data["imei"], "token": entry.data["token"]},
    }
    url = f"{simulator.base_url('electra')}/mobile/mobilecommand"
    async with aiohttp.ClientSession() as session:
        for _ in range(2):
            async with session.post(url, json=body) as response:
                await response.json()
    assert cloud.lockouts == 1
    cloud.expire_sessions()


def reauth_flows(hass: HomeAssistant) -> list[str]:
    """The entry ids of the reauthentication flows in progress."""
    return [
        flow["context"]["entry_id"]
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"].get("source") == SOURCE_REAUTH
    ]


async def test_reload_while_the_cloud_lists_no_units_keeps_every_device(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    setup_electra: MockConfigEntry,
) -> None:
    """`devices: null` at the first list after a reload costs no device, entity or setting."""
    devices = dr.async_entries_for_config_entry(device_registry, setup_electra.entry_id)
    entities = er.async_entries_for_config_entry(entity_registry, setup_electra.entry_id)
    cloud.state.accounts[PRIMARY_PHONE].devices_null = True

    assert await hass.config_entries.async_reload(setup_electra.entry_id)
    await hass.async_block_till_done()
    assert dr.async_entries_for_config_entry(device_registry, setup_electra.entry_id) == devices
    # The next hourly list, still empty, is only a first miss: nothing goes yet.
    await async_poll(hass, freezer, 3600)
    assert dr.async_entries_for_config_entry(device_registry, setup_electra.entry_id) == devices

    cloud.state.accounts[PRIMARY_PHONE].devices_null = False
    await async_poll(hass, freezer, 3600)
    assert dr.async_entries_for_config_entry(device_registry, setup_electra.entry_id) == devices
    assert er.async_entries_for_config_entry(entity_registry, setup_electra.entry_id) == entities
    assert state_of(hass, CENTRAL) == HVACMode.OFF


async def test_evidence_of_a_removed_unit_survives_a_reload(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    setup_electra: MockConfigEntry,
) -> None:
    """A miss before the reload still counts; the first list after it never removes."""
    cloud.remove_unit(INVERTER_ID)
    await async_poll(hass, freezer, 3600)  # the first counted miss
    assert find_device(device_registry, setup_electra.entry_id, INVERTER_ID) is not None

    assert await hass.config_entries.async_reload(setup_electra.entry_id)
    await hass.async_block_till_done()
    assert find_device(device_registry, setup_electra.entry_id, INVERTER_ID) is not None

    await async_poll(hass, freezer, 3600)  # the second counted miss, an hour after the first
    assert find_device(device_registry, setup_electra.entry_id, INVERTER_ID) is None
    assert find_device(device_registry, setup_electra.entry_id, CENTRAL_ID) is not None
    assert hass.states.get(INVERTER) is None


async def test_timers_failing_at_setup_do_not_block_the_air_conditioners(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    electra_entry: MockConfigEntry,
) -> None:
    """A cloud without timers (GET_EVENTS answers an error): climates work, timers unavailable."""
    cloud.fail_next("GET_EVENTS", count=100, status=2, desc="unknown command")
    assert await hass.config_entries.async_setup(electra_entry.entry_id)
    await hass.async_block_till_done()

    assert electra_entry.state is ConfigEntryState.LOADED
    assert state_of(hass, CENTRAL) == HVACMode.OFF
    assert state_of(hass, "switch.office_timers") == STATE_UNAVAILABLE
    assert state_of(hass, "sensor.slvn_next_timer") == STATE_UNAVAILABLE

    cloud.state.forced_failures.clear()
    await async_poll(hass, freezer, 3600)
    assert state_of(hass, "switch.office_timers") == "on"


async def test_a_failed_unit_list_keeps_the_units(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """The hourly GET_DEVICES fails: telemetry still works, and the list is read again soon."""
    cloud.fail_next("GET_DEVICES", count=2, status=5, desc="internal error")
    lists = requests_of(cloud, "GET_DEVICES")

    await async_poll(hass, freezer, 3600)
    assert state_of(hass, CENTRAL) == HVACMode.OFF
    assert state_of(hass, INVERTER) == HVACMode.COOL
    assert requests_of(cloud, "GET_DEVICES") > lists

    failed = requests_of(cloud, "GET_DEVICES")
    await async_poll(hass, freezer)  # a minute later, not an hour
    assert requests_of(cloud, "GET_DEVICES") > failed
    assert state_of(hass, MIDEA) == HVACMode.OFF


async def test_devices_of_an_unloaded_entry(
    hass: HomeAssistant, device_registry: dr.DeviceRegistry, setup_electra: MockConfigEntry
) -> None:
    """Asking to delete a device of an unloaded entry answers from the stored record."""
    listed = find_device(device_registry, setup_electra.entry_id, CENTRAL_ID)
    assert listed is not None
    gone = device_registry.async_get_or_create(
        config_entry_id=setup_electra.entry_id, identifiers={(DOMAIN, "electra_gone")}
    )
    assert await hass.config_entries.async_unload(setup_electra.entry_id)

    assert not await async_remove_config_entry_device(hass, setup_electra, listed)
    assert await async_remove_config_entry_device(hass, setup_electra, gone)


async def test_timer_action_on_a_locked_token_asks_for_reauth(
    hass: HomeAssistant,
    simulator: Simulator,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """Timer actions share the one error path: an auth error opens re-authentication."""
    await async_poll(hass, freezer, 11 * 60)  # the setup's VALIDATE_TOKEN is long enough ago
    await lock_out(simulator, cloud, setup_electra)

    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            DOMAIN,
            "set_timer",
            {ATTR_ENTITY_ID: CENTRAL, "time": "07:00:00", "hvac_mode": "cool"},
            blocking=True,
        )
    assert reauth_flows(hass) == [setup_electra.entry_id]


async def test_timers_switch_on_a_locked_token_asks_for_reauth(
    hass: HomeAssistant,
    simulator: Simulator,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """The Timers switch too: an auth error opens re-authentication at once."""
    await async_poll(hass, freezer, 11 * 60)
    await lock_out(simulator, cloud, setup_electra)

    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            SWITCH_DOMAIN,
            SERVICE_TURN_OFF,
            {ATTR_ENTITY_ID: "switch.office_timers"},
            blocking=True,
        )
    assert reauth_flows(hass) == [setup_electra.entry_id]


async def test_the_session_is_saved_when_it_changes_and_only_then(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    electra_entry: MockConfigEntry,
) -> None:
    """No write per poll (flash wear); a write right after each new session."""
    saves: list[str] = []
    original = Store.async_delay_save

    def spy(store: Store[object], data_func: object, delay: float = 0) -> None:
        if store.key == f"{DOMAIN}.electra_sessions":
            saves.append(store.key)
        original(store, data_func, delay)  # type: ignore[arg-type]

    with patch.object(Store, "async_delay_save", spy):
        assert await hass.config_entries.async_setup(electra_entry.entry_id)
        await hass.async_block_till_done()
        assert len(saves) == 1  # the setup's new session
        for _ in range(11):  # past the client's 10-minute guard between validations
            await async_poll(hass, freezer)
        assert len(saves) == 1

        cloud.expire_sessions()
        await async_poll(hass, freezer)
        assert len(saves) == 2


@pytest.mark.parametrize("merge_window", [0])  # time is frozen: no real-time merge wait
async def test_climate_stays_usable_while_timers_fail(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """An hourly timers read that fails touches nothing but the timer entities."""
    cloud.fail_next("GET_EVENTS", count=100, status=2, desc="unknown command")
    await async_poll(hass, freezer, 3600)
    assert state_of(hass, "switch.office_timers") == STATE_UNAVAILABLE
    assert state_of(hass, CENTRAL) == HVACMode.OFF
    await hass.services.async_call(
        CLIMATE_DOMAIN,
        "set_hvac_mode",
        {ATTR_ENTITY_ID: CENTRAL, "hvac_mode": HVACMode.COOL},
        blocking=True,
    )
    assert state_of(hass, CENTRAL) == HVACMode.COOL


async def test_a_unit_that_stopped_reporting_is_unavailable(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    sim_clock: SimClock,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """timeDelta is the age of the last report: old values are not shown as current."""
    cloud.set_silent(CENTRAL_ID, True)
    await async_poll(hass, freezer)
    assert state_of(hass, CENTRAL) == HVACMode.OFF  # a minute or two is a normal gap
    sim_clock.advance(10 * 60)
    await async_poll(hass, freezer)
    assert state_of(hass, CENTRAL) == STATE_UNAVAILABLE
    assert state_of(hass, "switch.slvn_timers") == STATE_UNAVAILABLE
    assert state_of(hass, INVERTER) == HVACMode.COOL

    cloud.set_silent(CENTRAL_ID, False)
    await async_poll(hass, freezer)
    assert state_of(hass, CENTRAL) == HVACMode.OFF


@pytest.mark.parametrize("merge_window", [0])
async def test_a_write_in_flight_ends_with_the_entry(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """Unloading cancels a write still waiting for the cloud; nothing is sent after it."""
    arrived, release = cloud.hold_next_reply("SEND_COMMAND")
    call = hass.async_create_task(
        hass.services.async_call(
            CLIMATE_DOMAIN,
            "set_hvac_mode",
            {ATTR_ENTITY_ID: CENTRAL, "hvac_mode": HVACMode.COOL},
            blocking=True,
        )
    )
    await arrived.wait()
    assert await hass.config_entries.async_unload(setup_electra.entry_id)
    requests = len(cloud.requests)
    release.set()
    with pytest.raises(HomeAssistantError):
        await call
    await hass.async_block_till_done()
    assert len(cloud.requests) == requests


@pytest.fixture
def slow_cloud_client(sim_clock: SimClock) -> Generator[None]:
    """Clients that wait as the real one does (3 s before reading back), in simulated time.

    The waits move the simulator's clock instead of the test's, so a unit that applies a
    command late does so while the client waits; an unanswered request gives up in 0.5 s.
    """

    async def sleep(seconds: float) -> None:
        sim_clock.advance(seconds)
        await asyncio.sleep(0)

    client = partial(
        ElectraClient,
        clock=sim_clock.monotonic,
        confirm_delay=3,
        merge_window=0,
        request_timeout=0.5,
        sleep=sleep,
    )
    with patch("custom_components.home_energy_cloud.electra.ElectraClient", client):
        yield


@pytest.mark.parametrize("fault", ["late", "unanswered"])
async def test_the_integration_converges_on_what_the_unit_did(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    electra_entry: MockConfigEntry,
    slow_cloud_client: None,
    fault: str,
) -> None:
    """A command applied seconds late, or applied without an answer: the entity ends true."""
    assert await hass.config_entries.async_setup(electra_entry.entry_id)
    await hass.async_block_till_done()
    if fault == "late":
        cloud.command_delay = 5
    else:
        cloud.timeout_commands(CENTRAL_ID, 1)

    await hass.services.async_call(
        CLIMATE_DOMAIN,
        "set_hvac_mode",
        {ATTR_ENTITY_ID: CENTRAL, "hvac_mode": HVACMode.COOL},
        blocking=True,
    )
    assert state_of(hass, CENTRAL) == HVACMode.COOL
    assert cloud.unit_oper(CENTRAL_ID)["AC_MODE"] == "COOL"
