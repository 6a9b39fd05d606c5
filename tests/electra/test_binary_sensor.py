"""The Electra Smart binary sensors: the filter-cleaning reminder."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from simulator.electra import CENTRAL_ID, MIDEA_ID, NEVER_ONLINE_ID, ElectraCloud

from .common import async_poll, snapshot_entities

CENTRAL_FILTER = "binary_sensor.slvn_filter_needs_cleaning"
MIDEA_FILTER = "binary_sensor.khdr_shynh_filter_needs_cleaning"
NEVER_ONLINE_FILTER = "binary_sensor.khdr_yldym_filter_needs_cleaning"


@pytest.fixture
def platforms() -> list[Platform]:
    """Only the binary sensor platform."""
    return [Platform.BINARY_SENSOR]


async def test_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    entity_registry_enabled_by_default: None,
    setup_electra: MockConfigEntry,
) -> None:
    """One filter sensor per unit that reports CLEAR_FILT."""
    snapshot_entities(hass, entity_registry, snapshot, setup_electra.entry_id)


async def test_filter_sensor(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    freezer: FrozenDateTimeFactory,
    setup_electra: MockConfigEntry,
) -> None:
    """CLEAR_FILT ON is a problem; it follows the unit and appears once a unit reports it."""
    assert hass.states.get(MIDEA_FILTER).state == STATE_ON
    assert hass.states.get(CENTRAL_FILTER).state == STATE_OFF
    assert hass.states.get(NEVER_ONLINE_FILTER) is None

    cloud.unit(CENTRAL_ID).oper["CLEAR_FILT"] = "ON"
    cloud.unit(MIDEA_ID).oper["CLEAR_FILT"] = "OFF"
    await async_poll(hass, freezer)
    assert hass.states.get(CENTRAL_FILTER).state == STATE_ON
    assert hass.states.get(MIDEA_FILTER).state == STATE_OFF

    # The unit that never reported comes online: its sensor is added.
    cloud.set_online(NEVER_ONLINE_ID, True)
    await async_poll(hass, freezer)
    assert hass.states.get(NEVER_ONLINE_FILTER).state == STATE_OFF

    cloud.set_online(CENTRAL_ID, False)
    await async_poll(hass, freezer)
    assert hass.states.get(CENTRAL_FILTER).state == STATE_UNAVAILABLE
