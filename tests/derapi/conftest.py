"""Derapi fixtures: the fake's hosts, every vendor's credentials, and client factories."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any

import aiohttp
import pytest

from custom_components.home_energy_cloud.api.derapi import (
    DerapiClient,
    DerapiHosts,
    EnphaseCredentials,
    SmaCredentials,
    SolarEdgeCredentials,
    SolisCredentials,
    TeslaCredentials,
    VendorCredentials,
)
from simulator import SimClock, Simulator
from simulator.derapi import DerapiCloud, scenario as sc

type ClientFactory = Callable[..., DerapiClient]


@pytest.fixture
def derapi_cloud(simulator: Simulator) -> DerapiCloud:
    """The Derapi fake."""
    cloud: DerapiCloud = simulator.cloud("derapi")
    return cloud


@pytest.fixture
def derapi_hosts(simulator: Simulator) -> DerapiHosts:
    """Every host the client talks to, pointed at the simulator."""
    urls = simulator.host_urls("derapi")
    return DerapiHosts(
        api_url=urls["api"],
        auth_url=urls["auth"],
        sma_auth_url=urls["sma_auth"],
        enphase_auth_url=urls["enphase_auth"],
        tesla_auth_url=urls["tesla_auth"],
    )


@pytest.fixture
def sma_credentials() -> SmaCredentials:
    """The scenario's SMA app."""
    return SmaCredentials(client_id=sc.SMA_CLIENT_ID, client_secret=sc.SMA_CLIENT_SECRET)


@pytest.fixture
def solis_credentials() -> SolisCredentials:
    """The scenario's SolisCloud key pair."""
    return SolisCredentials(key_id=sc.SOLIS_KEY_ID, key_secret=sc.SOLIS_KEY_SECRET)


@pytest.fixture
def solaredge_credentials() -> SolarEdgeCredentials:
    """The scenario's SolarEdge API key."""
    return SolarEdgeCredentials(api_key=sc.SOLAREDGE_API_KEY)


@pytest.fixture
def enphase_credentials() -> EnphaseCredentials:
    """The scenario's Enphase app and the owner's first refresh token."""
    return EnphaseCredentials(
        client_id=sc.ENPHASE_CLIENT_ID,
        client_secret=sc.ENPHASE_CLIENT_SECRET,
        api_key=sc.ENPHASE_API_KEY,
        refresh_token=sc.ENPHASE_REFRESH_TOKEN,
    )


@pytest.fixture
def tesla_credentials() -> TeslaCredentials:
    """The scenario's Tesla app and the owner's first refresh token."""
    return TeslaCredentials(client_id=sc.TESLA_CLIENT_ID, refresh_token=sc.TESLA_REFRESH_TOKEN)


@pytest.fixture
def all_vendor_credentials(
    sma_credentials: SmaCredentials,
    solis_credentials: SolisCredentials,
    solaredge_credentials: SolarEdgeCredentials,
    enphase_credentials: EnphaseCredentials,
    tesla_credentials: TeslaCredentials,
) -> list[VendorCredentials]:
    """Credentials of every vendor of the scenario."""
    return [
        sma_credentials,
        solis_credentials,
        solaredge_credentials,
        enphase_credentials,
        tesla_credentials,
    ]


@pytest.fixture
async def http(simulator: Simulator) -> AsyncGenerator[aiohttp.ClientSession]:
    """The session clients share (Home Assistant's, later)."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def persisted() -> list[VendorCredentials]:
    """Every credential change a client reported, in order (what the entry would save)."""
    return []


@pytest.fixture
def make_client(
    http: aiohttp.ClientSession,
    derapi_hosts: DerapiHosts,
    sim_clock: SimClock,
    persisted: list[VendorCredentials],
) -> ClientFactory:
    """Build a client on the simulator's clock; keyword arguments override the defaults."""

    def factory(**overrides: Any) -> DerapiClient:
        options: dict[str, Any] = {
            "client_id": sc.CLIENT_ID,
            "client_secret": sc.CLIENT_SECRET,
            "hosts": derapi_hosts,
            "clock": sim_clock.monotonic,
            "on_credentials_changed": persisted.append,
        }
        options.update(overrides)
        return DerapiClient(http, **options)

    return factory
