"""Derapi fixtures: the fake's hosts, every vendor's credentials, and client factories."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Generator
import contextlib
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Any
from unittest.mock import patch

import aiohttp
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

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
from custom_components.home_energy_cloud.const import DOMAIN
from custom_components.home_energy_cloud.derapi import DERAPI
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


# --- Home Assistant ------------------------------------------------------------------------------


@pytest.fixture
def backfill() -> timedelta:
    """How far back a new entry imports statistics (30 days for real; tests keep it short)."""
    return timedelta(days=2)


@pytest.fixture
def derapi_client_timing(sim_clock: SimClock, backfill: timedelta) -> Generator[None]:
    """Clients the integration builds run on the simulator's clock (tokens expire with it)."""
    on_sim_clock = partial(DerapiClient, clock=sim_clock.monotonic)
    with (
        patch("custom_components.home_energy_cloud.derapi.client.DerapiClient", on_sim_clock),
        patch("custom_components.home_energy_cloud.derapi.statistics.BACKFILL", backfill),
    ):
        yield


def entry_endpoints(simulator: Simulator) -> dict[str, str]:
    """Entry data that points every Derapi host at the simulator."""
    urls = simulator.host_urls("derapi")
    return {
        "api_url": urls["api"],
        "auth_url": urls["auth"],
        "sma_auth_url": urls["sma_auth"],
        "enphase_auth_url": urls["enphase_auth"],
        "tesla_auth_url": urls["tesla_auth"],
    }


@pytest.fixture
def derapi_vendor_credentials(
    sma_credentials: SmaCredentials, tesla_credentials: TeslaCredentials
) -> list[VendorCredentials]:
    """The vendors the entry sends credentials for: the Home site's SMA and Tesla."""
    return [sma_credentials, tesla_credentials]


@pytest.fixture
def derapi_entry(
    hass: HomeAssistant,
    simulator: Simulator,
    derapi_client_timing: None,
    derapi_vendor_credentials: list[VendorCredentials],
) -> MockConfigEntry:
    """A Derapi entry sending SMA and Tesla credentials, on the simulator."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"Derapi ({sc.CLIENT_ID})",
        unique_id=sc.CLIENT_ID,
        data={
            "vendor": "derapi",
            "client_id": sc.CLIENT_ID,
            "client_secret": sc.CLIENT_SECRET,
            "environment": "production",
            **entry_endpoints(simulator),
            "vendor_credentials": {c.kind: c.to_dict() for c in derapi_vendor_credentials},
        },
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def setup_derapi(
    hass: HomeAssistant, derapi_entry: MockConfigEntry, platforms: list[Platform] | None
) -> MockConfigEntry:
    """The Derapi entry, set up (only `platforms`, when the test names some)."""
    with contextlib.ExitStack() as stack:
        if platforms is not None:
            only = replace(DERAPI, platforms=tuple(platforms))
            stack.enter_context(
                patch.dict("custom_components.home_energy_cloud.vendors.VENDORS", {"derapi": only})
            )
        assert await hass.config_entries.async_setup(derapi_entry.entry_id)
        await hass.async_block_till_done()
    return derapi_entry
