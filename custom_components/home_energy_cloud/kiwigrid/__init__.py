"""Solarwatt / Kiwigrid Energy Manager: the vendor record and its setup.

Three connection types share one data model and one set of entities: the current Solarwatt
cloud (REST, polled), the legacy Energy Manager portal (kiwibus websocket, pushed) and an
Energy Manager on the local network (polled).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..api.kiwigrid import (
    PORTALS,
    Generation,
    HemsClient,
    KiwibusClient,
    LocalEnergyManagerClient,
    Portal,
)
from ..devices import DeviceLifecycle
from ..vendor_spec import Endpoint, VendorSpec
from .binary_sensor import async_setup_binary_sensors
from .const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORTAL,
    CONF_USERNAME,
    PORTAL_LOCAL,
    REDACT_KEYS,
    VENDOR_KEY,
    endpoint_key,
)
from .coordinator import (
    KiwibusCoordinator,
    KiwigridConfigEntry,
    KiwigridHemsCoordinator,
    KiwigridLocalCoordinator,
    KiwigridRuntime,
)
from .diagnostics import async_get_device_diagnostics, async_get_diagnostics
from .energy import EnergyAccumulator
from .sensor import async_setup_sensors

ENDPOINTS = tuple(
    Endpoint(key=endpoint_key(portal, host), default=url)
    for portal in PORTALS.values()
    for host, url in portal.hosts.items()
)


def portal_of(data: Mapping[str, Any]) -> Portal | None:
    """The cloud portal of an entry (None for a local Energy Manager)."""
    return PORTALS.get(str(data.get(CONF_PORTAL)))


def portal_hosts(data: Mapping[str, Any], portal: Portal) -> dict[str, str]:
    """Each host of the portal: the entry's override, else the real one."""
    return {host: KIWIGRID.endpoint_url(data, endpoint_key(portal, host)) for host in portal.hosts}


def create_client(
    hass: HomeAssistant, data: Mapping[str, Any]
) -> HemsClient | KiwibusClient | LocalEnergyManagerClient:
    """The client for an entry's (or the flow's) data."""
    session = async_get_clientsession(hass)
    portal = portal_of(data)
    if portal is None:
        return LocalEnergyManagerClient(session, data[CONF_HOST])
    hosts = portal_hosts(data, portal)
    if portal.generation is Generation.LEGACY_BUS:
        return KiwibusClient(
            session, data[CONF_USERNAME], data[CONF_PASSWORD], portal=portal, hosts=hosts
        )
    return HemsClient(session, data[CONF_USERNAME], data[CONF_PASSWORD], portal=portal, hosts=hosts)


async def async_create_runtime(
    hass: HomeAssistant, entry: KiwigridConfigEntry, devices: DeviceLifecycle
) -> KiwigridRuntime:
    """Read the site once (setup retries or asks for reauth on failure), then keep it fresh."""
    client = create_client(hass, entry.data)
    coordinator: KiwigridLocalCoordinator | KiwigridHemsCoordinator | KiwibusCoordinator
    accumulator: EnergyAccumulator | None = None
    if isinstance(client, LocalEnergyManagerClient):
        coordinator = KiwigridLocalCoordinator(hass, entry, client, devices)
    elif isinstance(client, HemsClient):
        accumulator = EnergyAccumulator(hass, entry.entry_id)
        await accumulator.async_load()
        coordinator = KiwigridHemsCoordinator(hass, entry, client, devices, accumulator)
    else:
        # Closed by the push supervisor when it stops (unload, Home Assistant stop).
        coordinator = KiwibusCoordinator(hass, entry, client, devices)
    try:
        await coordinator.async_config_entry_first_refresh()
    except BaseException:
        if isinstance(client, KiwibusClient):
            await client.close()  # a failed setup leaves no socket behind
        raise
    if isinstance(coordinator, KiwibusCoordinator):
        coordinator.async_start_push()
    return KiwigridRuntime(
        vendor=KIWIGRID,
        devices=devices,
        client=client,
        coordinator=coordinator,
        accumulator=accumulator,
    )


async def async_remove_entry(hass: HomeAssistant, entry: KiwigridConfigEntry) -> None:
    """Forget a deleted entry's energy counters."""
    if entry.data.get(CONF_PORTAL) != PORTAL_LOCAL:
        await EnergyAccumulator(hass, entry.entry_id).async_remove()


KIWIGRID: VendorSpec[KiwigridRuntime] = VendorSpec(
    key=VENDOR_KEY,
    name="Solarwatt / Kiwigrid",
    platforms=(Platform.BINARY_SENSOR, Platform.SENSOR),
    endpoints=ENDPOINTS,
    async_create_runtime=async_create_runtime,
    platform_setups={
        Platform.BINARY_SENSOR: async_setup_binary_sensors,
        Platform.SENSOR: async_setup_sensors,
    },
    reauth_step="kiwigrid_reauth",
    reconfigure_step="kiwigrid_reconfigure",
    async_get_diagnostics=async_get_diagnostics,
    async_get_device_diagnostics=async_get_device_diagnostics,
    async_remove_entry=async_remove_entry,
    redact_keys=REDACT_KEYS,
)
