"""Kiwigrid fixtures: the fake, portals pointed at it, and clients of each generation."""

from __future__ import annotations

from collections.abc import AsyncGenerator
import contextlib
from dataclasses import replace
from datetime import datetime
from unittest.mock import patch

import aiohttp
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

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
from custom_components.home_energy_cloud.const import CONF_VENDOR, DOMAIN
from custom_components.home_energy_cloud.kiwigrid import KIWIGRID
from simulator import Simulator
from simulator.kiwigrid import EM_GUID, PASSWORD, USERNAME, KiwigridCloud
from simulator.kiwigrid.auth import USER_ID


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


# --- Home Assistant side -------------------------------------------------------------------------


def entry_data(simulator: Simulator, connection: str) -> dict[str, str]:
    """Entry data of one connection type, every host pointed at the simulator."""
    urls = simulator.host_urls("kiwigrid")
    base = {CONF_VENDOR: "kiwigrid", "portal": connection}
    if connection == "local":
        return {**base, "host": urls["local"]}
    credentials = {"username": USERNAME, "password": PASSWORD}
    if connection == "solarwatt_legacy":
        hosts = {"auth": "legacy_auth", "portal": "legacy_portal", "bus": "kiwibus"}
    else:
        hosts = {"auth": "keycloak", "portal": "portal", "hems": "hems"}
    return {
        **base,
        **credentials,
        **{f"{connection}_{host}_url": urls[sim_host] for host, sim_host in hosts.items()},
    }


UNIQUE_IDS = {
    "local": f"kiwigrid:{EM_GUID}",
    "solarwatt_legacy": f"kiwigrid:{EM_GUID}",
    "solarwatt": f"kiwigrid:user:{USER_ID}",
}


@pytest.fixture
def connection() -> str:
    """Which connection type the entry uses (tests parametrize it)."""
    return "local"


@pytest.fixture
async def site_clock(hass: HomeAssistant, simulator: Simulator) -> AsyncGenerator[None]:
    """Home Assistant in the site's time zone, the energy accumulator on the simulated clock."""
    await hass.config.async_set_time_zone("Europe/Berlin")

    def now() -> datetime:
        return datetime.fromtimestamp(simulator.clock.time(), dt_util.get_default_time_zone())

    with patch("custom_components.home_energy_cloud.kiwigrid.coordinator.site_now", now):
        yield


@pytest.fixture
async def kiwigrid_entry(
    hass: HomeAssistant, simulator: Simulator, connection: str, site_clock: None
) -> MockConfigEntry:
    """A Solarwatt / Kiwigrid entry of the ``connection`` type, against the simulator."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Solarwatt",
        unique_id=UNIQUE_IDS[connection],
        data=entry_data(simulator, connection),
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def setup_kiwigrid(
    hass: HomeAssistant, kiwigrid_entry: MockConfigEntry, platforms: list[Platform] | None
) -> AsyncGenerator[MockConfigEntry]:
    """The entry, set up (only ``platforms`` when given); unloaded at the end."""
    with contextlib.ExitStack() as stack:
        if platforms is not None:
            only = replace(KIWIGRID, platforms=tuple(platforms))
            stack.enter_context(
                patch.dict(
                    "custom_components.home_energy_cloud.vendors.VENDORS", {"kiwigrid": only}
                )
            )
        assert await hass.config_entries.async_setup(kiwigrid_entry.entry_id)
        await hass.async_block_till_done()
        yield kiwigrid_entry
        if kiwigrid_entry.state is ConfigEntryState.LOADED:
            assert await hass.config_entries.async_unload(kiwigrid_entry.entry_id)
            await hass.async_block_till_done()
