"""Electra Smart air conditioners (Israel): the vendor record and its setup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.device_registry import DeviceEntry

from ..api.electra import DEFAULT_BASE_URL, ElectraClient
from ..const import CONF_BASE_URL, DOMAIN
from ..vendor_spec import HomeEnergyCloudConfigEntry, VendorRuntime, VendorSpec
from .binary_sensor import async_setup_binary_sensors
from .climate import async_setup_climate
from .const import CONF_IMEI, CONF_TOKEN, REDACT_KEYS, VENDOR_KEY
from .coordinator import ElectraCoordinator, ElectraRuntime, ElectraTimersCoordinator
from .diagnostics import async_get_device_diagnostics, async_get_diagnostics
from .entity import electra_runtime
from .sensor import async_setup_sensors
from .services import async_setup_services
from .sessions import ElectraSessions
from .switch import async_setup_switches


def create_client(hass: HomeAssistant, data: Mapping[str, Any]) -> ElectraClient:
    """An API client for the account in ``data`` (entry data, or the flow's partial data)."""
    return ElectraClient(
        async_get_clientsession(hass),
        imei=data[CONF_IMEI],
        token=data.get(CONF_TOKEN),
        base_url=data.get(CONF_BASE_URL, DEFAULT_BASE_URL),
    )


async def async_create_runtime(
    hass: HomeAssistant, entry: HomeEnergyCloudConfigEntry, vendor: VendorSpec
) -> VendorRuntime:
    """Read the units and their state once; a failure here retries setup or asks for reauth."""
    client = create_client(hass, entry.data)
    sessions = await ElectraSessions.async_get(hass)
    sessions.restore(entry.entry_id, client)
    # Whatever happens next (setup failing included), the next client continues this session.
    entry.async_on_unload(lambda: sessions.remember(entry.entry_id, client))
    coordinator = ElectraCoordinator(hass, entry, client)
    entry.async_on_unload(
        coordinator.async_add_listener(lambda: sessions.remember(entry.entry_id, client))
    )
    await coordinator.async_config_entry_first_refresh()
    timers = ElectraTimersCoordinator(hass, entry, client, coordinator)
    await timers.async_config_entry_first_refresh()
    entry.async_on_unload(timers.async_follow_units())
    return ElectraRuntime(
        vendor=vendor,
        coordinators=[coordinator, timers],
        client=client,
        coordinator=coordinator,
        timers=timers,
    )


async def async_remove_entry(hass: HomeAssistant, entry: HomeEnergyCloudConfigEntry) -> None:
    """Forget a deleted account's session."""
    (await ElectraSessions.async_get(hass)).forget(entry.entry_id)


def can_remove_device(entry: HomeEnergyCloudConfigEntry, device: DeviceEntry) -> bool:
    """A unit's device may be deleted once the account no longer lists the unit."""
    known = electra_runtime(entry).coordinator.known_unique_ids()
    return not any(domain == DOMAIN and ident in known for domain, ident in device.identifiers)


ELECTRA = VendorSpec(
    key=VENDOR_KEY,
    name="Electra Smart",
    platforms=(Platform.BINARY_SENSOR, Platform.CLIMATE, Platform.SENSOR, Platform.SWITCH),
    default_base_url=DEFAULT_BASE_URL,
    create_client=create_client,
    async_create_runtime=async_create_runtime,
    platform_setups={
        Platform.BINARY_SENSOR: async_setup_binary_sensors,
        Platform.CLIMATE: async_setup_climate,
        Platform.SENSOR: async_setup_sensors,
        Platform.SWITCH: async_setup_switches,
    },
    reauth_step="electra_reauth",
    reconfigure_step=VENDOR_KEY,
    async_get_diagnostics=async_get_diagnostics,
    async_get_device_diagnostics=async_get_device_diagnostics,
    async_setup_services=async_setup_services,
    can_remove_device=can_remove_device,
    async_remove_entry=async_remove_entry,
    redact_keys=REDACT_KEYS,
)
