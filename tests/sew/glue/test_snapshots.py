"""Entity snapshots of the fake's home account (net-metered electric meter and water meter),
one platform each, on every supported Home Assistant.

Time is frozen at a fixed summer noon (before the simulator starts), so the published
readings, the bill, the month-to-date figures and the import's results are the same on every
run. The install uses US customary units: the utility's gallons are then shown as they are,
where a metric install converts them (and Home Assistant versions round that differently).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import replace
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util.unit_system import US_CUSTOMARY_SYSTEM
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from custom_components.home_energy_cloud.api.sew import Flavor
from custom_components.home_energy_cloud.sew import SEW

from ...helpers import snapshot_entities
from .conftest import settle


@pytest.fixture(autouse=True)
def fixed_time(freezer: FrozenDateTimeFactory) -> None:
    """Noon in the utility's zone on the longest day (before the simulator starts)."""
    freezer.move_to("2026-06-21T17:00:00+00:00")


@pytest.fixture
def only(platform: Platform) -> Generator[None]:
    """The SEW vendor loading just ``platform``."""
    sew_only = replace(SEW, platforms=(platform,))
    with patch.dict("custom_components.home_energy_cloud.vendors.VENDORS", {"sew": sew_only}):
        yield


@pytest.mark.parametrize("flavor", [Flavor.PORTAL], ids=["portal_a"])
@pytest.mark.parametrize("platform", [Platform.SENSOR, Platform.BINARY_SENSOR])
async def test_snapshot(
    hass: HomeAssistant,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
    entity_registry_enabled_by_default: None,
    sew_entry: MockConfigEntry,
    only: None,
    flavor: Flavor,
    platform: Platform,
) -> None:
    """Account: bill, due date, balance, outage; each meter: usage, cost and their
    projections, the latest daily usage and the newest final reading."""
    await hass.config.async_update(unit_system="us_customary", currency="USD")
    assert hass.config.units is US_CUSTOMARY_SYSTEM
    assert await hass.config_entries.async_setup(sew_entry.entry_id)
    await settle(hass)
    snapshot_entities(hass, entity_registry, snapshot, sew_entry.entry_id)
