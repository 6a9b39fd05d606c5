"""Derapi: one account for many solar and battery clouds; the vendor record and its setup."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, callback

from ..api.derapi import VendorCredentials
from ..devices import DeviceLifecycle
from ..vendor_spec import VendorSpec
from .binary_sensor import async_setup_binary_sensors
from .client import ENDPOINTS, create_client
from .const import CONF_VENDOR_CREDENTIALS, REDACT_KEYS, VENDOR_KEY
from .coordinator import DerapiDetailsCoordinator, DerapiTopologyCoordinator
from .diagnostics import async_get_device_diagnostics, async_get_diagnostics
from .health import VendorHealth
from .runtime import DerapiConfigEntry, DerapiRuntime
from .select import async_setup_selects
from .sensor import async_setup_sensors
from .statistics import DerapiStatisticsCoordinator


async def async_create_runtime(
    hass: HomeAssistant, entry: DerapiConfigEntry, devices: DeviceLifecycle
) -> DerapiRuntime:
    """Read the topology and the devices once; intervals follow in the background.

    The statistics import (30 days on a new entry) must not hold up setup, and one failing
    vendor never fails it: only Derapi itself refusing or not answering does.
    """

    @callback
    def save_credentials(credentials: VendorCredentials) -> None:
        # A rotated refresh token is the only one that works from now on: save it at once.
        stored = dict(entry.data.get(CONF_VENDOR_CREDENTIALS) or {})
        stored[credentials.kind] = credentials.to_dict()
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_VENDOR_CREDENTIALS: stored}
        )

    client = create_client(hass, entry.data, on_credentials_changed=save_credentials)
    health = VendorHealth(hass, entry)
    entry.async_on_unload(health.clear)
    topology = DerapiTopologyCoordinator(hass, entry, client, devices, health)
    await topology.async_config_entry_first_refresh()
    details = DerapiDetailsCoordinator(hass, entry, client, topology, health)
    await details.async_config_entry_first_refresh()
    entry.async_on_unload(details.async_follow_topology())
    statistics = DerapiStatisticsCoordinator(hass, entry, client, topology)
    # No entity listens to it; this listener keeps its hourly schedule running.
    entry.async_on_unload(statistics.async_add_listener(lambda: None))
    entry.async_create_background_task(
        hass, statistics.async_refresh(), "derapi statistics backfill"
    )
    return DerapiRuntime(
        vendor=DERAPI,
        devices=devices,
        client=client,
        health=health,
        topology=topology,
        details=details,
        statistics=statistics,
    )


DERAPI: VendorSpec[DerapiRuntime] = VendorSpec(
    key=VENDOR_KEY,
    name="Derapi",
    platforms=(Platform.BINARY_SENSOR, Platform.SELECT, Platform.SENSOR),
    endpoints=ENDPOINTS,
    async_create_runtime=async_create_runtime,
    platform_setups={
        Platform.BINARY_SENSOR: async_setup_binary_sensors,
        Platform.SELECT: async_setup_selects,
        Platform.SENSOR: async_setup_sensors,
    },
    reauth_step="derapi_reauth",
    reconfigure_step=VENDOR_KEY,
    async_get_diagnostics=async_get_diagnostics,
    async_get_device_diagnostics=async_get_device_diagnostics,
    redact_keys=REDACT_KEYS,
)

__all__ = ["DERAPI", "DerapiConfigEntry", "DerapiRuntime", "create_client"]
