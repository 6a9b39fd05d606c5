"""Setting up a Derapi entry: devices below their site, and their entities."""

from __future__ import annotations

from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator.derapi import DerapiCloud, scenario as sc
from simulator.derapi.scenario import SimInverter

from .common import async_poll, device_of, entity_id, state_of


async def test_setup_builds_the_device_tree(
    hass: HomeAssistant, setup_derapi: MockConfigEntry
) -> None:
    assert setup_derapi.state is ConfigEntryState.LOADED
    home = device_of(hass, setup_derapi, sc.HOME_SITE)
    assert home is not None
    assert home.name == "Home"
    assert home.manufacturer == "SMA"
    for child_id, maker in (
        (sc.HOME_SMA_INVERTERS[0], "SMA"),
        (sc.HOME_SMA_INVERTERS[1], "SMA"),
        (sc.HOME_TESLA_BATTERY, "Tesla"),
    ):
        child = device_of(hass, setup_derapi, child_id)
        assert child is not None, child_id
        assert child.via_device_id == home.id
        assert child.manufacturer == maker
    battery = device_of(hass, setup_derapi, sc.HOME_TESLA_BATTERY)
    assert battery is not None
    assert battery.model == "Powerwall 2"
    assert battery.serial_number == "TG1210000001"
    # Only the vendors the entry has credentials for are there.
    assert device_of(hass, setup_derapi, sc.SOLIS_SITE) is None
    assert device_of(hass, setup_derapi, sc.SMA_SITE) is not None


async def test_entities_show_the_devices(
    hass: HomeAssistant, setup_derapi: MockConfigEntry
) -> None:
    lifetimes = [
        float(state_of(hass, "sensor", inverter, "lifetime_production"))
        for inverter in sc.HOME_SMA_INVERTERS
    ]
    # The demo's two roofs differ, so a mix-up between their entities shows.
    assert lifetimes[0] > lifetimes[1] > 0
    level = float(state_of(hass, "sensor", sc.HOME_TESLA_BATTERY, "battery_level"))
    assert 0 <= level <= 100
    assert state_of(hass, "sensor", sc.HOME_TESLA_BATTERY, "battery_mode") == "self_consumption"
    assert state_of(hass, "select", sc.HOME_SITE, "battery_mode_select") == "self_consumption"
    assert state_of(hass, "binary_sensor", sc.HOME_SMA_INVERTERS[0], "problem") == "off"
    # The site's mode sensor repeats its select: there, but off until a user wants it.
    site_mode = er.async_get(hass).async_get(
        entity_id(hass, "sensor", sc.HOME_SITE, "battery_mode")
    )
    assert site_mode is not None
    assert site_mode.disabled_by is er.RegistryEntryDisabler.INTEGRATION


# An hour and a minute: the coordinators' schedules carry sub-second jitter.
HOUR = timedelta(hours=1, minutes=1)


async def test_devices_come_and_go_without_a_reload(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    setup_derapi: MockConfigEntry,
    derapi_cloud: DerapiCloud,
) -> None:
    account = derapi_cloud.state.account
    account.add_inverter(
        SimInverter("solr-homesma00000003", "sma", sc.HOME_SITE, "Sunny Boy 3.0", "3000000003", 3)
    )
    await async_poll(hass, freezer, HOUR)
    await async_poll(hass, freezer)  # its details at the latest with the next 5-minute read
    added = device_of(hass, setup_derapi, "solr-homesma00000003")
    assert added is not None
    assert float(state_of(hass, "sensor", "solr-homesma00000003", "lifetime_production")) >= 0

    del account.inverters["solr-homesma00000003"]
    # Removed only after two counted misses an hour apart.
    await async_poll(hass, freezer, HOUR)
    assert device_of(hass, setup_derapi, "solr-homesma00000003") is not None
    await async_poll(hass, freezer, HOUR)
    assert device_of(hass, setup_derapi, "solr-homesma00000003") is None
    assert device_of(hass, setup_derapi, sc.HOME_SMA_INVERTERS[0]) is not None
