"""The local Energy Manager against the fake, and the site the fake simulates."""

from __future__ import annotations

import math

import aiohttp
import pytest

from custom_components.home_energy_cloud.api.kiwigrid import (
    KiwigridProtocolError,
    KiwigridRequestError,
    LocalEnergyManagerClient,
)
from simulator import Simulator
from simulator.kiwigrid import (
    APP_GUID,
    BATTERY_GUIDS,
    EM_GUID,
    EV_GUID,
    GRID_METER_GUID,
    INVERTER_GUID,
    LOCATION_GUID,
    KiwigridCloud,
)
from simulator.kiwigrid.site import PV_PEAK_W

from .helpers import advance_to_hour, control


async def test_local_site(local_client: LocalEnergyManagerClient, simulator: Simulator) -> None:
    advance_to_hour(simulator, 12)
    site = await local_client.get_site()
    assert site.location is not None
    assert site.location.guid == LOCATION_GUID
    assert site.energy_manager is not None
    assert site.energy_manager.guid == EM_GUID
    assert site.energy_manager.cloud_last_seen_ms == pytest.approx(
        simulator.clock.time() * 1000, abs=5000
    )
    assert [b.guid for b in site.batteries] == list(BATTERY_GUIDS)
    assert [i.guid for i in site.inverters] == [INVERTER_GUID]
    assert [m.guid for m in site.power_meters] == [GRID_METER_GUID]
    assert [e.guid for e in site.ev_stations] == [EV_GUID]
    assert APP_GUID not in {d.guid for d in site.devices}
    assert all(b.state_of_charge is not None for b in site.batteries)


async def test_null_and_counter_reset_are_reported_as_the_source_gives_them(
    local_client: LocalEnergyManagerClient, simulator: Simulator
) -> None:
    """The client passes nulls and resets on; the HA side keeps counters monotonic."""
    simulator.clock.advance(3600)
    before = await local_client.get_site()
    assert before.location is not None
    assert before.location.work_consumed is not None
    assert before.location.work_consumed > 0
    await control(simulator, "null_tag", {"guid": LOCATION_GUID, "tag": "WorkIn"})
    await control(simulator, "reset_counter", {"guid": LOCATION_GUID, "tag": "WorkConsumed"})
    after = await local_client.get_site()
    assert after.location is not None
    assert after.location.work_in is None
    assert after.location.work_consumed is not None
    assert after.location.work_consumed < before.location.work_consumed


async def test_firmware_without_wizard_endpoint(
    http_session: aiohttp.ClientSession, simulator: Simulator
) -> None:
    client = LocalEnergyManagerClient(http_session, simulator.host_url("kiwigrid", "hems"))
    with pytest.raises(KiwigridRequestError) as caught:
        await client.get_site()
    assert caught.value.code == 404


async def test_broken_answer_is_a_protocol_error(
    local_client: LocalEnergyManagerClient, simulator: Simulator
) -> None:
    simulator.faults("kiwigrid").update({"malformed": 1})
    with pytest.raises(KiwigridProtocolError):
        await local_client.get_site()


def test_local_host_forms(http_session: aiohttp.ClientSession) -> None:
    assert LocalEnergyManagerClient(http_session, "192.168.1.20").base_url == (
        "http://192.168.1.20"
    )
    assert LocalEnergyManagerClient(http_session, "https://em:8443").base_url == "https://em:8443"


async def test_a_day_adds_up(simulator: Simulator, kiwigrid: KiwigridCloud) -> None:
    """energy = ∫ power over 24 simulated hours; batteries charge at noon, discharge at night."""
    site = kiwigrid.state.site
    advance_to_hour(simulator, 0)
    start = {t: site.tag(LOCATION_GUID, t) for t in ("WorkProduced", "WorkIn", "WorkConsumed")}
    simulator.clock.advance(12 * 3600)
    assert site.tag(BATTERY_GUIDS[0], "ModeConverter") == "CHARGING"
    simulator.clock.advance(8 * 3600)
    assert site.tag(BATTERY_GUIDS[0], "ModeConverter") == "DISCHARGING"
    simulator.clock.advance(4 * 3600)
    produced = site.tag(LOCATION_GUID, "WorkProduced") - start["WorkProduced"]
    # PV is PV_PEAK·sin over the 14 h from 06:00 to 20:00: its integral is PV_PEAK·14·2/π Wh.
    assert produced == pytest.approx(PV_PEAK_W * 14 * 2 / math.pi, rel=0.005)
    consumed = site.tag(LOCATION_GUID, "WorkConsumed") - start["WorkConsumed"]
    grid_in = site.tag(LOCATION_GUID, "WorkIn") - start["WorkIn"]
    assert 0 < grid_in < consumed
