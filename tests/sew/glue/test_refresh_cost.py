"""What a routine refresh costs the utility: at most three usage requests per meter.

The issue's benchmark target. The refresh reads the newest day of each meter (its reply
carries the month-to-date block the sensors show) and the import reuses that reply, so the
requests are the days still changing and nothing else: no separate monthly call.
"""

from __future__ import annotations

from collections import Counter

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.api.sew import Flavor
from simulator import Simulator
from simulator.sew import ELECTRIC_METER, WATER_METER, SewCloud

from .conftest import settle

MAX_USAGE_REQUESTS_PER_METER = 3


async def test_a_routine_refresh_asks_at_most_three_usage_requests_per_meter(
    hass: HomeAssistant,
    setup_sew: MockConfigEntry,
    sew_cloud: SewCloud,
    simulator: Simulator,
    flavor: Flavor,
) -> None:
    coordinator = setup_sew.runtime_data.coordinator
    simulator.clock.advance(6 * 3600)
    before = len(sew_cloud.backend.usage_requests)

    await coordinator.async_refresh()
    await settle(hass)

    requests = sew_cloud.backend.usage_requests[before:]
    per_meter = Counter(request["MeterNumber"] for request in requests)
    assert set(per_meter) == {ELECTRIC_METER, WATER_METER}
    assert all(count <= MAX_USAGE_REQUESTS_PER_METER for count in per_meter.values()), per_meter
    # Hourly rows only: the month-to-date figures came with them.
    assert {request["Mode"] for request in requests} == {"H"}
    # The newest day was asked once per meter, not once by the refresh and again by the import.
    newest = max(request["strDate"] for request in requests)
    assert sum(r["strDate"] == newest for r in requests) == len(per_meter)
    for uid, meter in coordinator.data.meters.items():
        assert meter.summary is not None, uid
        assert meter.summary.so_far is not None


@pytest.mark.parametrize("flavor", [Flavor.API], ids=["api_b"])
async def test_a_refresh_with_nothing_left_to_import_still_reads_the_month_to_date(
    hass: HomeAssistant,
    setup_sew: MockConfigEntry,
    sew_cloud: SewCloud,
    simulator: Simulator,
    flavor: Flavor,
) -> None:
    """Once yesterday is final there is nothing to re-read; the figures are still read."""
    coordinator = setup_sew.runtime_data.coordinator
    simulator.clock.advance(5 * 86400)
    await coordinator.async_refresh()
    await settle(hass)
    before = len(sew_cloud.backend.usage_requests)
    summaries = {uid: meter.summary for uid, meter in coordinator.data.meters.items()}

    await coordinator.async_refresh()
    await settle(hass)

    requests = sew_cloud.backend.usage_requests[before:]
    assert Counter(r["MeterNumber"] for r in requests) == {ELECTRIC_METER: 1, WATER_METER: 1}
    assert all(summary is not None for summary in summaries.values())
    assert {uid: meter.summary for uid, meter in coordinator.data.meters.items()} == summaries
