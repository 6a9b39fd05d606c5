"""Vendors behind one Derapi account: tokens kept fresh, failures contained and repaired."""

from __future__ import annotations

from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.api.derapi import VendorCredentials
from custom_components.home_energy_cloud.const import DOMAIN
from simulator.derapi import DerapiCloud, scenario as sc

from .common import async_poll, entity_id, state_of


@pytest.fixture
def derapi_vendor_credentials(
    all_vendor_credentials: list[VendorCredentials],
) -> list[VendorCredentials]:
    """Every vendor's credentials are sent with each request."""
    return all_vendor_credentials


def _issue(hass: HomeAssistant, entry: MockConfigEntry, vendor: str) -> ir.IssueEntry | None:
    issue_id = f"derapi_vendor_unauthorized_{entry.entry_id}_{vendor}"
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


async def test_setup_sees_every_vendor(hass: HomeAssistant, setup_derapi: MockConfigEntry) -> None:
    for device_id in (sc.SOLIS_INVERTER, sc.SOLAREDGE_INVERTER, *sc.ENPHASE_INVERTERS):
        assert float(state_of(hass, "sensor", device_id, "lifetime_production")) >= 0
    # The second Enphase microinverter reports an error: its problem sensor is on.
    assert state_of(hass, "binary_sensor", sc.ENPHASE_INVERTERS[1], "problem") == "on"
    # A warning alone is no problem, but it is shown with the state.
    assert state_of(hass, "binary_sensor", sc.SOLIS_INVERTER, "problem") == "off"
    state = hass.states.get(entity_id(hass, "binary_sensor", sc.SOLIS_INVERTER, "problem"))
    assert state is not None
    assert state.attributes["warnings"] == ["Grid overvoltage"]
    assert state.attributes["errors"] == []


async def test_unauthorized_vendor_is_contained_and_repaired(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    setup_derapi: MockConfigEntry,
    derapi_cloud: DerapiCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    derapi_cloud.set_vendor_failure("tesla", "unauthorized")
    await async_poll(hass, freezer)

    # Tesla's battery is unavailable; everything else keeps updating.
    assert state_of(hass, "sensor", sc.HOME_TESLA_BATTERY, "battery_level") == STATE_UNAVAILABLE
    assert state_of(hass, "sensor", sc.HOME_SMA_INVERTERS[0], "lifetime_production") != (
        STATE_UNAVAILABLE
    )
    assert state_of(hass, "sensor", sc.ENPHASE_BATTERY, "battery_level") != STATE_UNAVAILABLE
    issue = _issue(hass, setup_derapi, "tesla")
    assert issue is not None
    assert issue.translation_key == "derapi_vendor_unauthorized"
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["vendor"] == "Tesla"
    assert setup_derapi.state is ConfigEntryState.LOADED
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)  # no reauth
    # A contained failure is a warning, never an error.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("Tesla is failing" in r.getMessage() for r in caplog.records)

    # The hourly topology sees it in Derapi's `errors` map too, and removes nothing.
    await async_poll(hass, freezer, timedelta(hours=1))
    assert setup_derapi.runtime_data.topology.data.errors.keys() == {"tesla"}
    assert sc.HOME_TESLA_BATTERY in setup_derapi.runtime_data.topology.data.battery_sites
    await async_poll(hass, freezer, timedelta(hours=1))
    await async_poll(hass, freezer, timedelta(hours=1))
    assert sc.HOME_TESLA_BATTERY in setup_derapi.runtime_data.topology.data.battery_sites

    derapi_cloud.set_vendor_failure("tesla", None)
    await async_poll(hass, freezer)
    assert _issue(hass, setup_derapi, "tesla") is None
    assert state_of(hass, "sensor", sc.HOME_TESLA_BATTERY, "battery_level") != STATE_UNAVAILABLE


