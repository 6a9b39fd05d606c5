"""Reloads and restarts continue the account's session instead of asking for a new one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.home_energy_cloud.electra.sessions import DATA_SESSIONS, _fingerprint
from simulator.electra import ElectraCloud

STORAGE_KEY = "home_energy_cloud.electra_sessions"


async def test_reloads_reuse_the_session(
    hass: HomeAssistant, cloud: ElectraCloud, setup_electra: MockConfigEntry
) -> None:
    assert cloud.validate_calls == 1

    for _ in range(3):
        assert await hass.config_entries.async_reload(setup_electra.entry_id)
        await hass.async_block_till_done()
        assert setup_electra.state is ConfigEntryState.LOADED

    assert cloud.validate_calls == 1
    assert cloud.lockouts == 0


async def test_a_restart_reuses_the_stored_session(
    # freezer first: it patches the monotonic clock, which must not jump after setup
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    cloud: ElectraCloud,
    setup_electra: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    assert await hass.config_entries.async_unload(setup_electra.entry_id)
    freezer.tick(timedelta(seconds=31))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    stored = hass_storage[STORAGE_KEY]["data"][setup_electra.entry_id]
    assert setup_electra.data["token"] not in str(stored)  # only a fingerprint of it

    hass.data.pop(DATA_SESSIONS)  # a new process starts with nothing in memory
    assert await hass.config_entries.async_setup(setup_electra.entry_id)
    await hass.async_block_till_done()

    assert setup_electra.state is ConfigEntryState.LOADED
    assert cloud.validate_calls == 1
    assert cloud.lockouts == 0


async def test_a_session_of_another_token_is_not_used(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    electra_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    hass_storage[STORAGE_KEY] = {
        "version": 1,
        "key": STORAGE_KEY,
        "data": {
            electra_entry.entry_id: {
                "token": "0" * 16,
                "sid": "stale",
                "sid_at": 0,
                "validate_at": None,
            }
        },
    }
    assert await hass.config_entries.async_setup(electra_entry.entry_id)
    assert cloud.validate_calls == 1


async def test_an_unreadable_record_costs_one_validation(
    hass: HomeAssistant,
    cloud: ElectraCloud,
    electra_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    hass_storage[STORAGE_KEY] = {
        "version": 1,
        "key": STORAGE_KEY,
        "data": {electra_entry.entry_id: {"token": _fingerprint(electra_entry.data["token"])}},
    }
    assert await hass.config_entries.async_setup(electra_entry.entry_id)
    assert electra_entry.state is ConfigEntryState.LOADED
    assert cloud.validate_calls == 1


async def test_removing_the_entry_forgets_its_session(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    setup_electra: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    await hass.config_entries.async_remove(setup_electra.entry_id)
    freezer.tick(timedelta(seconds=31))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert setup_electra.entry_id not in hass_storage[STORAGE_KEY]["data"]
