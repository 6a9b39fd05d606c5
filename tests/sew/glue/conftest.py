"""SEW Home Assistant glue fixtures: the recorder (statistics) and entries at the fake utility."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any
from unittest.mock import patch

from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.home_energy_cloud.api.sew import Flavor
from custom_components.home_energy_cloud.const import CONF_BASE_URL, CONF_VENDOR, DOMAIN
from custom_components.home_energy_cloud.sew.const import (
    CONF_ACCOUNT,
    CONF_TRUSTED_DEVICE_ID,
    CONF_UTILITY,
    VENDOR_KEY,
)
from simulator import Simulator
from simulator.sew import HOME_ACCOUNT, PASSWORD, USERNAME

from ..conftest import HOSTS

# --- Home Assistant glue -------------------------------------------------------------------------

REGISTRY_UTILITY = {Flavor.PORTAL: "nppd", Flavor.API: "rpu"}
"""Listed utilities of each flavor in the fake's time zone; their URL is pointed at the fake."""
TEST_HISTORY_DAYS = 21
"""The first import's reach in tests (the two-year backfill is the benchmark's)."""


def sew_entry_data(
    simulator: Simulator, flavor: Flavor, *, account: str = HOME_ACCOUNT
) -> dict[str, Any]:
    """Entry data as the config flow stores it for the fake's home account."""
    return {
        CONF_VENDOR: VENDOR_KEY,
        CONF_UTILITY: REGISTRY_UTILITY[flavor],
        CONF_BASE_URL: simulator.host_url("sew", HOSTS[flavor]),
        CONF_USERNAME: USERNAME,
        CONF_PASSWORD: PASSWORD,
        CONF_TRUSTED_DEVICE_ID: "0123456789abcdef0123456789abcdef",
        CONF_ACCOUNT: account,
    }


@pytest.fixture
def sew_fast_import() -> Generator[None]:
    """A few weeks of history and no pacing: the import's rules, not its duration, are tested."""
    with (
        patch("custom_components.home_energy_cloud.sew.HISTORY_DAYS", TEST_HISTORY_DAYS),
        patch("custom_components.home_energy_cloud.sew.REQUEST_PACE", 0.0),
    ):
        yield


@pytest.fixture
def sew_entry(
    hass: HomeAssistant, simulator: Simulator, flavor: Flavor, sew_fast_import: None
) -> MockConfigEntry:
    """The fake's home account (electric net meter + water meter), not yet set up."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Nebraska Public Power District (•••4567)",
        unique_id=f"sew:{REGISTRY_UTILITY[flavor]}:{HOME_ACCOUNT}",
        data=sew_entry_data(simulator, flavor),
    )
    entry.add_to_hass(hass)
    return entry


async def settle(hass: HomeAssistant) -> None:
    """Wait for setup, the background statistics import and the recorder's writes."""
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)


@pytest.fixture
async def setup_sew(hass: HomeAssistant, sew_entry: MockConfigEntry) -> MockConfigEntry:
    """The home account set up, its first import done."""
    assert await hass.config_entries.async_setup(sew_entry.entry_id)
    await settle(hass)
    return sew_entry
