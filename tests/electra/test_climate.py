"""The Electra Smart climate entities, checked on the wire through the cloud fake."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.climate import (
    ATTR_FAN_MODE,
    ATTR_HVAC_ACTION,
    ATTR_HVAC_MODE,
    ATTR_PRESET_MODE,
    ATTR_SWING_HORIZONTAL_MODE,
    ATTR_SWING_MODE,
    DOMAIN as CLIMATE_DOMAIN,
    SERVICE_SET_FAN_MODE,
    SERVICE_SET_HVAC_MODE,
    SERVICE_SET_PRESET_MODE,
    SERVICE_SET_SWING_HORIZONTAL_MODE,
    SERVICE_SET_SWING_MODE,
    SERVICE_SET_TEMPERATURE,
    HVACAction,
    HVACMode,
)
from homeassistant.const import (
    ATTR_ENTITY_ID,
    ATTR_TEMPERATURE,
    EVENT_STATE_CHANGED,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_UNAVAILABLE,
    Platform,
)
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, State, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.home_energy_cloud.const import DOMAIN
from custom_components.home_energy_cloud.electra.state import current_temperature
from simulator import SimClock
from simulator.electra import CENTRAL_ID, INVERTER_ID, MIDEA_ID, ElectraCloud

from .common import (
    CENTRAL,
    CLIMATES,
    INVERTER,
    MIDEA,
    NEVER_ONLINE,
    async_poll,
    device_identifier,
    last_command,
    snapshot_entities,
)


@pytest.fixture
def platforms() -> list[Platform]:
    """Only the climate platform."""
    return [Platform.CLIMATE]


async def call(hass: HomeAssistant, service: str, entity_id: str, **data: Any) -> None:
    """Call a climate action and wait for it."""
    await hass.services.async_call(
        CLIMATE_DOMAIN, service, {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


def attr(hass: HomeAssistant, entity_id: str, name: str) -> Any:
    """One attribute of an entity's current state."""
    state = hass.states.get(entity_id)
    assert state is not None
    return state.attributes.get(name)


async def test_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    setup_electra: MockConfigEntry,
) -> None:
    """Every unit kind of the account: central, Midea, inverter, and one never online."""
    snapshot_entities(hass, entity_registry, snapshot, setup_electra.entry_id)


