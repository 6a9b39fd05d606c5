"""The Electra Smart switches: unit features (one OPER key each) and the timers flag."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    EntityCategory,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.home_energy_cloud.const import DOMAIN
from simulator.electra import CENTRAL_ID, INVERTER_ID, MIDEA_ID, ElectraCloud

from .common import async_poll, last_command, snapshot_entities


@pytest.fixture
def platforms() -> list[Platform]:
    """Only the switch platform."""
    return [Platform.SWITCH]


async def switch(hass: HomeAssistant, service: str, entity_id: str) -> None:
    """Turn a switch on or off and wait for it."""
    await hass.services.async_call(
        SWITCH_DOMAIN, service, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


def events_flag_requests(cloud: ElectraCloud) -> list[object]:
    """The data of every SET_DEVICE_EVENTS_FLAG the fake received."""
    return [data for cmd, data, _ in cloud.requests if cmd == "SET_DEVICE_EVENTS_FLAG"]


async def test_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    entity_registry_enabled_by_default: None,
    setup_electra: MockConfigEntry,
) -> None:
    """Each unit gets the switches its OPER keys allow, plus its timers switch."""
    snapshot_entities(hass, entity_registry, snapshot, setup_electra.entry_id)


async def test_switches_follow_the_keys(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_electra: MockConfigEntry
) -> None:
    """Turbo only where the unit has TURBO; the never-online unit only has its timers."""
    assert hass.states.get("switch.khdr_shynh_turbo") is not None
    assert hass.states.get("switch.slvn_turbo") is None
    assert hass.states.get("switch.office_turbo") is None
    assert hass.states.get("switch.khdr_yldym_ifeel") is None
    # Its timers follow the unit: unavailable until it reports.
    assert hass.states.get("switch.khdr_yldym_timers").state == STATE_UNAVAILABLE
    entry = entity_registry.async_get("switch.slvn_timers")
    assert entry is not None
    assert entry.entity_category is EntityCategory.CONFIG


@pytest.mark.parametrize(
    ("entity_id", "device_id", "key"),
    [
        ("switch.slvn_ifeel", CENTRAL_ID, "IFEEL"),
        ("switch.slvn_sleep_mode", CENTRAL_ID, "SLEEP"),
        ("switch.khdr_shynh_turbo", MIDEA_ID, "TURBO"),
        ("switch.khdr_shynh_ifeel", MIDEA_ID, "IFEEL"),
        ("switch.office_sleep_mode", INVERTER_ID, "SLEEP"),
    ],
)
async def test_feature_switch(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    setup_electra: MockConfigEntry,
    entity_id: str,
    device_id: int,
    key: str,
) -> None:
    """On and off write the one key into the unit's full OPER."""
    before = cloud.unit_oper(device_id)
    assert before is not None
    assert hass.states.get(entity_id).state == STATE_OFF

    await switch(hass, SERVICE_TURN_ON, entity_id)
    assert last_command(cloud) == (device_id, {**before, key: "ON"})
    assert hass.states.get(entity_id).state == STATE_ON

    await switch(hass, SERVICE_TURN_OFF, entity_id)
    assert last_command(cloud) == (device_id, {**before, key: "OFF"})
    assert hass.states.get(entity_id).state == STATE_OFF
    assert len(cloud.commands) == 2


async def test_feature_switch_not_applied(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """A unit that ignores the command: an error, and the switch stays off."""
    cloud.ignore_commands(CENTRAL_ID, 10)
    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_ON, "switch.slvn_ifeel")
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "command_not_applied"
    assert last_command(cloud)[1]["IFEEL"] == "ON"
    assert hass.states.get("switch.slvn_ifeel").state == STATE_OFF


async def test_feature_switch_follows_changes_elsewhere(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """A key changed on the remote shows after the next poll; a gone unit is unavailable."""
    cloud.unit(MIDEA_ID).oper["TURBO"] = "ON"
    await async_poll(hass, freezer)
    assert hass.states.get("switch.khdr_shynh_turbo").state == STATE_ON
    cloud.set_online(MIDEA_ID, False)
    await async_poll(hass, freezer)
    assert hass.states.get("switch.khdr_shynh_turbo").state == STATE_UNAVAILABLE


async def test_timers_switch(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """The timers switch sends SET_DEVICE_EVENTS_FLAG and shows what the cloud then reports."""
    assert hass.states.get("switch.khdr_shynh_timers").state == STATE_OFF

    await switch(hass, SERVICE_TURN_ON, "switch.khdr_shynh_timers")
    assert events_flag_requests(cloud) == [{"deviceId": MIDEA_ID, "enable": True}]
    assert cloud.state.units[MIDEA_ID].enable_events is True
    assert hass.states.get("switch.khdr_shynh_timers").state == STATE_ON

    await switch(hass, SERVICE_TURN_OFF, "switch.slvn_timers")
    assert events_flag_requests(cloud)[-1] == {"deviceId": CENTRAL_ID, "enable": False}
    assert cloud.state.units[CENTRAL_ID].enable_events is False
    assert hass.states.get("switch.slvn_timers").state == STATE_OFF
    # The other units' switches are untouched, and no OPER was written.
    assert hass.states.get("switch.office_timers").state == STATE_ON
    assert cloud.commands == []


async def test_timers_switch_follows_the_cloud(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """The flag changed in the app shows after the hourly timers refresh."""
    cloud.state.units[INVERTER_ID].enable_events = False
    await async_poll(hass, freezer, 3600)
    assert hass.states.get("switch.office_timers").state == STATE_OFF


async def test_timers_switch_cloud_error(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """A refused SET_DEVICE_EVENTS_FLAG is an error and changes nothing."""
    cloud.fail_next("SET_DEVICE_EVENTS_FLAG", status=99)
    with pytest.raises(HomeAssistantError) as err:
        await switch(hass, SERVICE_TURN_ON, "switch.khdr_shynh_timers")
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "cloud_unavailable"
    assert cloud.state.units[MIDEA_ID].enable_events is False
    assert hass.states.get("switch.khdr_shynh_timers").state == STATE_OFF
