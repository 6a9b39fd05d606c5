"""The Electra Smart sensors: diagnostic readings of each unit."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN, EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from simulator.electra import CENTRAL_ID, INVERTER_ID, MIDEA_ID, ElectraCloud

from .common import async_poll, snapshot_entities


@pytest.fixture
def platforms() -> list[Platform]:
    """Only the sensor platform."""
    return [Platform.SENSOR]


def state_of(hass: HomeAssistant, entity_id: str) -> str:
    """An entity's state string."""
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def test_snapshot(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    entity_registry_enabled_by_default: None,
    setup_electra: MockConfigEntry,
) -> None:
    """Every reading each unit reports (time frozen, so "time since last report" is fixed)."""
    snapshot_entities(hass, entity_registry, snapshot, setup_electra.entry_id)


async def test_diagnostic_sensors_disabled_by_default(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_electra: MockConfigEntry
) -> None:
    """Only the outdoor temperature and the next timer are enabled out of the box."""
    entries = er.async_entries_for_config_entry(entity_registry, setup_electra.entry_id)
    enabled = sorted(entry.entity_id for entry in entries if entry.disabled_by is None)
    assert enabled == sorted(
        [
            "sensor.slvn_outdoor_temperature",
            "sensor.slvn_next_timer",
            "sensor.khdr_shynh_outdoor_temperature",
            "sensor.khdr_shynh_next_timer",
            "sensor.office_outdoor_temperature",
            "sensor.office_next_timer",
            "sensor.khdr_yldym_next_timer",
        ]
    )
    disabled = entity_registry.async_get("sensor.office_wi_fi_signal")
    assert disabled is not None
    assert disabled.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert disabled.entity_category is EntityCategory.DIAGNOSTIC


async def test_outdoor_temperature(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """O_OAT "0" and "" mean no sensor: unknown, not 0 °C."""
    assert state_of(hass, "sensor.khdr_shynh_outdoor_temperature") == "31.0"
    assert state_of(hass, "sensor.slvn_outdoor_temperature") == STATE_UNKNOWN  # "0"
    assert state_of(hass, "sensor.office_outdoor_temperature") == STATE_UNKNOWN  # ""

    cloud.unit(MIDEA_ID).outdoor = "0"
    cloud.unit(CENTRAL_ID).outdoor = "-3"
    await async_poll(hass, freezer)
    assert state_of(hass, "sensor.khdr_shynh_outdoor_temperature") == STATE_UNKNOWN
    assert state_of(hass, "sensor.slvn_outdoor_temperature") == "-3.0"

    cloud.unit(MIDEA_ID).outdoor = "36"
    await async_poll(hass, freezer)
    assert state_of(hass, "sensor.khdr_shynh_outdoor_temperature") == "36.0"


async def test_readings_follow_the_unit(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    entity_registry_enabled_by_default: None,
    setup_electra: MockConfigEntry,
) -> None:
    """Signal, compressor and report age move with the unit; an offline unit is unavailable."""
    assert state_of(hass, "sensor.office_compressor_frequency") == "58.0"
    assert state_of(hass, "sensor.office_wi_fi_signal") == "-61.0"
    assert state_of(hass, "sensor.office_time_since_last_report") == "40"

    cloud.unit(INVERTER_ID).rssi = -80
    cloud.unit(INVERTER_ID).oper["AC_MODE"] = "STBY"
    await async_poll(hass, freezer)
    assert state_of(hass, "sensor.office_wi_fi_signal") == "-80.0"
    assert state_of(hass, "sensor.office_compressor_frequency") == "0.0"
    assert state_of(hass, "sensor.office_time_since_last_report") == "11"  # a report at 90 s

    cloud.set_online(INVERTER_ID, False)
    await async_poll(hass, freezer)
    assert state_of(hass, "sensor.office_wi_fi_signal") == STATE_UNAVAILABLE
    assert state_of(hass, "sensor.office_outdoor_temperature") == STATE_UNAVAILABLE
    assert state_of(hass, "sensor.slvn_wi_fi_signal") == "-37.0"
