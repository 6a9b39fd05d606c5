"""Generation 2 (HEMS v11 REST) against the fake: data, token refresh, 401, analytics."""

from __future__ import annotations

from datetime import timedelta

import pytest

from custom_components.home_energy_cloud.api.kiwigrid import (
    LOCATION_GUID,
    HemsClient,
    KiwigridRequestError,
    KiwigridTokenExpiredError,
)
from custom_components.home_energy_cloud.api.kiwigrid.portals import HOST_HEMS
from simulator import Simulator
from simulator.kiwigrid import (
    BATTERY_GUIDS,
    EV_GUID,
    INVERTER_GUID,
    LOCATION_GUID as SIM_LOC,
    KiwigridCloud,
)

from .helpers import advance_to_hour, control


async def test_site_at_noon(hems_client: HemsClient, simulator: Simulator) -> None:
    advance_to_hour(simulator, 12)
    site = await hems_client.get_site()
    location = site.location
    assert location is not None
    assert location.guid == LOCATION_GUID
    assert location.power_produced is not None
    assert location.power_produced > 5000
    # The HEMS flow carries no lifetime counters: energy comes from analytics.
    assert location.work_produced is None
    assert [b.guid for b in site.batteries] == list(BATTERY_GUIDS)
    for battery in site.batteries:
        assert battery.state_of_charge is not None
        assert 0 <= battery.state_of_charge <= 100  # the REST fraction, as %
        assert battery.backup_reserve == pytest.approx(20.0)
        assert battery.power_in is not None
        assert battery.power_in > 0  # charging at noon
    assert [i.guid for i in site.inverters] == [INVERTER_GUID]
    assert [e.guid for e in site.ev_stations] == [EV_GUID]
    assert site.ev_stations[0].power_in == 0.0


async def test_evening_discharge_and_ev(hems_client: HemsClient, simulator: Simulator) -> None:
    advance_to_hour(simulator, 19)
    site = await hems_client.get_site()
    assert site.ev_stations[0].power_in == pytest.approx(3700.0)
    assert all(b.power_out and b.power_out > 0 for b in site.batteries)
    assert site.location is not None
    assert site.location.power_released == pytest.approx(
        sum(b.power_out or 0 for b in site.batteries)
    )


async def test_soc_fraction_becomes_percent(
    hems_client: HemsClient, kiwigrid: KiwigridCloud
) -> None:
    site = await hems_client.get_site()
    expected = kiwigrid.state.site.tag(BATTERY_GUIDS[0], "StateOfCharge")
    assert site.batteries[0].state_of_charge == pytest.approx(expected, abs=0.1)


async def test_token_refreshed_before_exp_without_new_login(
    hems_client: HemsClient, simulator: Simulator, kiwigrid: KiwigridCloud
) -> None:
    await hems_client.get_site()
    simulator.clock.advance(kiwigrid.state.auth.settings.jwt_lifetime - 10)
    await hems_client.get_site()
    assert (hems_client.logins, hems_client.refreshes) == (1, 1)
    assert kiwigrid.state.auth.tokens_issued == 2


async def test_401_renews_and_retries_once(
    hems_client: HemsClient, kiwigrid: KiwigridCloud
) -> None:
    await hems_client.get_site()
    kiwigrid.expire_tokens()  # refused before the client's own clock says so
    site = await hems_client.get_site()
    assert site.location is not None
    assert (hems_client.logins, hems_client.refreshes) == (1, 1)


async def test_expired_portal_session_logs_in_again(
    hems_client: HemsClient, simulator: Simulator
) -> None:
    await hems_client.get_site()
    await control(simulator, "expire_sessions", {})
    await hems_client.get_site()
    assert hems_client.logins == 2


async def test_token_refused_after_renewal_is_typed(
    hems_client: HemsClient, kiwigrid: KiwigridCloud, simulator: Simulator
) -> None:
    await hems_client.get_site()
    # Every token the fake issues from now on is already expired.
    await control(simulator, "settings", {"jwt_lifetime": 0.000001})
    kiwigrid.expire_tokens()
    with pytest.raises(KiwigridTokenExpiredError):
        await hems_client.get_site()


async def test_retired_api_version_is_a_request_error(
    hems_client: HemsClient,
) -> None:
    from dataclasses import replace

    hems_client.portal = replace(hems_client.portal, api_version="v10")
    with pytest.raises(KiwigridRequestError) as caught:
        await hems_client.get_site()
    assert caught.value.code == 404


async def test_nulled_tag_is_none(hems_client: HemsClient, simulator: Simulator) -> None:
    await control(simulator, "null_tag", {"guid": SIM_LOC, "tag": "PowerProduced"})
    site = await hems_client.get_site()
    assert site.location is not None
    assert site.location.power_produced is None


async def test_analytics_totals_match_the_counters(
    hems_client: HemsClient, simulator: Simulator, kiwigrid: KiwigridCloud
) -> None:
    start = advance_to_hour(simulator, 0)
    before = kiwigrid.state.site.tag(SIM_LOC, "WorkProduced")
    simulator.clock.advance(86400)
    after = kiwigrid.state.site.tag(SIM_LOC, "WorkProduced")
    totals = await hems_client.get_energy_totals(
        start.replace(tzinfo=None), (start + timedelta(days=1)).replace(tzinfo=None)
    )
    # Site-level series only: the battery's own WorkACIn series is left out.
    assert set(totals.totals) == {
        "WorkProduced",
        "WorkIn",
        "WorkOut",
        "WorkConsumed",
        "WorkBuffered",
        "WorkReleased",
    }
    assert totals.totals["WorkProduced"] == pytest.approx(after - before, rel=1e-3)


async def test_hems_down_is_a_connection_error(
    hems_client: HemsClient, simulator: Simulator
) -> None:
    from custom_components.home_energy_cloud.api.kiwigrid import KiwigridConnectionError

    await hems_client.get_site()
    simulator.faults("kiwigrid").update({"http_errors": 1, "http_error_status": 503})
    with pytest.raises(KiwigridConnectionError):
        await hems_client.get_site()
    assert hems_client.portal.host(HOST_HEMS)
