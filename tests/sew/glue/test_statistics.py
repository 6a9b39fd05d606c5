"""Hourly usage in long-term statistics: backfill, continuous sums, late data, DST, restarts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
import itertools
from typing import Any
from unittest.mock import patch

from homeassistant.components.recorder import get_instance
from homeassistant.components.recorder.statistics import (
    list_statistic_ids,
    statistics_during_period,
)
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.api.sew import Flavor
from custom_components.home_energy_cloud.sew.const import CONF_METERS
from simulator import Simulator
from simulator.sew import (
    ELECTRIC_METER,
    ELECTRIC_PRICE,
    HOME_ACCOUNT,
    TIME_ZONE,
    WATER_METER,
    SewCloud,
)
from simulator.sew.readings import Slot, day_readings

from ..test_data import TZ, dst_days, sim_meter
from .conftest import REGISTRY_UTILITY, TEST_HISTORY_DAYS, settle, sew_entry_data


def stat_id(flavor: Flavor, meter: str, service: str, kind: str) -> str:
    utility = REGISTRY_UTILITY[flavor]
    return f"home_energy_cloud:sew_{utility}_{HOME_ACCOUNT}_{meter.lower()}_{service}_{kind}"


async def stat_rows(hass: HomeAssistant, statistic_id: str) -> list[dict[str, Any]]:
    """Every hourly row of one statistic, oldest first."""
    start = dt_util.utcnow() - timedelta(days=800)
    result = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        start,
        None,
        {statistic_id},
        "hour",
        None,
        {"state", "sum"},
    )
    return list(result.get(statistic_id, []))


def assert_continuous(rows: Sequence[dict[str, Any]]) -> None:
    """Each row's sum is the previous sum plus its own state: no restart, no double count."""
    assert rows
    previous = 0.0
    for row in rows:
        assert row["sum"] == pytest.approx(previous + row["state"], abs=1e-6)
        previous = row["sum"]


def utility_today() -> date:
    return dt_util.now(TZ).date()


def final_slots(cloud: SewCloud, meter: str, first: date, last: date) -> list[Slot]:
    """The fake's final readings of every hour from ``first`` to ``last``."""
    source = sim_meter(cloud, meter)
    slots: list[Slot] = []
    day = first
    while day <= last:
        slots.extend(day_readings(source, TIME_ZONE, day))
        day += timedelta(days=1)
    return slots


def by_start(rows: Sequence[dict[str, Any]]) -> dict[datetime, dict[str, Any]]:
    return {datetime.fromtimestamp(row["start"], UTC): row for row in rows}


async def test_backfill_writes_every_kind_with_valid_metadata(
    hass: HomeAssistant, setup_sew: MockConfigEntry, flavor: Flavor
) -> None:
    ids = await get_instance(hass).async_add_executor_job(list_statistic_ids, hass)
    ours = {item["statistic_id"]: item for item in ids if item["source"] == "home_energy_cloud"}
    assert set(ours) == {
        stat_id(flavor, ELECTRIC_METER, "energy", "consumption"),
        stat_id(flavor, ELECTRIC_METER, "energy", "cost"),
        stat_id(flavor, ELECTRIC_METER, "energy", "return"),
        stat_id(flavor, ELECTRIC_METER, "energy", "credit"),
        stat_id(flavor, WATER_METER, "water", "consumption"),
        stat_id(flavor, WATER_METER, "water", "cost"),
    }
    consumption = ours[stat_id(flavor, ELECTRIC_METER, "energy", "consumption")]
    assert consumption["has_sum"]
    assert consumption["statistics_unit_of_measurement"] == "kWh"
    assert (
        ours[stat_id(flavor, WATER_METER, "water", "consumption")]["statistics_unit_of_measurement"]
        == "gal"
    )
    assert (
        ours[stat_id(flavor, ELECTRIC_METER, "energy", "cost")]["statistics_unit_of_measurement"]
        is None
    )


async def test_backfill_matches_the_utility_and_its_sum_is_continuous(
    hass: HomeAssistant, setup_sew: MockConfigEntry, sew_cloud: SewCloud, flavor: Flavor
) -> None:
    today = utility_today()
    first = today - timedelta(days=TEST_HISTORY_DAYS)
    rows = await stat_rows(hass, stat_id(flavor, ELECTRIC_METER, "energy", "consumption"))
    assert_continuous(rows)
    written = by_start(rows)
    assert min(written) == dt_util.as_utc(datetime.combine(first, datetime.min.time(), TZ))
    # Days old enough to be final hold exactly the utility's final readings.
    for slot in final_slots(sew_cloud, ELECTRIC_METER, first, today - timedelta(days=5)):
        assert written[slot.start.astimezone(UTC)]["state"] == pytest.approx(slot.imported)
    returned = await stat_rows(hass, stat_id(flavor, ELECTRIC_METER, "energy", "return"))
    credit = await stat_rows(hass, stat_id(flavor, ELECTRIC_METER, "energy", "credit"))
    assert_continuous(returned)
    assert_continuous(credit)
    assert credit[-1]["sum"] == pytest.approx(returned[-1]["sum"] * ELECTRIC_PRICE, rel=0.02)
    water = await stat_rows(hass, stat_id(flavor, WATER_METER, "water", "consumption"))
    assert_continuous(water)