# (entity, service, data, OPER changes the unit must receive)
SERVICE_CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    # The central unit: no TURN_ON_OFF, so off is AC_MODE=STBY; SPT is a string.
    (CENTRAL, SERVICE_SET_HVAC_MODE, {ATTR_HVAC_MODE: "off"}, {"AC_MODE": "STBY"}),
    (CENTRAL, SERVICE_SET_HVAC_MODE, {ATTR_HVAC_MODE: "cool"}, {"AC_MODE": "COOL"}),
    (CENTRAL, SERVICE_SET_HVAC_MODE, {ATTR_HVAC_MODE: "heat"}, {"AC_MODE": "HEAT"}),
    (CENTRAL, SERVICE_SET_HVAC_MODE, {ATTR_HVAC_MODE: "fan_only"}, {"AC_MODE": "FAN"}),
    (CENTRAL, SERVICE_SET_HVAC_MODE, {ATTR_HVAC_MODE: "dry"}, {"AC_MODE": "DRY"}),
    (CENTRAL, SERVICE_SET_HVAC_MODE, {ATTR_HVAC_MODE: "auto"}, {"AC_MODE": "AUTO"}),
    (CENTRAL, SERVICE_TURN_ON, {}, {"AC_MODE": "COOL"}),
    (CENTRAL, SERVICE_TURN_OFF, {}, {"AC_MODE": "STBY"}),
    (CENTRAL, SERVICE_SET_TEMPERATURE, {ATTR_TEMPERATURE: 25}, {"SPT": "25"}),
    (
        CENTRAL,
        SERVICE_SET_TEMPERATURE,
        {ATTR_TEMPERATURE: 26, ATTR_HVAC_MODE: "heat"},
        {"SPT": "26", "AC_MODE": "HEAT"},
    ),
    (
        CENTRAL,
        SERVICE_SET_TEMPERATURE,
        {ATTR_TEMPERATURE: 26, ATTR_HVAC_MODE: "off"},
        {"SPT": "26", "AC_MODE": "STBY"},
    ),
    (CENTRAL, SERVICE_SET_FAN_MODE, {ATTR_FAN_MODE: "low"}, {"FANSPD": "LOW"}),
    (CENTRAL, SERVICE_SET_FAN_MODE, {ATTR_FAN_MODE: "medium"}, {"FANSPD": "MED"}),
    (CENTRAL, SERVICE_SET_FAN_MODE, {ATTR_FAN_MODE: "auto"}, {"FANSPD": "AUTO"}),
    (CENTRAL, SERVICE_SET_PRESET_MODE, {ATTR_PRESET_MODE: "shabat"}, {"SHABAT": "ON"}),
    (CENTRAL, SERVICE_SET_PRESET_MODE, {ATTR_PRESET_MODE: "none"}, {"SHABAT": "OFF"}),
    # The Midea unit: TURN_ON_OFF decides on/off and AC_MODE keeps the mode; no AC_STSRC.
    (MIDEA, SERVICE_SET_HVAC_MODE, {ATTR_HVAC_MODE: "off"}, {"TURN_ON_OFF": "OFF"}),
    (
        MIDEA,
        SERVICE_SET_HVAC_MODE,
        {ATTR_HVAC_MODE: "cool"},
        {"TURN_ON_OFF": "ON", "AC_MODE": "COOL"},
    ),
    (
        MIDEA,
        SERVICE_SET_HVAC_MODE,
        {ATTR_HVAC_MODE: "heat"},
        {"TURN_ON_OFF": "ON", "AC_MODE": "HEAT"},
    ),
    (
        MIDEA,
        SERVICE_SET_HVAC_MODE,
        {ATTR_HVAC_MODE: "fan_only"},
        {"TURN_ON_OFF": "ON", "AC_MODE": "FAN"},
    ),
    (
        MIDEA,
        SERVICE_SET_HVAC_MODE,
        {ATTR_HVAC_MODE: "dry"},
        {"TURN_ON_OFF": "ON", "AC_MODE": "DRY"},
    ),
    (
        MIDEA,
        SERVICE_SET_HVAC_MODE,
        {ATTR_HVAC_MODE: "auto"},
        {"TURN_ON_OFF": "ON", "AC_MODE": "AUTO"},
    ),
    (MIDEA, SERVICE_TURN_ON, {}, {"TURN_ON_OFF": "ON"}),
    (MIDEA, SERVICE_TURN_OFF, {}, {"TURN_ON_OFF": "OFF"}),
    (MIDEA, SERVICE_SET_TEMPERATURE, {ATTR_TEMPERATURE: 18}, {"SPT": "18"}),
    (
        MIDEA,
        SERVICE_SET_TEMPERATURE,
        {ATTR_TEMPERATURE: 21, ATTR_HVAC_MODE: "dry"},
        {"SPT": "21", "AC_MODE": "DRY", "TURN_ON_OFF": "ON"},
    ),
    (MIDEA, SERVICE_SET_FAN_MODE, {ATTR_FAN_MODE: "high"}, {"FANSPD": "HIGH"}),
    (MIDEA, SERVICE_SET_SWING_MODE, {ATTR_SWING_MODE: "on"}, {"VSWING": "ON"}),
    (
        MIDEA,
        SERVICE_SET_SWING_HORIZONTAL_MODE,
        {ATTR_SWING_HORIZONTAL_MODE: "on"},
        {"HSWING": "ON"},
    ),
    (MIDEA, SERVICE_SET_PRESET_MODE, {ATTR_PRESET_MODE: "shabat"}, {"SHABAT": "ON"}),
    # The inverter: no TURN_ON_OFF, SPT an int, vertical swing only; it runs COOL at first.
    (INVERTER, SERVICE_SET_HVAC_MODE, {ATTR_HVAC_MODE: "off"}, {"AC_MODE": "STBY"}),
    (INVERTER, SERVICE_SET_HVAC_MODE, {ATTR_HVAC_MODE: "heat"}, {"AC_MODE": "HEAT"}),
    (INVERTER, SERVICE_TURN_OFF, {}, {"AC_MODE": "STBY"}),
    (INVERTER, SERVICE_SET_TEMPERATURE, {ATTR_TEMPERATURE: 25}, {"SPT": 25}),
    (INVERTER, SERVICE_SET_TEMPERATURE, {ATTR_TEMPERATURE: 16}, {"SPT": 16}),
    (
        INVERTER,
        SERVICE_SET_TEMPERATURE,
        {ATTR_TEMPERATURE: 30, ATTR_HVAC_MODE: "fan_only"},
        {"SPT": 30, "AC_MODE": "FAN"},
    ),
    (INVERTER, SERVICE_SET_FAN_MODE, {ATTR_FAN_MODE: "low"}, {"FANSPD": "LOW"}),
    (INVERTER, SERVICE_SET_SWING_MODE, {ATTR_SWING_MODE: "on"}, {"VSWING": "ON"}),
    (INVERTER, SERVICE_SET_PRESET_MODE, {ATTR_PRESET_MODE: "shabat"}, {"SHABAT": "ON"}),
]


