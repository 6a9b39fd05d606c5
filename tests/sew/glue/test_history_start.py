"""The first import stops where the meter's data starts (its first billing cycle), not two
years back; where the utility serves no billing cycles it reaches as far as it may."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.api.sew import Flavor
from simulator.sew import ELECTRIC_METER, SewCloud
from simulator.sew.scenario import SHORT_HISTORY

from ..test_data import TZ
from .conftest import TEST_HISTORY_DAYS, settle
from .test_statistics import assert_continuous, stat_id, stat_rows, utility_today


def _first_row_day(rows: list[dict[str, float]]) -> object:
    return datetime.fromtimestamp(rows[0]["start"], UTC).astimezone(TZ).date()


async def test_a_meter_with_a_week_of_data_costs_a_week_of_requests(
    hass: HomeAssistant, sew_entry: MockConfigEntry, sew_cloud: SewCloud, flavor: Flavor
) -> None:
    sew_cloud.use_scenario(SHORT_HISTORY)
    first_day = sew_cloud.backend.book.first_day
    assert await hass.config_entries.async_setup(sew_entry.entry_id)
    await settle(hass)

    requests = Counter((r["MeterNumber"], r["Mode"]) for r in sew_cloud.backend.usage_requests)
    days = (utility_today() - first_day).days
    assert days == 7
    # Per meter: the refresh's newest day, the billing cycles, and the other days of the week.
    assert requests[(ELECTRIC_METER, "M")] == 1
    assert requests[(ELECTRIC_METER, "H")] == days
    rows = await stat_rows(hass, stat_id(flavor, ELECTRIC_METER, "energy", "consumption"))
    assert_continuous(rows)
    assert _first_row_day(rows) == first_day


async def test_without_billing_cycles_the_backfill_takes_the_full_reach(
    hass: HomeAssistant, sew_entry: MockConfigEntry, sew_cloud: SewCloud, flavor: Flavor
) -> None:
    sew_cloud.backend.usage_modes = {"H", "D"}
    assert await hass.config_entries.async_setup(sew_entry.entry_id)
    await settle(hass)

    hourly = [
        r
        for r in sew_cloud.backend.usage_requests
        if r["MeterNumber"] == ELECTRIC_METER and r["Mode"] == "H"
    ]
    assert len(hourly) == TEST_HISTORY_DAYS
    rows = await stat_rows(hass, stat_id(flavor, ELECTRIC_METER, "energy", "consumption"))
    assert_continuous(rows)
    assert _first_row_day(rows) == utility_today() - timedelta(days=TEST_HISTORY_DAYS)
