"""Vendor credentials: plain-dict round trips, typed refusal of bad data, no secret in reprs."""

from __future__ import annotations

import pytest

from custom_components.home_energy_cloud.api.derapi import (
    DerapiProtocolError,
    SmaCredentials,
    SolisCredentials,
    VendorCredentials,
    credentials_from_dict,
)
from custom_components.home_energy_cloud.api.derapi.vendor_auth.solis import SolisProvider
from simulator.derapi import scenario as sc

from .conftest import ClientFactory

SECRETS = (
    sc.SMA_CLIENT_SECRET,
    sc.SOLIS_KEY_SECRET,
    sc.SOLAREDGE_API_KEY,
    sc.ENPHASE_CLIENT_SECRET,
    sc.ENPHASE_API_KEY,
    sc.ENPHASE_REFRESH_TOKEN,
    sc.TESLA_REFRESH_TOKEN,
    sc.CLIENT_SECRET,
)


def test_every_credential_round_trips(all_vendor_credentials: list[VendorCredentials]) -> None:
    """What `to_dict` writes (entry data), `credentials_from_dict` reads back unchanged."""
    for credentials in all_vendor_credentials:
        assert credentials_from_dict(credentials.to_dict()) == credentials
    sandbox = SmaCredentials(client_id="a", client_secret="b", sandbox=True)
    assert sandbox.vendor == "smasbox"
    assert credentials_from_dict(sandbox.to_dict()) == sandbox


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"kind": "nope"},
        {"kind": "tesla", "client_id": "x"},
        {"kind": "tesla", "client_id": "x", "refresh_token": 5},
        {"kind": "sma", "client_id": "x", "client_secret": "y", "sandbox": "yes"},
        {"kind": "solaredge", "api_key": ""},
    ],
)
def test_bad_stored_credentials_are_a_protocol_error(data: dict[str, object]) -> None:
    """Corrupt entry data: one typed error, never a KeyError or TypeError."""
    with pytest.raises(DerapiProtocolError):
        credentials_from_dict(data)


async def test_no_secret_in_reprs(
    make_client: ClientFactory, all_vendor_credentials: list[VendorCredentials]
) -> None:
    """Credentials, providers and the client never show a secret."""
    client = make_client(vendor_credentials=all_vendor_credentials)
    await client.async_list_sites()
    shown = " ".join(
        [repr(client), repr(client.tokens)]
        + [repr(c) for c in client.vendor_credentials.values()]
        + [repr(client.provider(v)) for v in client.vendors]
    )
    for secret in SECRETS:
        assert secret not in shown


async def test_solis_header_is_basic_without_newline() -> None:
    """RFC 7617 Basic of `key_id:key_secret`, no trailing newline."""
    provider = SolisProvider(SolisCredentials(key_id="a", key_secret="b"))
    assert await provider.async_headers() == {"X-Authorization-solis": "Basic YTpi"}