@pytest.mark.parametrize(
    ("entity_id", "service", "data", "changes"),
    SERVICE_CASES,
    ids=[f"{case[0]}-{case[1]}-{'-'.join(map(str, case[2].values()))}" for case in SERVICE_CASES],
)
async def test_service_sends_full_oper(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    setup_electra: MockConfigEntry,
    entity_id: str,
    service: str,
    data: dict[str, Any],
    changes: dict[str, Any],
) -> None:
    """Each action sends the unit's whole OPER with only the changed keys replaced."""
    device_id = CLIMATES[entity_id]
    before = cloud.unit_oper(device_id)
    assert before is not None
    sent_before = len(cloud.commands)

    await call(hass, service, entity_id, **data)

    assert len(cloud.commands) == sent_before + 1
    assert last_command(cloud) == (device_id, {**before, **changes})
    # The unit took it, and the entity shows what the unit reports.
    assert cloud.unit_oper(device_id) == {**before, **changes}


async def test_oper_passthrough_and_source(
    hass: HomeAssistant, cloud: ElectraCloud, sim_clock: SimClock, setup_electra: MockConfigEntry
) -> None:
    """Unknown keys go back untouched, AC_STSRC becomes WI-FI, and SPT keeps its type."""
    cloud.unit(CENTRAL_ID).oper.update({"AC_STSRC": "IR", "NEW_KEY": "X"})
    cloud.unit(INVERTER_ID).oper.update({"AC_STSRC": "IR", "NEW_NUMBER": 7})
    sim_clock.advance(2)  # older than the client's read-modify-write cache

    await call(hass, SERVICE_SET_TEMPERATURE, CENTRAL, temperature=24, hvac_mode="cool")
    assert last_command(cloud) == (
        CENTRAL_ID,
        {
            "AC_MODE": "COOL",
            "AC_STSRC": "WI-FI",
            "SPT": "24",
            "TIMER": "OFF",
            "FANSPD": "HIGH",
            "CLEAR_FILT": "OFF",
            "DIAG_L2_PRD": "0",
            "FW_OTA": "NONE",
            "IFEEL": "OFF",
            "SHABAT": "OFF",
            "SLEEP": "OFF",
            "NEW_KEY": "X",
        },
    )

    await call(hass, SERVICE_SET_TEMPERATURE, INVERTER, temperature=27)
    device_id, oper = last_command(cloud)
    assert device_id == INVERTER_ID
    assert oper["SPT"] == 27
    assert isinstance(oper["SPT"], int)
    assert oper["AC_STSRC"] == "WI-FI"
    assert oper["NEW_NUMBER"] == 7

    await call(hass, SERVICE_TURN_OFF, MIDEA)
    assert last_command(cloud) == (
        MIDEA_ID,
        {
            "TURN_ON_OFF": "OFF",
            "AC_MODE": "COOL",
            "SPT": "24",
            "FANSPD": "AUTO",
            "VSWING": "OFF",
            "HSWING": "OFF",
            "TURBO": "OFF",
            "SLEEP": "OFF",
            "IFEEL": "OFF",
            "SHABAT": "OFF",
            "TIMER": "OFF",
            "CLEAR_FILT": "ON",
            "MSGTYPE": "OPER",
            "IDU_PN": "0",
            "OP_VAL_ERR": "OK",
        },
    )
    assert "AC_STSRC" not in last_command(cloud)[1]


