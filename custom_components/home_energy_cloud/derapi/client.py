"""Building the Derapi client of an entry (or of a config flow's partial data)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..api.derapi import (
    DerapiClient,
    DerapiError,
    DerapiHosts,
    VendorCredentials,
    credentials_from_dict,
)
from ..api.derapi.vendor_auth import CredentialsListener
from ..const import LOGGER
from ..vendor_spec import Endpoint
from .const import (
    CONF_API_URL,
    CONF_AUTH_URL,
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_ENPHASE_AUTH_URL,
    CONF_ENVIRONMENT,
    CONF_SMA_AUTH_URL,
    CONF_TESLA_AUTH_URL,
    CONF_VENDOR_CREDENTIALS,
    ENVIRONMENT_SANDBOX,
)

_PRODUCTION = DerapiHosts.production()
_SANDBOX = DerapiHosts.sandbox()

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(key=CONF_API_URL, default=_PRODUCTION.api_url),
    Endpoint(key=CONF_AUTH_URL, default=_PRODUCTION.auth_url),
    Endpoint(key=CONF_SMA_AUTH_URL, default=_PRODUCTION.sma_auth_url),
    Endpoint(key=CONF_ENPHASE_AUTH_URL, default=_PRODUCTION.enphase_auth_url),
    Endpoint(key=CONF_TESLA_AUTH_URL, default=_PRODUCTION.tesla_auth_url),
)


def is_sandbox(data: Mapping[str, Any]) -> bool:
    """Whether the entry uses Derapi's virtual mode and the vendors' sandboxes."""
    return data.get(CONF_ENVIRONMENT) == ENVIRONMENT_SANDBOX


def hosts_of(data: Mapping[str, Any]) -> DerapiHosts:
    """Every host of an entry: its overrides, else the environment's defaults.

    Only overrides are stored, so a sandbox entry follows SMA's sandbox token host unless the
    user pointed it elsewhere.
    """
    defaults = _SANDBOX if is_sandbox(data) else _PRODUCTION
    return DerapiHosts(
        api_url=data.get(CONF_API_URL) or defaults.api_url,
        auth_url=data.get(CONF_AUTH_URL) or defaults.auth_url,
        sma_auth_url=data.get(CONF_SMA_AUTH_URL) or defaults.sma_auth_url,
        enphase_auth_url=data.get(CONF_ENPHASE_AUTH_URL) or defaults.enphase_auth_url,
        tesla_auth_url=data.get(CONF_TESLA_AUTH_URL) or defaults.tesla_auth_url,
    )


def stored_credentials(data: Mapping[str, Any]) -> dict[str, VendorCredentials]:
    """The vendor credentials in entry data by kind; a damaged one is left out (and logged)."""
    found: dict[str, VendorCredentials] = {}
    for kind, raw in (data.get(CONF_VENDOR_CREDENTIALS) or {}).items():
        try:
            found[kind] = credentials_from_dict(raw)
        except DerapiError as err:
            LOGGER.warning("Ignoring stored %s credentials: %s", kind, err)
    return found


def create_client(
    hass: HomeAssistant,
    data: Mapping[str, Any],
    *,
    vendor_credentials: Iterable[VendorCredentials] | None = None,
    on_credentials_changed: CredentialsListener | None = None,
) -> DerapiClient:
    """A client for the account in ``data`` (its stored vendor credentials unless given)."""
    if vendor_credentials is None:
        vendor_credentials = stored_credentials(data).values()
    return DerapiClient(
        async_get_clientsession(hass),
        client_id=data[CONF_CLIENT_ID],
        client_secret=data[CONF_CLIENT_SECRET],
        hosts=hosts_of(data),
        vendor_credentials=vendor_credentials,
        on_credentials_changed=on_credentials_changed,
    )
