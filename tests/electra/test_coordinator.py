"""The Electra Smart coordinators: availability, outages, sessions, and the unit list."""

from __future__ import annotations

import asyncio

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.climate import DOMAIN as CLIMATE_DOMAIN, HVACMode
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, ATTR_TEMPERATURE, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import SimClock, Simulator
from simulator.electra import (
    CENTRAL_ID,
    INVERTER_ID,
    MIDEA_ID,
    NEVER_ONLINE_ID,
    PRIMARY_PHONE,
    REPORT_INTERVAL,
    ElectraCloud,
)

from .common import CENTRAL, INVERTER, MIDEA, NEVER_ONLINE, async_poll, find_device

TELEMETRY_ENTITIES = (
    CENTRAL,
    MIDEA,
    INVERTER,
    "sensor.khdr_shynh_outdoor_temperature",
    "switch.slvn_ifeel",
    "binary_sensor.khdr_shynh_filter_needs_cleaning",
)
TIMER_ENTITIES = ("sensor.slvn_next_timer", "switch.office_timers")


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """An entity's state string."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


def validate_requests(cloud: ElectraCloud) -> int:
    """How many VALIDATE_TOKEN requests the fake received."""
    return sum(1 for cmd, _, _ in cloud.requests if cmd == "VALIDATE_TOKEN")


async def set_temperature(hass: HomeAssistant, entity_id: str, temperature: float) -> None:
    """Set a climate entity's set point."""
    await hass.services.async_call(
        CLIMATE_DOMAIN,
        "set_temperature",
        {ATTR_ENTITY_ID: entity_id, ATTR_TEMPERATURE: temperature},
        blocking=True,
    )


