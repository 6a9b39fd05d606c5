"""Interval energy in long-term statistics: backfilled, hourly, idempotent, continuous sums."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from unittest.mock import patch

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

from custom_components.home_energy_cloud.api.derapi import DerapiSite, SiteLocation, SolarInterval
from custom_components.home_energy_cloud.const import DOMAIN
from custom_components.home_energy_cloud.derapi import statistics as statistics_module
from custom_components.home_energy_cloud.derapi.const import REREAD
from custom_components.home_energy_cloud.derapi.statistics import (
    HOUR,
    hourly_energy,
    statistic_id,
    summary_level,
)
from simulator.derapi import DerapiCloud, curves, scenario as sc
from simulator.derapi.state import DerapiClientAccount

from .common import async_poll

STATISTICS = statistics_module.__name__
add_statistics = statistics_module.async_add_external_statistics
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
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, setup_derapi: MockConfigEntry
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


def _hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _by_start(rows: list[dict[str, Any]]) -> dict[datetime, dict[str, Any]]:
    return {dt_util.utc_from_timestamp(row["start"]): row for row in rows}


@pytest.mark.parametrize("backfill", [timedelta(days=4)])
async def test_corrected_hours_are_rewritten(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,  # frozen before set-up: a jump in time would cut its reads
    setup_derapi: MockConfigEntry,
    derapi_cloud: DerapiCloud,
) -> None:
    """A vendor's correction within the re-read window is written, and every later sum follows."""
    statistics = setup_derapi.runtime_data.statistics
    truth = await _rows(hass, SOLAR)
    truth_charged = await _rows(hass, CHARGED)
    _assert_continuous(truth)
    end = _hour(dt_util.utcnow())
    day_ago = end - timedelta(hours=24)

    # The vendor's devices uploaded nothing for the last day (then it re-reports them)...
    for device in (*sc.HOME_SMA_INVERTERS, sc.HOME_TESLA_BATTERY):
        derapi_cloud.revise_intervals(device, day_ago, end, 0.0)
    # ...and it also fixes an hour older than the window: that one is not read again.
    old = end - REREAD - timedelta(hours=12)
    derapi_cloud.revise_intervals(sc.HOME_SMA_INVERTERS[0], old, old + HOUR, 3.0)
    await statistics.async_refresh()
    emptied = await _rows(hass, SOLAR)
    _assert_continuous(emptied)
    assert len(emptied) == len(truth)
    for before, after in zip(truth, emptied, strict=True):
        if dt_util.utc_from_timestamp(before["start"]) < day_ago:
            assert after == before
        else:
            assert after["state"] == 0
    assert emptied[-1]["sum"] < truth[-1]["sum"]
    charged = _by_start(await _rows(hass, CHARGED))
    assert all(row["state"] == 0 for start, row in charged.items() if start >= day_ago)
    _assert_continuous(list(charged.values()))

    # The vendor sends the real day: the statistics are the truth again.
    derapi_cloud.state.revisions.clear()
    derapi_cloud.revise_intervals(sc.HOME_SMA_INVERTERS[0], old, old + HOUR, 3.0)
    await statistics.async_refresh()
    restored = await _rows(hass, SOLAR)
    _assert_continuous(restored)
    assert [row["start"] for row in restored] == [row["start"] for row in truth]
    for expected, row in zip(truth, restored, strict=True):
        assert row["state"] == pytest.approx(expected["state"])
        assert row["sum"] == pytest.approx(expected["sum"])
    for expected, row in zip(truth_charged, await _rows(hass, CHARGED), strict=True):
        assert row["sum"] == pytest.approx(expected["sum"])

    # Nothing changed: nothing is written; the next hour continues the corrected sums.
    with patch(f"{STATISTICS}.async_add_external_statistics", wraps=add_statistics) as writes:
        await statistics.async_refresh()
    assert writes.call_count == 0
    assert await _rows(hass, SOLAR) == restored
    await async_poll(hass, freezer, HOUR)
    later = await _rows(hass, SOLAR)
    assert later[: len(restored)] == restored
    assert len(later) == len(restored) + 1
    _assert_continuous(later)