async def test_states_follow_the_unit(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """Modes, set point, fan, swing and preset as the entities show them after each action."""
    assert hass.states.get(MIDEA).state == HVACMode.OFF
    await call(hass, SERVICE_SET_HVAC_MODE, MIDEA, hvac_mode="heat")
    assert hass.states.get(MIDEA).state == HVACMode.HEAT
    await call(hass, SERVICE_SET_TEMPERATURE, MIDEA, temperature=19)
    assert attr(hass, MIDEA, ATTR_TEMPERATURE) == 19
    await call(hass, SERVICE_SET_FAN_MODE, MIDEA, fan_mode="medium")
    assert attr(hass, MIDEA, ATTR_FAN_MODE) == "medium"
    await call(hass, SERVICE_SET_SWING_MODE, MIDEA, swing_mode="on")
    assert attr(hass, MIDEA, ATTR_SWING_MODE) == "on"
    await call(hass, SERVICE_SET_SWING_HORIZONTAL_MODE, MIDEA, swing_horizontal_mode="on")
    assert attr(hass, MIDEA, ATTR_SWING_HORIZONTAL_MODE) == "on"
    await call(hass, SERVICE_SET_SWING_HORIZONTAL_MODE, MIDEA, swing_horizontal_mode="off")
    assert attr(hass, MIDEA, ATTR_SWING_HORIZONTAL_MODE) == "off"
    await call(hass, SERVICE_SET_PRESET_MODE, MIDEA, preset_mode="shabat")
    assert attr(hass, MIDEA, ATTR_PRESET_MODE) == "shabat"
    await call(hass, SERVICE_SET_PRESET_MODE, MIDEA, preset_mode="none")
    assert attr(hass, MIDEA, ATTR_PRESET_MODE) == "none"
    assert last_command(cloud)[1]["SHABAT"] == "OFF"
    await call(hass, SERVICE_TURN_OFF, MIDEA)
    assert hass.states.get(MIDEA).state == HVACMode.OFF
    # Off keeps the real mode on these units; turning on brings it back.
    assert cloud.unit_oper(MIDEA_ID)["AC_MODE"] == "HEAT"
    await call(hass, SERVICE_TURN_ON, MIDEA)
    assert hass.states.get(MIDEA).state == HVACMode.HEAT
    assert last_command(cloud)[1]["TURN_ON_OFF"] == "ON"
    assert last_command(cloud)[1]["AC_MODE"] == "HEAT"

    await call(hass, SERVICE_SET_HVAC_MODE, CENTRAL, hvac_mode="fan_only")
    assert hass.states.get(CENTRAL).state == HVACMode.FAN_ONLY
    await call(hass, SERVICE_SET_PRESET_MODE, CENTRAL, preset_mode="shabat")
    assert attr(hass, CENTRAL, ATTR_PRESET_MODE) == "shabat"
    await call(hass, SERVICE_SET_PRESET_MODE, CENTRAL, preset_mode="none")
    assert attr(hass, CENTRAL, ATTR_PRESET_MODE) == "none"
    assert last_command(cloud) == (CENTRAL_ID, cloud.unit_oper(CENTRAL_ID))
    assert cloud.unit_oper(CENTRAL_ID)["SHABAT"] == "OFF"


@pytest.mark.parametrize(
    ("entity_id", "device_id", "mode", "ac_mode"),
    [
        (CENTRAL, CENTRAL_ID, "dry", "DRY"),
        (CENTRAL, CENTRAL_ID, "heat", "HEAT"),
        (INVERTER, INVERTER_ID, "fan_only", "FAN"),
        (MIDEA, MIDEA_ID, "auto", "AUTO"),
    ],
)
async def test_turn_on_restores_last_active_mode(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    setup_electra: MockConfigEntry,
    entity_id: str,
    device_id: int,
    mode: str,
    ac_mode: str,
) -> None:
    """Off then on runs in the mode used last, not a fixed one (STBY units forget it)."""
    await call(hass, SERVICE_SET_HVAC_MODE, entity_id, hvac_mode=mode)
    await call(hass, SERVICE_TURN_OFF, entity_id)
    assert hass.states.get(entity_id).state == HVACMode.OFF

    await call(hass, SERVICE_TURN_ON, entity_id)

    assert last_command(cloud)[0] == device_id
    assert last_command(cloud)[1]["AC_MODE"] == ac_mode
    assert hass.states.get(entity_id).state == mode


@pytest.mark.parametrize("merge_window", [0])
async def test_turn_on_remembers_a_mode_set_elsewhere(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """After the remote ran DRY and switched off, turn_on asks for DRY again."""
    cloud.unit(INVERTER_ID).oper["AC_MODE"] = "DRY"
    await async_poll(hass, freezer)
    assert hass.states.get(INVERTER).state == HVACMode.DRY
    cloud.unit(INVERTER_ID).oper["AC_MODE"] = "STBY"
    await async_poll(hass, freezer)
    assert hass.states.get(INVERTER).state == HVACMode.OFF

    await call(hass, SERVICE_TURN_ON, INVERTER)

    assert last_command(cloud)[1]["AC_MODE"] == "DRY"
    assert hass.states.get(INVERTER).state == HVACMode.DRY


async def test_turn_on_after_restart_uses_restored_mode(
    hass: HomeAssistant, cloud: ElectraCloud, electra_entry: MockConfigEntry
) -> None:
    """The last active mode of an STBY unit survives a restart."""
    mock_restore_cache_with_extra_data(
        hass, ((State(CENTRAL, HVACMode.OFF), {"last_active_mode": "heat"}),)
    )
    assert await hass.config_entries.async_setup(electra_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(CENTRAL).state == HVACMode.OFF

    await call(hass, SERVICE_TURN_ON, CENTRAL)

    assert last_command(cloud)[0] == CENTRAL_ID
    assert last_command(cloud)[1]["AC_MODE"] == "HEAT"
    assert hass.states.get(CENTRAL).state == HVACMode.HEAT


async def test_turn_on_without_history_uses_cool(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """With nothing remembered, an STBY unit turns on in cool, never Home Assistant's heat."""
    await call(hass, SERVICE_TURN_ON, CENTRAL)
    assert last_command(cloud) == (CENTRAL_ID, {**cloud.unit_oper(CENTRAL_ID), "AC_MODE": "COOL"})


async def test_scaled_temperature_unit(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """The inverter reports I_CALC_AT/I_RCT x256; the entity shows the room temperature."""
    room = round(cloud.room_temperature(INVERTER_ID))
    assert attr(hass, INVERTER, "current_temperature") == room
    assert 20 <= room <= 30
    # And the x256 readings alone would still give degrees, not thousands of them.
    assert current_temperature({"I_CALC_AT": str(room * 256)}) == room
    assert current_temperature({"I_RAT": "", "I_RCT": "6144"}) == 24
    assert current_temperature({"I_RAT": "9999999"}) is None


async def test_hvac_action(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """hvac_action follows the outdoor unit: cooling while short of the set point, else idle."""
    assert attr(hass, INVERTER, ATTR_HVAC_ACTION) == HVACAction.COOLING
    assert attr(hass, CENTRAL, ATTR_HVAC_ACTION) == HVACAction.OFF

    await call(hass, SERVICE_SET_TEMPERATURE, INVERTER, temperature=30)
    assert attr(hass, INVERTER, ATTR_HVAC_ACTION) == HVACAction.IDLE
    assert hass.states.get(INVERTER).state == HVACMode.COOL

    await call(hass, SERVICE_SET_TEMPERATURE, CENTRAL, temperature=30, hvac_mode="heat")
    assert attr(hass, CENTRAL, ATTR_HVAC_ACTION) == HVACAction.HEATING
    await call(hass, SERVICE_SET_HVAC_MODE, CENTRAL, hvac_mode="fan_only")
    assert attr(hass, CENTRAL, ATTR_HVAC_ACTION) == HVACAction.FAN
    await call(hass, SERVICE_SET_HVAC_MODE, CENTRAL, hvac_mode="dry")
    assert attr(hass, CENTRAL, ATTR_HVAC_ACTION) == HVACAction.DRYING


async def test_command_not_applied(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """A unit that ignores the command: an error, and the entity shows the true state."""
    cloud.ignore_commands(MIDEA_ID, 10)
    sent_before = len(cloud.commands)

    with pytest.raises(HomeAssistantError) as err:
        await call(hass, SERVICE_SET_TEMPERATURE, MIDEA, temperature=20)

    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == "command_not_applied"
    assert len(cloud.commands) > sent_before  # it was sent, and resent
    assert last_command(cloud)[1]["SPT"] == "20"
    assert cloud.unit_oper(MIDEA_ID)["SPT"] == "24"
    assert attr(hass, MIDEA, ATTR_TEMPERATURE) == 24
    assert hass.states.get(MIDEA).state == HVACMode.OFF


async def test_command_not_applied_on_mode(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """The optimistic mode is dropped when the unit does not take it."""
    cloud.ignore_commands(CENTRAL_ID, 10)
    with pytest.raises(HomeAssistantError) as err:
        await call(hass, SERVICE_SET_HVAC_MODE, CENTRAL, hvac_mode="cool")
    assert err.value.translation_key == "command_not_applied"
    assert hass.states.get(CENTRAL).state == HVACMode.OFF


@pytest.mark.parametrize(
    ("entity_id", "service", "data"),
    [
        (CENTRAL, SERVICE_SET_TEMPERATURE, {ATTR_TEMPERATURE: 35}),
        (MIDEA, SERVICE_SET_TEMPERATURE, {ATTR_TEMPERATURE: 10}),
        (CENTRAL, SERVICE_SET_FAN_MODE, {ATTR_FAN_MODE: "turbo"}),
        (CENTRAL, SERVICE_SET_SWING_MODE, {ATTR_SWING_MODE: "on"}),
        (CENTRAL, SERVICE_SET_SWING_HORIZONTAL_MODE, {ATTR_SWING_HORIZONTAL_MODE: "on"}),
        (INVERTER, SERVICE_SET_SWING_HORIZONTAL_MODE, {ATTR_SWING_HORIZONTAL_MODE: "on"}),
        (MIDEA, SERVICE_SET_SWING_MODE, {ATTR_SWING_MODE: "both"}),
        (MIDEA, SERVICE_SET_PRESET_MODE, {ATTR_PRESET_MODE: "eco"}),
    ],
)
async def test_home_assistant_validation(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    setup_electra: MockConfigEntry,
    entity_id: str,
    service: str,
    data: dict[str, Any],
) -> None:
    """Out-of-range values and features the unit lacks never reach the cloud."""
    with pytest.raises(ServiceValidationError):
        await call(hass, service, entity_id, **data)
    assert cloud.commands == []


async def test_unit_without_state(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """The never-online unit is unavailable, and actions send nothing for it."""
    assert hass.states.get(NEVER_ONLINE).state == STATE_UNAVAILABLE
    assert hass.states.get(CENTRAL).state == HVACMode.OFF
    assert hass.states.get(INVERTER).state == HVACMode.COOL
    assert hass.states.get(MIDEA).state == HVACMode.OFF
    await call(hass, SERVICE_TURN_ON, NEVER_ONLINE)
    assert cloud.commands == []


@pytest.mark.parametrize("merge_window", [0])
async def test_a_refused_command_never_reaches_the_state_machine(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """The requested mode is not shown before the unit confirms it, so no history keeps it."""
    seen: list[str] = []

    @callback
    def record(event: Event[EventStateChangedData]) -> None:
        if event.data["entity_id"] == CENTRAL and (state := event.data["new_state"]):
            seen.append(state.state)

    unsubscribe = hass.bus.async_listen(EVENT_STATE_CHANGED, record)
    cloud.ignore_commands(CENTRAL_ID, 10)
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            CLIMATE_DOMAIN,
            SERVICE_SET_HVAC_MODE,
            {ATTR_ENTITY_ID: CENTRAL, ATTR_HVAC_MODE: HVACMode.HEAT},
            blocking=True,
        )
    await hass.async_block_till_done()
    unsubscribe()
    assert HVACMode.HEAT not in seen
    assert hass.states.get(CENTRAL).state == HVACMode.OFF


async def test_a_fraction_of_a_degree_is_refused(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """21.5 °C is not silently rounded: the unit holds whole degrees."""
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            CLIMATE_DOMAIN,
            SERVICE_SET_TEMPERATURE,
            {ATTR_ENTITY_ID: INVERTER, ATTR_TEMPERATURE: 21.5},
            blocking=True,
        )
    assert raised.value.translation_key == "whole_degrees_only"
    assert cloud.commands == []


async def test_the_shabat_switch_of_earlier_versions_is_removed(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    electra_entry: MockConfigEntry,
) -> None:
    """Shabat is the climate preset only; the old duplicate switch leaves no orphan behind."""
    old = entity_registry.async_get_or_create(
        "switch",
        DOMAIN,
        f"{device_identifier(CENTRAL_ID)}_shabat",
        config_entry=electra_entry,
        suggested_object_id="slvn_shabat_mode",
    )
    assert await hass.config_entries.async_setup(electra_entry.entry_id)
    await hass.async_block_till_done()
    assert entity_registry.async_get(old.entity_id) is None
    assert hass.states.get("switch.slvn_shabat_mode") is None
    assert "shabat" in hass.states.get(CENTRAL).attributes["preset_modes"]
