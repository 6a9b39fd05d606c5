"""Derapi diagnostics: useful for support, with every secret and the sites' location redacted."""

from __future__ import annotations

import json

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
    get_diagnostics_for_device,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.home_energy_cloud.api.derapi import VendorCredentials
from simulator.derapi import DerapiCloud, scenario as sc

from .common import device_of

REDACTED = "**REDACTED**"


@pytest.fixture
def derapi_vendor_credentials(
    all_vendor_credentials: list[VendorCredentials],
) -> list[VendorCredentials]:
    """Every vendor's credentials, so every kind of secret is in the entry."""
    return all_vendor_credentials


def _secrets(entry: MockConfigEntry, cloud: DerapiCloud) -> list[str]:
    secrets = [
        sc.CLIENT_SECRET,
        sc.SMA_CLIENT_SECRET,
        sc.SOLIS_KEY_ID,
        sc.SOLIS_KEY_SECRET,
        sc.SOLAREDGE_API_KEY,
        sc.ENPHASE_CLIENT_SECRET,
        sc.ENPHASE_API_KEY,
        sc.ENPHASE_REFRESH_TOKEN,
        sc.TESLA_REFRESH_TOKEN,
    ]
    for credentials in entry.data["vendor_credentials"].values():
        secrets += [str(credentials.get("refresh_token") or "")]
    # Every access token the fake handed out (Derapi's and the vendors').
    vendors = cloud.state.vendors
    stores = [
        cloud.state.tokens,
        vendors.sma_access,
        vendors.sma_refresh,
        vendors.enphase_access,
        vendors.tesla_access,
        vars(vendors.enphase_refresh)["_store"],
        vars(vendors.tesla_refresh)["_store"],
    ]
    for store in stores:
        tokens = list(vars(store)["_grants"])
        assert tokens or store is vendors.sma_refresh
        secrets += tokens
    return [secret for secret in secrets if secret]


async def test_entry_diagnostics_are_redacted(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    setup_derapi: MockConfigEntry,
    derapi_cloud: DerapiCloud,
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_derapi)
    text = json.dumps(diagnostics)
    secrets = _secrets(setup_derapi, derapi_cloud)
    assert len(secrets) > 10
    for secret in secrets:
        assert secret not in text
    data = diagnostics["entry"]["data"]
    assert data["client_secret"] == REDACTED
    assert data["vendor_credentials"] == REDACTED
    assert data["client_id"] == sc.CLIENT_ID  # not secret: the entry's unique id
    home = diagnostics["data"]["devices"][sc.HOME_SITE]["site"]
    assert home["location"] == REDACTED
    assert home["name"] == "Home"
    assert '"lat"' not in text
    assert '"lon"' not in text
    assert diagnostics["data"]["devices"][sc.HOME_TESLA_BATTERY]["battery"]["model"]


async def test_device_diagnostics_are_redacted(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    setup_derapi: MockConfigEntry,
    derapi_cloud: DerapiCloud,
) -> None:
    assert await async_setup_component(hass, "diagnostics", {})
    device = device_of(hass, setup_derapi, sc.HOME_SITE)
    assert device is not None
    diagnostics = await get_diagnostics_for_device(hass, hass_client, setup_derapi, device)
    text = json.dumps(diagnostics)
    for secret in _secrets(setup_derapi, derapi_cloud):
        assert secret not in text
    assert diagnostics["device"]["site"]["location"] == REDACTED
    assert diagnostics["device"]["site_state"]["bess"]["mode"] == "Self Consumption"
