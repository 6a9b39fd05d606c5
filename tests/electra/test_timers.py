"""The Electra Smart cloud timers: the three actions and the next-timer sensor."""

from __future__ import annotations

from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.climate import HVACMode
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.const import DOMAIN
from simulator.electra import CENTRAL_ID, INVERTER_ID, MIDEA_ID, ElectraCloud
from simulator.electra.scenario import SCENARIO_EVENT_ID

from .common import CENTRAL, INVERTER, MIDEA, async_poll

CENTRAL_NEXT = "sensor.slvn_next_timer"
# A Monday, 06:00 in Israel (UTC+3 in summer), where the units and their timers are.
MONDAY_0600 = "2026-06-01 03:00:00+00:00"

SCENARIO_TIMER = {
    "timer_id": str(SCENARIO_EVENT_ID),
    "time": "07:00",
    "weekdays": ["mon", "tue", "wed", "thu", "fri"],
    "enabled": False,
    "hvac_mode": "cool",
    "temperature": 24,
    "fan_mode": None,
}


@pytest.fixture(autouse=True)
async def israel_time(hass: HomeAssistant) -> None:
    """Home Assistant runs where the air conditioners are."""
    await hass.config.async_set_time_zone("Asia/Jerusalem")


async def get_timers(hass: HomeAssistant, *entity_ids: str) -> dict[str, Any]:
    """The get_timers response for the given climate entities."""
    response = await hass.services.async_call(
        DOMAIN,
        "get_timers",
        {ATTR_ENTITY_ID: list(entity_ids)},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    return dict(response)


async def set_timer(hass: HomeAssistant, entity_id: str, **data: Any) -> None:
    """Create or change a timer."""
    await hass.services.async_call(
        DOMAIN, "set_timer", {ATTR_ENTITY_ID: entity_id, **data}, blocking=True
    )


async def delete_timer(hass: HomeAssistant, entity_id: str, timer_id: str) -> None:
    """Delete a timer."""
    await hass.services.async_call(
        DOMAIN, "delete_timer", {ATTR_ENTITY_ID: entity_id, "timer_id": timer_id}, blocking=True
    )


def timer_requests(cloud: ElectraCloud) -> list[str]:
    """The timer-changing commands the fake received."""
    return [cmd for cmd, _, _ in cloud.requests if cmd in {"SET_EVENT", "DELETE_EVENT"}]


async def test_get_timers(hass: HomeAssistant, setup_electra: MockConfigEntry) -> None:
    """The response is keyed by entity id: the flag and every timer of each unit."""
    response = await get_timers(hass, CENTRAL, MIDEA, INVERTER)
    assert response == {
        CENTRAL: {"enabled": True, "timers": [SCENARIO_TIMER]},
        MIDEA: {"enabled": False, "timers": []},
        INVERTER: {"enabled": True, "timers": []},
    }


@pytest.mark.parametrize(
    ("entity_id", "device_id", "actions"),
    [
        (CENTRAL, CENTRAL_ID, {"AC_MODE": "COOL", "SPT": "24", "FANSPD": "HIGH"}),
        (
            MIDEA,
            MIDEA_ID,
            {"AC_MODE": "COOL", "TURN_ON_OFF": "ON", "SPT": "24", "FANSPD": "HIGH"},
        ),
        (INVERTER, INVERTER_ID, {"AC_MODE": "COOL", "SPT": 24, "FANSPD": "HIGH"}),
    ],
)
async def test_create_and_update_timer(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    setup_electra: MockConfigEntry,
    entity_id: str,
    device_id: int,
    actions: dict[str, Any],
) -> None:
    """A new timer reaches the cloud shaped like the unit's OPER; an update keeps its id."""
    before = {event["eventId"] for event in cloud.events(device_id)}

    await set_timer(
        hass,
        entity_id,
        time="07:30:00",
        weekdays=["mon", "wed"],
        hvac_mode="cool",
        temperature=24,
        fan_mode="high",
    )

    created = [event for event in cloud.events(device_id) if event["eventId"] not in before]
    assert len(created) == 1
    event = created[0]
    event_id = event["eventId"]
    assert event == {
        "eventId": event_id,
        "time": "07:30",
        "days": 0b0001010,  # Monday and Wednesday (bit 0 is Sunday)
        "enabled": True,
        "actionsJson": actions,
    }
    response = await get_timers(hass, entity_id)
    assert {
        "timer_id": str(event_id),
        "time": "07:30",
        "weekdays": ["mon", "wed"],
        "enabled": True,
        "hvac_mode": "cool",
        "temperature": 24,
        "fan_mode": "high",
    } in response[entity_id]["timers"]

    # Change it: switch off at 22:15 on Fridays, disabled for now.
    await set_timer(
        hass,
        entity_id,
        timer_id=str(event_id),
        time="22:15:00",
        weekdays=["fri"],
        hvac_mode="off",
        enabled=False,
    )

    off = {"TURN_ON_OFF": "OFF"} if device_id == MIDEA_ID else {"AC_MODE": "STBY"}
    events = {event["eventId"]: event for event in cloud.events(device_id)}
    assert set(events) == before | {event_id}
    assert events[event_id] == {
        "eventId": event_id,
        "time": "22:15",
        "days": 0b0100000,
        "enabled": False,
        "actionsJson": off,
    }
    response = await get_timers(hass, entity_id)
    assert {
        "timer_id": str(event_id),
        "time": "22:15",
        "weekdays": ["fri"],
        "enabled": False,
        "hvac_mode": "off",
        "temperature": None,
        "fan_mode": None,
    } in response[entity_id]["timers"]


async def test_update_keeps_what_is_left_out(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """Changing only the time and mode keeps the days, the enabled flag and the set point."""
    await set_timer(
        hass, CENTRAL, timer_id=str(SCENARIO_EVENT_ID), time="06:45:00", hvac_mode="heat"
    )
    assert cloud.events(CENTRAL_ID) == [
        {
            "eventId": SCENARIO_EVENT_ID,
            "time": "06:45",
            "days": 62,
            "enabled": False,
            "actionsJson": {"AC_MODE": "HEAT", "SPT": "24"},
        }
    ]
    # Only the flag: everything else stays.
    await set_timer(hass, CENTRAL, timer_id=str(SCENARIO_EVENT_ID), enabled=True)
    assert cloud.events(CENTRAL_ID)[0] == {
        "eventId": SCENARIO_EVENT_ID,
        "time": "06:45",
        "days": 62,
        "enabled": True,
        "actionsJson": {"AC_MODE": "HEAT", "SPT": "24"},
    }


async def test_new_timer_without_days_runs_every_day(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """A new timer without weekdays fires every day and is enabled."""
    await set_timer(hass, CENTRAL, time="23:00:00", hvac_mode="off")
    created = [e for e in cloud.events(CENTRAL_ID) if e["eventId"] != SCENARIO_EVENT_ID]
    assert len(created) == 1
    assert created[0]["days"] == 127
    assert created[0]["enabled"] is True
    assert created[0]["time"] == "23:00"


async def test_delete_timer(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """The timer is gone from the cloud and from the response."""
    await delete_timer(hass, CENTRAL, str(SCENARIO_EVENT_ID))
    assert cloud.events(CENTRAL_ID) == []
    assert await get_timers(hass, CENTRAL) == {CENTRAL: {"enabled": True, "timers": []}}


@pytest.mark.parametrize(
    ("service", "data", "translation_key"),
    [
        ("delete_timer", {"timer_id": "999"}, "timer_not_found"),
        (
            "set_timer",
            {"timer_id": "999", "time": "07:00:00", "hvac_mode": "cool"},
            "timer_not_found",
        ),
        # A timer of another unit is not this unit's.
        ("delete_timer", {"timer_id": str(SCENARIO_EVENT_ID)}, "timer_not_found"),
        (
            "set_timer",
            {"time": "07:00:00", "hvac_mode": "cool", "temperature": 35},
            "timer_invalid_temperature",
        ),
        (
            "set_timer",
            {"time": "07:00:00", "hvac_mode": "cool", "temperature": 15},
            "timer_invalid_temperature",
        ),
        (
            "set_timer",
            {"time": "07:00:00", "hvac_mode": "cool", "fan_mode": "turbo"},
            "timer_invalid_fan_mode",
        ),
        (
            "set_timer",
            {"time": "07:00:00", "hvac_mode": "heat_cool"},
            "timer_invalid_mode",
        ),
        # A new timer needs both when and what.
        ("set_timer", {"hvac_mode": "cool"}, "timer_needs_time_and_mode"),
        ("set_timer", {"time": "07:00:00"}, "timer_needs_time_and_mode"),
    ],
)
async def test_validation(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    setup_electra: MockConfigEntry,
    service: str,
    data: dict[str, Any],
    translation_key: str,
) -> None:
    """Refused before anything is sent."""
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, service, {ATTR_ENTITY_ID: MIDEA, **data}, blocking=True
        )
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == translation_key
    assert timer_requests(cloud) == []
    assert [event["eventId"] for event in cloud.events(CENTRAL_ID)] == [SCENARIO_EVENT_ID]


@pytest.mark.freeze_time(MONDAY_0600)
async def test_next_timer_sensor(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """The next enabled timer: when and what; it fires in the cloud and the unit follows."""
    # The scenario's only timer is disabled.
    assert hass.states.get(CENTRAL_NEXT).state == STATE_UNKNOWN

    await set_timer(
        hass,
        CENTRAL,
        time="07:30:00",
        weekdays=["mon", "wed"],
        hvac_mode="cool",
        temperature=25,
        fan_mode="low",
    )
    # An earlier but disabled timer does not count.
    await set_timer(hass, CENTRAL, time="06:30:00", hvac_mode="heat", enabled=False)
    event_id = next(
        event["eventId"] for event in cloud.events(CENTRAL_ID) if event["time"] == "07:30"
    )

    state = hass.states.get(CENTRAL_NEXT)
    assert state.state == "2026-06-01T04:30:00+00:00"
    assert state.attributes["timer_id"] == str(event_id)
    assert state.attributes["hvac_mode"] == HVACMode.COOL
    assert state.attributes["temperature"] == 25
    assert state.attributes["fan_mode"] == "low"
    assert hass.states.get(CENTRAL).state == HVACMode.OFF

    # 07:31: the cloud has fired the timer; the next telemetry poll shows the unit cooling.
    await async_poll(hass, freezer, 91 * 60)
    assert cloud.unit_oper(CENTRAL_ID)["AC_MODE"] == "COOL"
    state = hass.states.get(CENTRAL)
    assert state.state == HVACMode.COOL
    assert state.attributes["temperature"] == 25
    assert state.attributes["fan_mode"] == "low"
    # And the sensor has moved on to Wednesday.
    assert hass.states.get(CENTRAL_NEXT).state == "2026-06-03T04:30:00+00:00"


@pytest.mark.freeze_time(MONDAY_0600)
async def test_next_timer_moves_on_when_it_fires(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """Right after the timer's time the sensor shows the next occurrence, not a past one."""
    await set_timer(hass, CENTRAL, time="06:01:00", hvac_mode="cool")
    assert hass.states.get(CENTRAL_NEXT).state == "2026-06-01T03:01:00+00:00"

    await async_poll(hass, freezer, 61)

    assert hass.states.get(CENTRAL_NEXT).state == "2026-06-02T03:01:00+00:00"


@pytest.mark.freeze_time(MONDAY_0600)
async def test_next_timer_respects_the_flag(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """With the unit's timers off, no timer is next."""
    await set_timer(hass, CENTRAL, time="07:30:00", hvac_mode="cool")
    assert hass.states.get(CENTRAL_NEXT).state == "2026-06-01T04:30:00+00:00"
    await hass.services.async_call(
        "switch", "turn_off", {ATTR_ENTITY_ID: "switch.slvn_timers"}, blocking=True
    )
    assert hass.states.get(CENTRAL_NEXT).state == STATE_UNKNOWN
    assert hass.states.get(CENTRAL_NEXT).attributes.get("timer_id") is None


@pytest.mark.freeze_time(MONDAY_0600)
async def test_timer_times_are_israel_time_wherever_home_assistant_is(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    """The cloud fires 07:30 in Israel; a Home Assistant set to another zone shows that moment."""
    await hass.config.async_set_time_zone("America/New_York")
    await set_timer(hass, CENTRAL, time="07:30:00", hvac_mode="cool")
    # 07:30 in Jerusalem (UTC+3 in June) is 04:30 UTC, not 07:30 New York time.
    assert hass.states.get(CENTRAL_NEXT).state == "2026-06-01T04:30:00+00:00"
