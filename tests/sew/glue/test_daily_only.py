"""A meter without interval data (not AMI) gets daily statistics: one row per local day.

Same rules as the hourly ones: the sum continues from the stored one, estimated days are
rewritten once final, a refresh with nothing new changes nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from unittest.mock import patch

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.api.sew import Flavor
from simulator import Simulator
from simulator.sew import (
    ELECTRIC_METER,
    HOME_ACCOUNT,
    TIME_ZONE,
    WATER_METER,
    WATER_PRICE,
    SewCloud,
)
from simulator.sew.readings import day_readings

from ..test_data import TZ, sim_meter
from .conftest import REGISTRY_UTILITY, settle
from .test_statistics import assert_continuous, stat_id, stat_rows, utility_today

HISTORY_DAYS = 75
"""Longer than one daily window (30 days), so the backfill walks back window by window."""


def daily_total(cloud: SewCloud, day: date) -> float:
    slots = day_readings(sim_meter(cloud, WATER_METER), TIME_ZONE, day)
    return sum(slot.imported for slot in slots)


def midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), TZ).astimezone(UTC)


@pytest.fixture
async def daily_water(
    hass: HomeAssistant, sew_entry: MockConfigEntry, sew_cloud: SewCloud
) -> MockConfigEntry:
    """The home account with its water meter reporting no interval data."""
    sew_cloud.backend.daily_only_meters = {WATER_METER}
    with patch("custom_components.home_energy_cloud.sew.HISTORY_DAYS", HISTORY_DAYS):
        assert await hass.config_entries.async_setup(sew_entry.entry_id)
        await settle(hass)
    return sew_entry


async def test_daily_only_meter_imports_one_row_per_day(
    hass: HomeAssistant, daily_water: MockConfigEntry, sew_cloud: SewCloud, flavor: Flavor
) -> None:
    today = utility_today()
    rows = await stat_rows(hass, stat_id(flavor, WATER_METER, "water", "consumption"))
    assert_continuous(rows)
    starts = [datetime.fromtimestamp(row["start"], UTC) for row in rows]
    assert starts[0] == midnight(today - timedelta(days=HISTORY_DAYS))
    assert all(start.astimezone(TZ).time() == datetime.min.time() for start in starts)
    assert len(set(starts)) == len(starts)
    by_day = {start.astimezone(TZ).date(): row for start, row in zip(starts, rows, strict=True)}
    for day in (today - timedelta(days=HISTORY_DAYS), today - timedelta(days=40)):
        assert by_day[day]["state"] == pytest.approx(daily_total(sew_cloud, day), abs=0.01)
    cost = await stat_rows(hass, stat_id(flavor, WATER_METER, "water", "cost"))
    assert_continuous(cost)
    assert cost[-1]["sum"] == pytest.approx(rows[-1]["sum"] * WATER_PRICE, rel=0.01)
    # The AMI meter beside it keeps its hourly rows.
    electric = await stat_rows(hass, stat_id(flavor, ELECTRIC_METER, "energy", "consumption"))
    assert len(electric) > 24 * (HISTORY_DAYS - 5)
    # Daily windows: the backfill walked back about 30 days a request, not a day a request.
    water_requests = Counter(
        r["Mode"] for r in sew_cloud.backend.usage_requests if r["MeterNumber"] == WATER_METER
    )
    assert water_requests["D"] <= 4
    assert water_requests["H"] == 0
    state = daily_water.runtime_data.importer.states[
        f"sew_{REGISTRY_UTILITY[flavor]}_{HOME_ACCOUNT}_{WATER_METER}"
    ]
    assert state.latest_day is not None
    assert state.latest_day_usage == pytest.approx(daily_total(sew_cloud, state.latest_day))


async def test_daily_only_meter_corrects_estimated_days_without_double_counting(
    hass: HomeAssistant,
    daily_water: MockConfigEntry,
    sew_cloud: SewCloud,
    simulator: Simulator,
    flavor: Flavor,
) -> None:
    consumption = stat_id(flavor, WATER_METER, "water", "consumption")
    today = utility_today()
    yesterday = today - timedelta(days=1)
    first = today - timedelta(days=HISTORY_DAYS)
    newest = {
        datetime.fromtimestamp(row["start"], UTC).astimezone(TZ).date(): row["state"]
        for row in (await stat_rows(hass, consumption))[-3:]
    }
    assert any(
        state != pytest.approx(daily_total(sew_cloud, day)) for day, state in newest.items()
    ), "the newest days are still estimated"

    simulator.clock.advance(4 * 86400)
    coordinator = daily_water.runtime_data.coordinator
    before = len(sew_cloud.backend.usage_requests)
    await coordinator.async_refresh()
    await settle(hass)
    # A routine refresh of a daily meter: one window holds every day still changing.
    refresh = [
        r for r in sew_cloud.backend.usage_requests[before:] if r["MeterNumber"] == WATER_METER
    ]
    assert len(refresh) == 1

    rows = await stat_rows(hass, consumption)
    assert_continuous(rows)
    totals = [daily_total(sew_cloud, first + timedelta(days=n)) for n in range(HISTORY_DAYS)]
    assert len(rows) == len(totals)
    assert [row["state"] for row in rows] == pytest.approx(totals, abs=0.01)
    assert datetime.fromtimestamp(rows[-1]["start"], UTC) == midnight(yesterday)

    await coordinator.async_refresh()
    await settle(hass)
    assert await stat_rows(hass, consumption) == rows
