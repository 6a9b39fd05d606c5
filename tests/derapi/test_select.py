"""The battery-mode select: written through site battery control, shown once read back."""

from __future__ import annotations

from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.const import DOMAIN
from simulator.derapi import DerapiCloud, scenario as sc

from .common import entity_id, state_of

KEY = "battery_mode_select"


async def _select(hass: HomeAssistant, option: str) -> None:
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id(hass, "select", sc.HOME_SITE, KEY), ATTR_OPTION: option},
        blocking=True,
    )


async def test_mode_round_trip(
    hass: HomeAssistant, setup_derapi: MockConfigEntry, derapi_cloud: DerapiCloud
) -> None:
    assert state_of(hass, "select", sc.HOME_SITE, KEY) == "self_consumption"
    await _select(hass, "backup")
    assert state_of(hass, "select", sc.HOME_SITE, KEY) == "backup"
    schedule = derapi_cloud.state.battery_controls[sc.HOME_SITE]
    assert [interval["command"] for interval in schedule] == ["idle"]
    await _select(hass, "savings")
    assert state_of(hass, "select", sc.HOME_SITE, KEY) == "savings"
    await _select(hass, "self_consumption")
    assert state_of(hass, "select", sc.HOME_SITE, KEY) == "self_consumption"
    assert derapi_cloud.state.battery_controls[sc.HOME_SITE] == []


async def test_refused_write_is_a_translated_error_and_changes_nothing(
    hass: HomeAssistant, setup_derapi: MockConfigEntry, derapi_cloud: DerapiCloud
) -> None:
    derapi_cloud.set_vendor_failure("tesla", "unauthorized")
    with pytest.raises(HomeAssistantError) as caught:
        await _select(hass, "backup")
    assert caught.value.translation_domain == DOMAIN
    assert caught.value.translation_key == "derapi_vendor_refused"
    assert caught.value.translation_placeholders is not None
    assert caught.value.translation_placeholders["vendor"] == "Tesla"
    assert state_of(hass, "select", sc.HOME_SITE, KEY) == "self_consumption"
    # A vendor's refusal is a repair matter, not a reason to re-authenticate Derapi.
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_bad_request_is_a_translated_error(
    hass: HomeAssistant, setup_derapi: MockConfigEntry, derapi_cloud: DerapiCloud
) -> None:
    derapi_cloud.inject_problem(400)
    with pytest.raises(HomeAssistantError) as caught:
        await _select(hass, "savings")
    assert caught.value.translation_key == "cloud_unavailable"
    assert state_of(hass, "select", sc.HOME_SITE, KEY) == "self_consumption"


async def test_mode_the_site_does_not_take(
    hass: HomeAssistant, setup_derapi: MockConfigEntry, derapi_cloud: DerapiCloud
) -> None:
    """The write is accepted but the site still reports its old mode: an error, no fake state."""
    await _select(hass, "backup")
    derapi_cloud.state.account.batteries[sc.HOME_TESLA_BATTERY].default_mode = "Backup"
    with pytest.raises(HomeAssistantError) as caught:
        await _select(hass, "self_consumption")
    assert caught.value.translation_key == "derapi_mode_not_applied"
    assert state_of(hass, "select", sc.HOME_SITE, KEY) == "backup"
