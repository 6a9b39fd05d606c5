"""Kiwigrid fixtures: the fake, portals pointed at it, and clients of each generation."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import aiohttp
import pytest

from custom_components.home_energy_cloud.api.kiwigrid import (
    HOST_AUTH,
    HOST_BUS,
    HOST_HEMS,
    HOST_PORTAL,
    SOLARWATT,
    SOLARWATT_LEGACY,
    HemsClient,
    KiwibusClient,
    LocalEnergyManagerClient,
    Portal,
)
from simulator import Simulator
from simulator.kiwigrid import PASSWORD, USERNAME, KiwigridCloud


@pytest.fixture
def kiwigrid(simulator: Simulator) -> KiwigridCloud:
    """The Kiwigrid fake."""
    cloud: KiwigridCloud = simulator.cloud("kiwigrid")
    return cloud


@pytest.fixture
def hems_portal(simulator: Simulator) -> Portal:
    """The current Solarwatt portal, every host pointed at the simulator."""
    urls = simulator.host_urls("kiwigrid")
    return SOLARWATT.with_hosts(
        {HOST_AUTH: urls["keycloak"], HOST_PORTAL: urls["portal"], HOST_HEMS: urls["hems"]}
    )


@pytest.fixture
def legacy_portal(simulator: Simulator) -> Portal:
    """The legacy Energy Manager portal, every host pointed at the simulator."""
    urls = simulator.host_urls("kiwigrid")
    return SOLARWATT_LEGACY.with_hosts(
        {
            HOST_AUTH: urls["legacy_auth"],
            HOST_PORTAL: urls["legacy_portal"],
            HOST_BUS: urls["kiwibus"],
        }
    )


@pytest.fixture
async def http_session() -> AsyncGenerator[aiohttp.ClientSession]:
    """A session with aiohttp's *default* cookie jar, which ignores cookies from 127.0.0.1."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def hems_client(
    http_session: aiohttp.ClientSession, hems_portal: Portal, simulator: Simulator
) -> HemsClient:
    """A HEMS client for the fake's account, on the simulator's clock."""
    return HemsClient(
        http_session, USERNAME, PASSWORD, portal=hems_portal, time_source=simulator.clock.time
    )


@pytest.fixture
async def bus_client(
    http_session: aiohttp.ClientSession, legacy_portal: Portal
) -> AsyncGenerator[KiwibusClient]:
    """A kiwibus client for the fake's account (closed after the test)."""
    client = KiwibusClient(http_session, USERNAME, PASSWORD, portal=legacy_portal)
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
def local_client(
    http_session: aiohttp.ClientSession, simulator: Simulator
) -> LocalEnergyManagerClient:
    """A client of the fake's local Energy Manager."""
    return LocalEnergyManagerClient(http_session, simulator.host_url("kiwigrid", "local"))