async def test_vendor_gateway_timeout_is_a_warning_without_repair(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    setup_derapi: MockConfigEntry,
    derapi_cloud: DerapiCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    derapi_cloud.set_vendor_failure("solis", "timeout")
    await async_poll(hass, freezer)
    assert state_of(hass, "sensor", sc.SOLIS_INVERTER, "lifetime_production") == STATE_UNAVAILABLE
    assert _issue(hass, setup_derapi, "solis") is None
    assert "solis" in setup_derapi.runtime_data.health.problems
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    derapi_cloud.set_vendor_failure("solis", None)
    await async_poll(hass, freezer)
    assert "solis" not in setup_derapi.runtime_data.health.problems
    assert state_of(hass, "sensor", sc.SOLIS_INVERTER, "lifetime_production") != (STATE_UNAVAILABLE)


async def test_vendor_unauthorized_at_setup_recovers_without_a_reload(
    hass: HomeAssistant,
    derapi_entry: MockConfigEntry,
    derapi_cloud: DerapiCloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A vendor refused from the start has no device to read; it is still asked each cycle."""
    derapi_cloud.set_vendor_failure("solaredge", "unauthorized")
    assert await hass.config_entries.async_setup(derapi_entry.entry_id)
    await hass.async_block_till_done()
    assert _issue(hass, derapi_entry, "solaredge") is not None
    assert hass.states.async_entity_ids("sensor")  # the others are there
    derapi_cloud.set_vendor_failure("solaredge", None)
    await async_poll(hass, freezer)
    await async_poll(hass, freezer)
    assert _issue(hass, derapi_entry, "solaredge") is None
    assert float(state_of(hass, "sensor", sc.SOLAREDGE_INVERTER, "lifetime_production")) >= 0


async def test_tokens_stay_fresh_for_days_without_the_user(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    setup_derapi: MockConfigEntry,
    derapi_cloud: DerapiCloud,
) -> None:
    """Two simulated days: SMA's 300 s tokens, Enphase's daily and Tesla's rotating ones."""
    for _ in range(2 * 24):
        await async_poll(hass, freezer, timedelta(hours=1))
        assert state_of(hass, "sensor", sc.HOME_TESLA_BATTERY, "battery_level") != (
            STATE_UNAVAILABLE
        )
    stats = derapi_cloud.state.vendors.stats()
    assert stats["rotations"]["tesla"] >= 6  # 8 h access tokens
    assert stats["rotations"]["enphase"] >= 2  # daily access tokens
    assert stats["token_requests"]["sma"] >= 2 * 24  # 300 s tokens, renewed every hour
    assert not setup_derapi.runtime_data.health.problems
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    # Every rotated refresh token was saved at once: a restart continues the chains.
    saved = setup_derapi.data["vendor_credentials"]
    assert saved["tesla"]["refresh_token"] != sc.TESLA_REFRESH_TOKEN
    assert saved["enphase"]["refresh_token"] != sc.ENPHASE_REFRESH_TOKEN
    assert await hass.config_entries.async_reload(setup_derapi.entry_id)
    await hass.async_block_till_done()
    await async_poll(hass, freezer, timedelta(hours=9))
    assert state_of(hass, "sensor", sc.HOME_TESLA_BATTERY, "battery_level") != STATE_UNAVAILABLE
    assert state_of(hass, "sensor", sc.ENPHASE_BATTERY, "battery_level") != STATE_UNAVAILABLE
    assert not setup_derapi.runtime_data.health.problems


async def test_pagination_past_several_pages(
    hass: HomeAssistant, derapi_entry: MockConfigEntry, derapi_cloud: DerapiCloud
) -> None:
    derapi_cloud.state.settings.update({"max_page_size": 2})
    assert await hass.config_entries.async_setup(derapi_entry.entry_id)
    await hass.async_block_till_done()
    sites = derapi_entry.runtime_data.topology.data.sites
    assert set(sites) == {
        sc.HOME_SITE,
        sc.SMA_SITE,
        sc.SOLIS_SITE,
        sc.SOLAREDGE_SITE,
        sc.ENPHASE_SITE,
    }
    site_pages = [path for method, path in derapi_cloud.api_requests if path.startswith("/sites?")]
    assert len([path for path in site_pages if "pageToken" in path]) >= 2