async def test_late_data_is_corrected_after_a_restart_without_double_counting(
    hass: HomeAssistant,
    setup_sew: MockConfigEntry,
    sew_cloud: SewCloud,
    simulator: Simulator,
    flavor: Flavor,
) -> None:
    """Estimated days are written, then rewritten once final; sums continue across restarts."""
    consumption = stat_id(flavor, ELECTRIC_METER, "energy", "consumption")
    today = utility_today()
    yesterday = today - timedelta(days=1)
    first = today - timedelta(days=TEST_HISTORY_DAYS)
    before = by_start(await stat_rows(hass, consumption))
    finals = final_slots(sew_cloud, ELECTRIC_METER, first, yesterday)
    estimated = [s for s in finals if s.start.astimezone(UTC) in before][-5:]
    assert any(
        before[s.start.astimezone(UTC)]["state"] != pytest.approx(s.imported) for s in estimated
    ), "the newest hours are still estimated"

    # A restart: the new run continues from the stored marker, not from a new backfill.
    requests = len(sew_cloud.backend.usage_requests)
    assert await hass.config_entries.async_reload(setup_sew.entry_id)
    await settle(hass)
    hourly = [r for r in sew_cloud.backend.usage_requests[requests:] if r["Mode"] == "H"]
    assert 0 < len(hourly) <= 2 * 5
    assert_continuous(await stat_rows(hass, consumption))

    # Days later everything is final: the next refresh rewrites the estimated hours.
    simulator.clock.advance(4 * 86400)
    await setup_sew.runtime_data.coordinator.async_refresh()
    await settle(hass)
    rows = await stat_rows(hass, consumption)
    assert_continuous(rows)
    after = by_start(rows)
    assert len(after) == len(finals)
    for slot in finals:
        assert after[slot.start.astimezone(UTC)]["state"] == pytest.approx(slot.imported)
    assert rows[-1]["sum"] == pytest.approx(sum(s.imported for s in finals), abs=0.01)

    # A further refresh finds nothing new and changes nothing (idempotent).
    await setup_sew.runtime_data.coordinator.async_refresh()
    await settle(hass)
    assert await stat_rows(hass, consumption) == rows


# One flavor: both share the parser and the importer, and a spring day can be months back.
@pytest.mark.parametrize("flavor", [Flavor.PORTAL], ids=["portal_a"])
@pytest.mark.parametrize("longer", [True, False], ids=["fall_back", "spring_forward"])
async def test_daylight_saving_days(
    hass: HomeAssistant,
    simulator: Simulator,
    sew_cloud: SewCloud,
    flavor: Flavor,
    sew_fast_import: None,
    longer: bool,
) -> None:
    """The 25- and 23-hour days import every hour once, and the chain stays continuous."""
    today = utility_today()
    day = dst_days(today, longer=longer)[0]
    entry = MockConfigEntry(
        domain="home_energy_cloud",
        unique_id=f"sew:{REGISTRY_UTILITY[flavor]}:{HOME_ACCOUNT}",
        data={**sew_entry_data(simulator, flavor), CONF_METERS: [ELECTRIC_METER]},
    )
    entry.add_to_hass(hass)
    with patch("custom_components.home_energy_cloud.sew.HISTORY_DAYS", (today - day).days + 1):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await settle(hass)
    rows = await stat_rows(hass, stat_id(flavor, ELECTRIC_METER, "energy", "consumption"))
    assert_continuous(rows)
    written = by_start(rows)
    slots = day_readings(sim_meter(sew_cloud, ELECTRIC_METER), TIME_ZONE, day)
    assert len(slots) == (25 if longer else 23)
    for slot in slots:
        assert written[slot.start.astimezone(UTC)]["state"] == pytest.approx(slot.imported)
    # The day before, the DST day and the day after: every hour, each once, an hour apart.
    one_day = timedelta(days=1)
    around = final_slots(sew_cloud, ELECTRIC_METER, day - one_day, day + one_day)
    starts = [slot.start.astimezone(UTC) for slot in around]
    assert all(start in written for start in starts)
    assert all(b - a == timedelta(hours=1) for a, b in itertools.pairwise(starts))
