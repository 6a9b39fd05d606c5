"""Entity snapshots of an account with SMA inverters and a Tesla battery, one platform each.

Time is frozen at a fixed summer noon, so production, state of charge and report times (all
derived from the simulator's clock) are the same on every run.
"""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from ..helpers import snapshot_entities


@pytest.fixture(autouse=True)
def fixed_time(freezer: FrozenDateTimeFactory) -> None:
    """Noon UTC on the longest day (before the entry is set up)."""
    freezer.move_to("2026-06-21T12:00:00+00:00")


@pytest.mark.parametrize(
    "platforms", [[Platform.SENSOR], [Platform.BINARY_SENSOR], [Platform.SELECT]]
)
async def test_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    entity_registry_enabled_by_default: None,
    setup_derapi: MockConfigEntry,
) -> None:
    """The Home site (two SMA inverters, a Tesla battery) and the SMA-only Barn roof site."""
    snapshot_entities(hass, entity_registry, snapshot, setup_derapi.entry_id)