async def test_unit_without_state_is_unavailable_alone(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """The unit whose telemetry is null is unavailable; setup and the others are fine."""
    assert setup_electra.state is ConfigEntryState.LOADED
    assert state_of(hass, NEVER_ONLINE) == STATE_UNAVAILABLE
    assert state_of(hass, CENTRAL) == HVACMode.OFF
    assert state_of(hass, MIDEA) == HVACMode.OFF
    assert state_of(hass, INVERTER) == HVACMode.COOL


@pytest.mark.parametrize("merge_window", [0])
async def test_never_online_unit_comes_online(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """Once it reports, it becomes available and gets the entities its keys allow."""
    assert hass.states.get("switch.khdr_yldym_ifeel") is None
    cloud.set_online(NEVER_ONLINE_ID, True)
    await async_poll(hass, freezer)
    assert state_of(hass, NEVER_ONLINE) == HVACMode.OFF
    assert state_of(hass, "switch.khdr_yldym_ifeel") == "off"
    await set_temperature(hass, NEVER_ONLINE, 21)
    assert cloud.commands[-1][0] == NEVER_ONLINE_ID
    assert cloud.commands[-1][1]["SPT"] == "21"


async def test_unit_goes_offline_and_returns(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """An offline unit is unavailable after the next poll, and back after it reconnects."""
    cloud.set_online(MIDEA_ID, False)
    await async_poll(hass, freezer)
    assert state_of(hass, MIDEA) == STATE_UNAVAILABLE
    assert state_of(hass, "sensor.khdr_shynh_outdoor_temperature") == STATE_UNAVAILABLE
    assert state_of(hass, CENTRAL) == HVACMode.OFF
    assert state_of(hass, INVERTER) == HVACMode.COOL

    cloud.set_online(MIDEA_ID, True)
    await async_poll(hass, freezer)
    assert state_of(hass, MIDEA) == HVACMode.OFF
    assert state_of(hass, "sensor.khdr_shynh_outdoor_temperature") == "31.0"


async def test_cloud_outage_and_recovery(
    hass: HomeAssistant,
    simulator: Simulator,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """Every request failing: all entities unavailable; they return with the cloud."""
    faults = simulator.faults("electra")
    faults.http_errors = 10_000

    await async_poll(hass, freezer)
    for entity_id in TELEMETRY_ENTITIES:
        assert state_of(hass, entity_id) == STATE_UNAVAILABLE, entity_id
    # Timers are read hourly, but their entities follow the unit and the account.
    for entity_id in TIMER_ENTITIES:
        assert state_of(hass, entity_id) == STATE_UNAVAILABLE, entity_id
    assert setup_electra.state is ConfigEntryState.LOADED

    faults.clear()
    await async_poll(hass, freezer)
    assert state_of(hass, CENTRAL) == HVACMode.OFF
    assert state_of(hass, INVERTER) == HVACMode.COOL
    assert state_of(hass, "sensor.khdr_shynh_outdoor_temperature") == "31.0"
    assert state_of(hass, "switch.office_timers") == "on"
    assert hass.config_entries.flow.async_progress() == []


async def test_long_cloud_outage_and_recovery(
    hass: HomeAssistant,
    simulator: Simulator,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """An outage past the SID's life: timers too go unavailable; all return, no lockout.

    The renewal that failed during the outage may have reached the cloud, so the next one
    waits the 10 minutes of the client's lockout guard.
    """
    faults = simulator.faults("electra")
    faults.http_errors = 10_000
    await async_poll(hass, freezer, 3600)
    for entity_id in (*TELEMETRY_ENTITIES, *TIMER_ENTITIES):
        assert state_of(hass, entity_id) == STATE_UNAVAILABLE, entity_id

    faults.clear()
    await async_poll(hass, freezer, 10 * 60)
    for entity_id in TELEMETRY_ENTITIES:
        assert state_of(hass, entity_id) != STATE_UNAVAILABLE, entity_id
    assert state_of(hass, INVERTER) == HVACMode.COOL
    await async_poll(hass, freezer, 3600)
    assert state_of(hass, "switch.office_timers") == "on"
    assert state_of(hass, "sensor.slvn_next_timer") == "unknown"
    assert cloud.lockouts == 0
    assert setup_electra.state is ConfigEntryState.LOADED
    assert hass.config_entries.flow.async_progress() == []


async def test_session_expiry_during_a_command(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    sim_clock: SimClock,
    setup_electra: MockConfigEntry,
) -> None:
    """The cloud drops the SID: the next call renews it once and carries on, no lockout."""
    validations = cloud.validate_calls
    assert cloud.expire_sessions() > 0
    sim_clock.advance(11 * 60)  # the client may renew (once per 10 minutes)

    await set_temperature(hass, CENTRAL, 25)

    assert cloud.commands[-1] == (CENTRAL_ID, {**cloud.unit_oper(CENTRAL_ID), "SPT": "25"})
    assert cloud.unit_oper(CENTRAL_ID)["SPT"] == "25"
    assert hass.states.get(CENTRAL).attributes[ATTR_TEMPERATURE] == 25
    assert cloud.validate_calls == validations + 1
    assert cloud.lockouts == 0


async def test_session_expiry_during_a_poll(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """Four parallel reads refused at once share one renewal; nothing goes unavailable."""
    freezer.tick(11 * 60)
    validations = cloud.validate_calls
    cloud.expire_sessions()

    await async_poll(hass, freezer)

    assert cloud.validate_calls == validations + 1
    assert cloud.lockouts == 0
    assert state_of(hass, CENTRAL) == HVACMode.OFF
    assert state_of(hass, MIDEA) == HVACMode.OFF
    assert state_of(hass, INVERTER) == HVACMode.COOL
    assert hass.config_entries.flow.async_progress() == []


async def test_sessions_over_hours_never_lock_out(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """Hours of polling renew the SID before it dies (13 of its 15 minutes), never too often."""
    validations = cloud.validate_calls
    for _ in range(6 * 60 // 5):
        await async_poll(hass, freezer, 5 * 60)
    assert cloud.lockouts == 0
    # One renewal per 15 minutes at this poll rate (the first poll past 13 minutes).
    assert cloud.validate_calls - validations == 6 * 60 // 15
    assert state_of(hass, INVERTER) == HVACMode.COOL


async def test_lockout_starts_reauth(
    hass: HomeAssistant,
    simulator: Simulator,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """A locked-out token: a reauth flow, the entry kept, and no more VALIDATE_TOKEN."""
    await async_poll(hass, freezer, 11 * 60)  # the setup's VALIDATE_TOKEN is long enough ago
    # Another client with the same token asks for two sessions in a row: the token locks.
    body = {
        "pvdid": 1,
        "id": 1,
        "cmd": "VALIDATE_TOKEN",
        "sid": None,
        "data": {
            "imei": setup_electra.data["imei"],
            "token": setup_electra.data["token"],
            "os": "android",
            "osver": "M4B30Z",
        },
    }
    url = f"{simulator.base_url('electra')}/mobile/mobilecommand"
    async with aiohttp.ClientSession() as session:
        for expected in ("", "Intruder lockout"):
            async with session.post(url, json=body) as response:
                answer = await response.json()
            assert (answer["data"].get("res_desc") or "") == expected
    assert cloud.lockouts == 1
    cloud.expire_sessions()

    await async_poll(hass, freezer)

    assert cloud.lockouts == 2  # the integration's one renewal attempt
    flows = [
        flow
        for flow in hass.config_entries.flow.async_progress()
        if flow["context"].get("source") == SOURCE_REAUTH
    ]
    assert len(flows) == 1
    assert flows[0]["context"]["entry_id"] == setup_electra.entry_id
    assert hass.config_entries.async_get_entry(setup_electra.entry_id) is setup_electra
    assert state_of(hass, CENTRAL) == STATE_UNAVAILABLE

    # It does not keep knocking: the lockout would never lift.
    validations = cloud.validate_calls
    for _ in range(6):
        await async_poll(hass, freezer, 5 * 60)
    assert cloud.validate_calls == validations
    assert len(hass.config_entries.flow.async_progress()) == 1


async def test_new_unit_appears_after_hourly_refresh(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    device_registry: dr.DeviceRegistry,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """GET_DEVICES runs hourly, not every poll; a new unit then gets its device and entities."""
    new_id = cloud.add_unit("midea", name="Kitchen")
    devices_before = sum(1 for cmd, _, _ in cloud.requests if cmd == "GET_DEVICES")

    await async_poll(hass, freezer)
    assert hass.states.get("climate.kitchen") is None
    assert sum(1 for cmd, _, _ in cloud.requests if cmd == "GET_DEVICES") == devices_before

    await async_poll(hass, freezer, 3600)
    assert state_of(hass, "climate.kitchen") == HVACMode.OFF
    assert state_of(hass, "switch.kitchen_turbo") == "off"
    # Its timers are read as soon as it appears, not an hour later.
    assert state_of(hass, "switch.kitchen_timers") == "on"
    assert state_of(hass, "sensor.kitchen_next_timer") == "unknown"
    device = find_device(device_registry, setup_electra.entry_id, new_id)
    assert device is not None
    assert device.name == "Kitchen"
    assert device.manufacturer == "Midea"
    assert sum(1 for cmd, _, _ in cloud.requests if cmd == "GET_DEVICES") == devices_before + 1


async def test_removed_unit_leaves_the_registry(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """A unit the account no longer lists loses its device and entities; the others stay."""
    device = find_device(device_registry, setup_electra.entry_id, INVERTER_ID)
    assert device is not None
    assert er.async_entries_for_device(entity_registry, device.id)

    cloud.remove_unit(INVERTER_ID)
    await async_poll(hass, freezer)
    assert state_of(hass, INVERTER) == STATE_UNAVAILABLE
    assert state_of(hass, CENTRAL) == HVACMode.OFF

    # One list without it could be a glitch of the cloud: the device and its entities stay.
    await async_poll(hass, freezer, 3600)
    assert device_registry.async_get(device.id) is not None
    assert state_of(hass, INVERTER) == STATE_UNAVAILABLE

    await async_poll(hass, freezer, 3600)
    assert find_device(device_registry, setup_electra.entry_id, INVERTER_ID) is None
    assert device_registry.async_get(device.id) is None
    assert er.async_entries_for_device(entity_registry, device.id) == []
    assert hass.states.get(INVERTER) is None
    assert state_of(hass, CENTRAL) == HVACMode.OFF
    assert find_device(device_registry, setup_electra.entry_id, CENTRAL_ID) is not None


async def test_old_report_keeps_unit_available(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    entity_registry_enabled_by_default: None,
    setup_electra: MockConfigEntry,
) -> None:
    """A unit that has not changed for days still reports, so it stays available (§2.7)."""
    cloud.unit(CENTRAL_ID).changed_at -= 3 * 86_400
    await async_poll(hass, freezer)
    assert state_of(hass, CENTRAL) == HVACMode.OFF
    assert int(state_of(hass, "sensor.slvn_time_since_last_report")) < REPORT_INTERVAL
    await async_poll(hass, freezer, 3600)
    assert state_of(hass, CENTRAL) == HVACMode.OFF


async def test_rapid_changes_become_one_command(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """Three set points in quick succession: one SEND_COMMAND, the last value wins."""
    await asyncio.gather(
        set_temperature(hass, INVERTER, 24),
        set_temperature(hass, INVERTER, 25),
        set_temperature(hass, INVERTER, 26),
    )
    assert cloud.commands == [(INVERTER_ID, {**cloud.unit_oper(INVERTER_ID), "SPT": 26})]
    assert hass.states.get(INVERTER).attributes[ATTR_TEMPERATURE] == 26


async def test_a_list_without_units_once_deletes_nothing(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    device_registry: dr.DeviceRegistry,
    setup_electra: MockConfigEntry,
) -> None:
    """The cloud's `devices: null` glitch (notes §2.4) costs no device, entity or setting."""
    devices = dr.async_entries_for_config_entry(device_registry, setup_electra.entry_id)
    account = cloud.state.accounts[PRIMARY_PHONE]
    account.devices_null = True
    await async_poll(hass, freezer, 3600)
    account.devices_null = False

    assert dr.async_entries_for_config_entry(device_registry, setup_electra.entry_id) == devices
    # The units still answer their own reads, so they even stay available.
    assert state_of(hass, CENTRAL) == HVACMode.OFF
    await async_poll(hass, freezer, 3600)
    assert dr.async_entries_for_config_entry(device_registry, setup_electra.entry_id) == devices
