"""The Kiwigrid fake's control API and the rules it enforces on clients."""

from __future__ import annotations

import aiohttp
import pytest

from simulator import Simulator
from simulator.kiwigrid import LOCATION_GUID, KiwigridCloud


async def test_every_host_is_listed(simulator: Simulator) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{simulator.url}/_sim") as r:
        body = await r.json()
    assert set(body["hosts"]["kiwigrid"]) == set(KiwigridCloud.hosts)
    assert body["vendors"]["kiwigrid"] == simulator.host_url("kiwigrid", "portal")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("grow", {"extra_meters": -1}),
        ("grow", {"extra_meters": "many"}),
        ("null_tag", {"guid": "nope", "tag": "PowerIn"}),
        ("reset_counter", {"guid": LOCATION_GUID, "tag": "PowerIn"}),
        ("settings", {"ping_timeout": -5}),
        ("settings", {"unknown": 1}),
        ("settings", {"keycloak_realm": "a/b"}),
        ("settings", {"keycloak_realm": 7}),
    ],
)
async def test_bad_controls_are_refused(simulator: Simulator, path: str, body: object) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{simulator.url}/_sim/kiwigrid/{path}", json=body) as response,
    ):
        assert response.status == 400


async def test_reset_restores_the_scenario(simulator: Simulator, kiwigrid: KiwigridCloud) -> None:
    kiwigrid.state.site.set_null(LOCATION_GUID, "PowerIn")
    kiwigrid.state.site.grow(10)
    kiwigrid.state.bus.listeners_supported = False
    kiwigrid.state.auth.settings.keycloak_realm = "white-label"
    simulator.reset()
    assert kiwigrid.state.site.tag(LOCATION_GUID, "PowerIn") is not None
    assert len(kiwigrid.state.site.devices) == 8  # seven visible devices and one app
    assert kiwigrid.state.bus.listeners_supported
    assert kiwigrid.state.auth.settings.keycloak_realm == "solarwatt"


async def test_context_json_needs_accept_json(
    simulator: Simulator, kiwigrid: KiwigridCloud
) -> None:
    """The 2023 portal change: /context without Accept: application/json is refused."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(simulator.host_url("kiwigrid", "portal") + "/context") as response,
    ):
        assert response.status == 406


async def test_hems_needs_a_bearer_token(simulator: Simulator) -> None:
    url = simulator.host_url("kiwigrid", "hems") + "/v11/energy-flow"
    async with aiohttp.ClientSession() as session:
        for headers in ({}, {"Authorization": "Bearer made-up"}):
            async with session.get(url, headers=headers) as response:
                assert response.status == 401


async def test_stats(simulator: Simulator) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{simulator.url}/_sim/kiwigrid/stats") as response,
    ):
        body = await response.json()
    assert body["open_websockets"] == 0
    assert body["tokens_issued"] == 0
