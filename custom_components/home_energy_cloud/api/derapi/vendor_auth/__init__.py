"""Vendor authorization for Derapi requests: one credential model and provider per vendor.

"Stored at Derapi" (notes §9.2) needs no provider at all: the client then sends only its own
token. Otherwise each configured vendor gets a provider from :func:`create_provider`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import aiohttp

from ..exceptions import DerapiProtocolError
from ..hosts import DerapiHosts
from .base import CredentialsListener, VendorAuthProvider, VendorCredentials
from .enphase import EnphaseCredentials, EnphaseProvider
from .sma import SmaCredentials, SmaProvider
from .solaredge import SolarEdgeCredentials, SolarEdgeProvider
from .solis import SolisCredentials, SolisProvider
from .tesla import TeslaCredentials, TeslaProvider

CREDENTIAL_TYPES: Mapping[str, type[VendorCredentials]] = {
    cls.kind: cls
    for cls in (
        SmaCredentials,
        SolisCredentials,
        SolarEdgeCredentials,
        EnphaseCredentials,
        TeslaCredentials,
    )
}


def credentials_from_dict(data: Mapping[str, Any]) -> VendorCredentials:
    """Rebuild credentials saved with `VendorCredentials.to_dict`."""
    kind = data.get("kind")
    cls = CREDENTIAL_TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise DerapiProtocolError(f"unknown vendor credential kind: {kind!r}")
    return cls.from_dict(data)


def create_provider(
    credentials: VendorCredentials,
    *,
    http: aiohttp.ClientSession,
    hosts: DerapiHosts,
    clock: Callable[[], float],
    timeout: float,
    on_credentials_changed: CredentialsListener | None = None,
) -> VendorAuthProvider:
    """The provider for one vendor's credentials."""
    match credentials:
        case SmaCredentials():
            return SmaProvider(
                credentials, http=http, token_url=hosts.sma_auth_url, clock=clock, timeout=timeout
            )
        case SolisCredentials():
            return SolisProvider(credentials)
        case SolarEdgeCredentials():
            return SolarEdgeProvider(credentials)
        case EnphaseCredentials():
            return EnphaseProvider(
                credentials,
                http=http,
                token_url=hosts.enphase_auth_url,
                clock=clock,
                timeout=timeout,
                on_credentials_changed=on_credentials_changed,
            )
        case TeslaCredentials():
            return TeslaProvider(
                credentials,
                http=http,
                token_url=hosts.tesla_auth_url,
                clock=clock,
                timeout=timeout,
                on_credentials_changed=on_credentials_changed,
            )
    raise DerapiProtocolError(f"no provider for {type(credentials).__name__}")


__all__ = [
    "CREDENTIAL_TYPES",
    "CredentialsListener",
    "EnphaseCredentials",
    "EnphaseProvider",
    "SmaCredentials",
    "SmaProvider",
    "SolarEdgeCredentials",
    "SolarEdgeProvider",
    "SolisCredentials",
    "SolisProvider",
    "TeslaCredentials",
    "TeslaProvider",
    "VendorAuthProvider",
    "VendorCredentials",
    "create_provider",
    "credentials_from_dict",
]
