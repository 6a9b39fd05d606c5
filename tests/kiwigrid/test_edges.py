"""Edge cases of the Kiwigrid parsers, clients and simulator controls that the flows rarely hit."""

from __future__ import annotations

from datetime import datetime
import itertools

import aiohttp
import pytest

from custom_components.home_energy_cloud.api.kiwigrid import (
    HemsClient,
    KiwigridDevice,
    KiwigridProtocolError,
    KiwigridRequestError,
    LocalEnergyManagerClient,
    parse_frame,
    parse_local_devices,
    token_subject,
)
from custom_components.home_energy_cloud.api.kiwigrid.hems_parsers import (
    parse_analytics,
    parse_energy_flow,
)
from custom_components.home_energy_cloud.api.kiwigrid.sockjs import HeartbeatFrame, OpenFrame
from simulator import SimClock, Simulator
from simulator.kiwigrid import LOCATION_GUID
from simulator.kiwigrid.site import HISTORY_STEPS, Site


def test_sockjs_open_heartbeat_and_broken_frames() -> None:
    assert isinstance(parse_frame("o"), OpenFrame)
    assert isinstance(parse_frame("h"), HeartbeatFrame)
    for broken in ("x", "a[1]", "a{", "c[1]"):
        with pytest.raises(KiwigridProtocolError):
            parse_frame(broken)


def test_analytics_without_aggregates_sum_their_values_in_wh() -> None:
    body = {
        "timeseries": [
            {
                "name": "WorkProduced",
                "guid": "s",
                "unit": "KILOWATTHOUR",
                "values": {"a": 1, "b": "2"},
            },
            {"name": "WorkIn", "guid": "s", "unit": "WATTHOUR", "values": {"a": None}},
            {"name": "PowerIn", "guid": "s", "unit": "WATT", "aggregated": 5},
        ],
        "devices": ["other"],
    }
    totals = parse_analytics(body, start="s", end="e")
    assert totals.totals == {"WorkProduced": 3000.0}


def test_energy_flow_devices_must_be_a_list() -> None:
    with pytest.raises(KiwigridProtocolError):
        parse_energy_flow({"pv": {"devices": {}}}, location_guid="location")


def test_device_guid_from_tags_and_numbers() -> None:
    site = parse_local_devices(
        {
            "result": {
                "items": [
                    {
                        "deviceModel": [{"deviceClass": "com.kiwigrid.devices.location.Location"}],
                        "tagValues": {"PowerIn": {"guid": "urn:site", "value": "12.5"}},
                    }
                ]
            }
        }
    )
    assert site.location is not None
    assert site.location.guid == "urn:site"
    assert site.location.number("PowerIn") == 12.5
    assert KiwigridDevice(guid="x", tags={"a": [1]}).number("a") is None
    with pytest.raises(KiwigridProtocolError):
        parse_local_devices({"result": {"items": [{"guid": "g", "deviceModel": {}}]}})


def test_token_subject_of_something_else() -> None:
    assert token_subject("not-a-token") is None


async def test_local_manager_without_the_device_list(simulator: Simulator) -> None:
    # A manager whose firmware has no wizard endpoint answers 404.
    async with aiohttp.ClientSession() as session:
        client = LocalEnergyManagerClient(session, simulator.host_url("kiwigrid", "hems"))
        with pytest.raises(KiwigridRequestError):
            await client.get_site()


async def test_controls_refuse_bodies_that_are_not_objects(simulator: Simulator) -> None:
    async with aiohttp.ClientSession() as session:
        for data in ("not json", "[1, 2]"):
            async with session.post(
                f"{simulator.url}/_sim/kiwigrid/grow",
                data=data,
                headers={"Content-Type": "application/json"},
            ) as response:
                assert response.status == 400
        async with session.get(
            f"{simulator.url}/_sim/kiwigrid/tag", params={"guid": LOCATION_GUID, "tag": "IdName"}
        ) as response:
            assert (await response.json()) == {"value": "Home"}
        async with session.get(
            f"{simulator.url}/_sim/kiwigrid/tag", params={"guid": "nope", "tag": "IdName"}
        ) as response:
            assert response.status == 400


def test_site_history_is_one_record_per_minute_and_bounded() -> None:
    clock = SimClock()
    site = Site(clock)
    for _ in range(50):  # a burst of reads within the same second adds no record
        site.update()
    clock.advance(9 * 86400)
    site.update()
    assert len(site._history) == HISTORY_STEPS
    times = [moment for moment, _ in site._history]
    assert all(later - earlier == 60 for earlier, later in itertools.pairwise(times))
    # Totals over a period inside the history add up across its parts.
    start, middle, end = times[0], times[len(times) // 2] + 30, clock.time()
    whole = site.work_between(start, end)["WorkProduced"]
    parts = site.work_between(start, middle)["WorkProduced"]
    parts += site.work_between(middle, end)["WorkProduced"]
    assert parts == pytest.approx(whole)


async def test_expire_tokens_control(simulator: Simulator) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{simulator.url}/_sim/kiwigrid/expire_tokens") as response,
    ):
        assert response.status == 200
        assert "expired" in await response.json()


async def test_analytics_refuse_a_backwards_period(hems_client: HemsClient) -> None:
    with pytest.raises(KiwigridRequestError):
        await hems_client.get_energy_totals(datetime(2026, 6, 2), datetime(2026, 6, 1))
