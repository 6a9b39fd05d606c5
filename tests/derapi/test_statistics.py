"""Interval energy in long-term statistics: backfilled, hourly, idempotent, continuous sums."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import get_instance
from homeassistant.components.recorder.statistics import (
    list_statistic_ids,
    statistics_during_period,
)
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.home_energy_cloud.derapi.statistics import statistic_id
from simulator.derapi import scenario as sc

from .common import async_poll

SOLAR = statistic_id(sc.HOME_SITE, "solar_production")
CHARGED = statistic_id(sc.HOME_SITE, "battery_charged")
DISCHARGED = statistic_id(sc.HOME_SITE, "battery_discharged")


async def _rows(hass: HomeAssistant, stat_id: str) -> list[dict[str, Any]]:
    await hass.async_block_till_done(wait_background_tasks=True)
    await async_wait_recording_done(hass)
    start = dt_util.utcnow() - timedelta(days=60)
    found = await get_instance(hass).async_add_executor_job(
        statistics_during_period, hass, start, None, {stat_id}, "hour", None, {"state", "sum"}
    )
    return [dict(row) for row in found.get(stat_id, [])]


def _assert_continuous(rows: list[dict[str, Any]]) -> None:
    """One row per hour, no gap, no repeat, and each sum the previous plus the hour's energy."""
    assert rows
    for before, after in pairwise(rows):
        assert after["start"] - before["start"] == 3600
        assert after["sum"] == pytest.approx(before["sum"] + after["state"])
    assert rows[0]["sum"] == pytest.approx(rows[0]["state"])


@pytest.mark.parametrize("backfill", [timedelta(days=30)])
async def test_thirty_days_backfilled_at_setup(
    hass: HomeAssistant, setup_derapi: MockConfigEntry
) -> None:
    rows = await _rows(hass, SOLAR)
    assert 29 * 24 <= len(rows) <= 30 * 24
    _assert_continuous(rows)
    assert rows[-1]["sum"] > 0
    ids = await get_instance(hass).async_add_executor_job(list_statistic_ids, hass)
    found = {item["statistic_id"]: item for item in ids}
    for stat_id in (SOLAR, CHARGED, DISCHARGED, statistic_id(sc.SMA_SITE, "solar_production")):
        assert found[stat_id]["source"] == "home_energy_cloud"
        assert found[stat_id]["statistics_unit_of_measurement"] == "kWh"
        assert found[stat_id]["has_sum"] is True
    # The SMA farm has no battery: no battery statistics for it.
    assert statistic_id(sc.SMA_SITE, "battery_charged") not in found
    charged, discharged = await _rows(hass, CHARGED), await _rows(hass, DISCHARGED)
    _assert_continuous(charged)
    _assert_continuous(discharged)
    assert charged[-1]["sum"] > 0
    assert discharged[-1]["sum"] > 0


async def test_sums_continue_across_refreshes_and_restarts(
    hass: HomeAssistant, setup_derapi: MockConfigEntry, freezer: FrozenDateTimeFactory
) -> None:
    first = await _rows(hass, SOLAR)
    _assert_continuous(first)

    # A second import within the same hour adds nothing.
    await setup_derapi.runtime_data.statistics.async_refresh()
    assert await _rows(hass, SOLAR) == first

    for _ in range(3):
        await async_poll(hass, freezer, timedelta(hours=1))
    later = await _rows(hass, SOLAR)
    assert len(later) == len(first) + 3
    assert later[: len(first)] == first
    _assert_continuous(later)

    # A restart continues from what the recorder holds, also after hours of downtime.
    assert await hass.config_entries.async_unload(setup_derapi.entry_id)
    freezer.tick(timedelta(hours=5))
    assert await hass.config_entries.async_setup(setup_derapi.entry_id)
    restarted = await _rows(hass, SOLAR)
    assert len(restarted) == len(later) + 5
    assert restarted[: len(later)] == later
    _assert_continuous(restarted)
    _assert_continuous(await _rows(hass, CHARGED))
