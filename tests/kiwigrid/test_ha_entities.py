"""Entity snapshots of a site with two batteries and an EV station, per cloud generation.

The simulated site follows the clock's time of day, so these tests run it on a clock that
starts at a fixed moment (midsummer noon in the site's time zone) instead of real time.
"""

from __future__ import annotations

from datetime import datetime

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from simulator import SimClock, Simulator
from simulator.kiwigrid.site import TIMEZONE

from ..helpers import snapshot_entities

START = datetime(2026, 6, 21, 9, 0, tzinfo=TIMEZONE).timestamp()


class FixedStartClock(SimClock):
    """Wall time starts at ``START`` and moves only when advanced (monotonic time is real)."""

    def time(self) -> float:
        return START + self._offset


@pytest.fixture
def sim_clock() -> SimClock:
    """The fixed-start clock."""
    return FixedStartClock()


@pytest.fixture(autouse=True)
def three_hours_on(simulator: Simulator) -> None:
    """The site has run from 09:00 to noon before Home Assistant reads it."""
    simulator.clock.advance(3 * 3600)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("connection", ["solarwatt_legacy", "solarwatt"])
@pytest.mark.parametrize("platforms", [[Platform.SENSOR], [Platform.BINARY_SENSOR]])
async def test_entities(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    setup_kiwigrid: MockConfigEntry,
) -> None:
    snapshot_entities(hass, entity_registry, snapshot, setup_kiwigrid.entry_id)


@pytest.mark.parametrize("connection", ["local"])
async def test_only_the_noisy_cloud_contact_starts_disabled(
    hass: HomeAssistant, entity_registry: er.EntityRegistry, setup_kiwigrid: MockConfigEntry
) -> None:
    """Every entity a user needs is on; the timestamp that changes at every update is not."""
    entries = er.async_entries_for_config_entry(entity_registry, setup_kiwigrid.entry_id)
    disabled = {entry.translation_key for entry in entries if entry.disabled_by}
    assert disabled == {"last_cloud_contact"}
    (cloud_contact,) = (e for e in entries if e.translation_key == "last_cloud_contact")
    assert cloud_contact.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(cloud_contact.entity_id) is None
    assert len(entries) > 40  # both platforms, every device of the site
