"""SEW Smart Customer Mobile utilities: the vendor record and its setup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..api.sew import Flavor, SewClient, SewUtility, get_utility
from ..const import CONF_BASE_URL
from ..devices import DeviceLifecycle
from ..vendor_spec import Endpoint, VendorSpec
from .binary_sensor import async_setup_binary_sensors
from .const import (
    CONF_ACCOUNT,
    CONF_ENCRYPTED,
    CONF_FLAVOR,
    CONF_TRUSTED_DEVICE_ID,
    CONF_UTILITY,
    HISTORY_DAYS,
    IMPORT_CONCURRENCY,
    REDACT_KEYS,
    REQUEST_PACE,
    VENDOR_KEY,
)
from .coordinator import SewConfigEntry, SewCoordinator, SewRuntime, account_device_info
from .diagnostics import async_get_device_diagnostics, async_get_diagnostics
from .sensor import async_setup_sensors
from .services import async_setup_services
from .statistics import SewStatisticsImporter, async_remove_import_state

REFERENCE_URL = "https://scmcx.smartcmobile.com"
"""SEW's reference host: the endpoint's default; each utility's own URL comes from the registry."""
ENDPOINTS = (Endpoint(key=CONF_BASE_URL, default=REFERENCE_URL),)


def utility_of(data: Mapping[str, Any]) -> SewUtility:
    """The utility of an entry (or the flow's data): the registry's, with the entry's overrides.

    ``base_url`` is stored only when it differs from the registry's (always for "Other SEW
    utility"), ``flavor`` only for "Other", ``encrypted`` only when the user changed it.
    """
    utility = get_utility(data[CONF_UTILITY])
    base_url = data.get(CONF_BASE_URL) or utility.base_url
    flavor = Flavor(data[CONF_FLAVOR]) if data.get(CONF_FLAVOR) else utility.flavor
    if base_url is None or flavor is None:
        raise ValueError("the utility needs a base URL and a flavor")
    return utility.with_endpoint(base_url, flavor, encrypted=data.get(CONF_ENCRYPTED))


def create_client(hass: HomeAssistant, data: Mapping[str, Any]) -> SewClient:
    """A client for the login in ``data``; the utility's time zone, else Home Assistant's."""
    return SewClient(
        async_get_clientsession(hass),
        utility_of(data),
        data[CONF_USERNAME],
        data[CONF_PASSWORD],
        trusted_device_id=data.get(CONF_TRUSTED_DEVICE_ID),
        default_time_zone=str(hass.config.time_zone),
    )


async def async_create_runtime(
    hass: HomeAssistant, entry: SewConfigEntry, devices: DeviceLifecycle
) -> SewRuntime:
    """Read the account once (setup retries or asks for reauth on failure), then poll."""
    client = create_client(hass, entry.data)
    importer = SewStatisticsImporter(
        hass,
        entry.entry_id,
        client,
        utility_id=client.utility.id,
        utility_name=client.utility.name,
        history_days=HISTORY_DAYS,
        pace=REQUEST_PACE,
        concurrency=IMPORT_CONCURRENCY,
    )
    await importer.async_load()
    # The meters' devices point at the account's: it must exist before them.
    account_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        **account_device_info(client.utility, entry.data[CONF_ACCOUNT]),
    )
    coordinator = SewCoordinator(hass, entry, client, devices, importer, account_device.id)
    await coordinator.async_config_entry_first_refresh()
    return SewRuntime(
        vendor=SEW, devices=devices, client=client, coordinator=coordinator, importer=importer
    )


async def async_remove_entry(hass: HomeAssistant, entry: SewConfigEntry) -> None:
    """Forget a deleted account's import markers (its statistics stay, as with opower)."""
    await async_remove_import_state(hass, entry.entry_id)


SEW: VendorSpec[SewRuntime] = VendorSpec(
    key=VENDOR_KEY,
    name="SEW utility",
    platforms=(Platform.BINARY_SENSOR, Platform.SENSOR),
    endpoints=ENDPOINTS,
    async_create_runtime=async_create_runtime,
    platform_setups={
        Platform.BINARY_SENSOR: async_setup_binary_sensors,
        Platform.SENSOR: async_setup_sensors,
    },
    reauth_step="sew_reauth",
    reconfigure_step="sew_reconfigure",
    async_get_diagnostics=async_get_diagnostics,
    async_get_device_diagnostics=async_get_device_diagnostics,
    async_setup_services=async_setup_services,
    async_remove_entry=async_remove_entry,
    redact_keys=REDACT_KEYS,
)