@pytest.mark.parametrize(
    ("utc_offset", "zone"),
    [(5.5, "Asia/Kolkata"), (5.75, "Asia/Kathmandu"), (-3.5, "America/St_Johns")],
)
async def test_site_off_whole_hours_is_summed_into_utc_hours(
    hass: HomeAssistant,
    derapi_entry: MockConfigEntry,
    derapi_cloud: DerapiCloud,
    freezer: FrozenDateTimeFactory,
    backfill: timedelta,
    utc_offset: float,
    zone: str,
) -> None:
    """Quarter hours summed into UTC hours; the newest hour waits for its last quarter."""
    hour = _hour(dt_util.utcnow())
    freezer.move_to(hour + timedelta(minutes=10))
    derapi_cloud.relocate_site(sc.HOME_SITE, utc_offset, zone)
    derapi_cloud.state.settings.interval_lag = 20 * 60.0  # the last quarter is not in yet
    assert await hass.config_entries.async_setup(derapi_entry.entry_id)
    await hass.async_block_till_done()

    rows = await _rows(hass, SOLAR)
    _assert_continuous(rows)
    starts = [dt_util.utc_from_timestamp(row["start"]) for row in rows]
    assert starts[0] == hour - backfill
    assert starts[-1] == hour - 2 * HOUR  # [hour - 1 h, hour) lacks its last quarter
    home = derapi_cloud.state.account
    peaks = [home.inverters[i].peak_kw for i in sc.HOME_SMA_INVERTERS]
    for start, row in zip(starts, rows, strict=True):
        t0, t1 = start.timestamp(), (start + HOUR).timestamp()
        expected = sum(
            curves.solar_energy_until(t1, peak, utc_offset)
            - curves.solar_energy_until(t0, peak, utc_offset)
            for peak in peaks
        )
        assert row["state"] == pytest.approx(expected, abs=1e-3)
    assert any(row["state"] > 0 for row in rows)
    _assert_continuous(await _rows(hass, CHARGED))
    _assert_continuous(await _rows(hass, DISCHARGED))
    home_reads = [path for _, path in derapi_cloud.api_requests if "intervals" in path]
    assert all(("summaryLevel=15mins" in path) == (sc.HOME_SITE in path) for path in home_reads)

    # An hour later the pending hour is complete and written; the next one waits in turn.
    await async_poll(hass, freezer, HOUR)
    later = await _rows(hass, SOLAR)
    assert later[: len(rows)] == rows
    assert dt_util.utc_from_timestamp(later[-1]["start"]) == hour - HOUR
    _assert_continuous(later)


def _solar(start: datetime, minutes: int, kwh: float = 1.0) -> SolarInterval:
    return SolarInterval(start=start, end=start + timedelta(minutes=minutes), kwh=kwh)


def test_hourly_energy_takes_only_hours_covered_exactly() -> None:
    """Whole UTC hours only: no crossing interval, gap or overlap is guessed at."""
    hour = datetime(2026, 3, 1, 10, tzinfo=UTC)
    quarter = timedelta(minutes=15)
    intervals = [
        *(_solar(hour + n * quarter, 15) for n in range(4)),  # 10:00: complete
        _solar(hour + HOUR, 15),  # 11:00: a gap after its first quarter
        _solar(hour + HOUR + 2 * quarter, 30),
        _solar(hour + 2 * HOUR + 2 * quarter, 60),  # crosses 12:00 / 13:00: no hour
        _solar(hour + 4 * HOUR, 60, kwh=-1.0),  # 14:00: a negative reading counts as 0
        _solar(hour + 5 * HOUR, 60),  # 15:00 twice: an overlap
        _solar(hour + 5 * HOUR, 60),
    ]
    assert hourly_energy(intervals, lambda interval: interval.kwh) == {
        hour: 4.0,
        hour + 4 * HOUR: 0.0,
    }


def test_summary_level_follows_the_site_offset() -> None:
    """Quarter hours only where hours would not fall on UTC hours (or no offset is known)."""

    def site(location_offset: float | None, current: float | None) -> DerapiSite:
        location = SiteLocation(current, None, None, None) if current is not None else None
        return DerapiSite(
            id="site-x",
            vendor="sma",
            name="x",
            vendor_id=None,
            location_utc_offset=location_offset,
            location=location,
            operational_since=None,
            solar_inverter_ids=(),
            battery_ids=(),
            bess=None,
        )

    assert summary_level(site(None, None)) == "hour"
    assert summary_level(site(1.0, None)) == "hour"
    assert summary_level(site(5.5, None)) == "15mins"
    assert summary_level(site(1.0, -3.5)) == "15mins"
    assert summary_level(site(5.5, 6.0)) == "hour"


async def test_a_refused_derapi_secret_stops_the_import_and_asks_to_reauthenticate(
    hass: HomeAssistant, setup_derapi: MockConfigEntry, derapi_cloud: DerapiCloud
) -> None:
    """Derapi refusing the account is not one site's trouble: the entry asks for the secret."""
    before = await _rows(hass, SOLAR)
    derapi_cloud.state.clients[sc.CLIENT_ID] = DerapiClientAccount("rotated-secret", False)
    derapi_cloud.state.tokens.expire_all()
    statistics = setup_derapi.runtime_data.statistics
    await statistics.async_refresh()
    assert not statistics.last_update_success
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    assert await _rows(hass, SOLAR) == before
