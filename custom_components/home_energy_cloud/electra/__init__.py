"""Electra Smart air conditioners (Israel): the vendor record and its setup."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..api.electra import DEFAULT_BASE_URL, ElectraClient, ElectraSession
from ..const import CONF_BASE_URL
from ..devices import DeviceLifecycle
from ..entity import async_remove_retired_entities
from ..vendor_spec import Endpoint, VendorSpec
from .binary_sensor import async_setup_binary_sensors
from .climate import async_setup_climate
from .const import CONF_IMEI, CONF_TOKEN, REDACT_KEYS, VENDOR_KEY
from .coordinator import (
    ElectraConfigEntry,
    ElectraCoordinator,
    ElectraRuntime,
    ElectraTimersCoordinator,
)
from .diagnostics import async_get_device_diagnostics, async_get_diagnostics
from .sensor import async_setup_sensors
from .services import async_setup_services
from .sessions import ElectraSessions
from .switch import RETIRED_KEYS as RETIRED_SWITCHES, async_setup_switches

ENDPOINTS = (Endpoint(key=CONF_BASE_URL, default=DEFAULT_BASE_URL),)


def create_client(
    hass: HomeAssistant,
    data: Mapping[str, Any],
    on_session_change: Callable[[ElectraSession], None] | None = None,
) -> ElectraClient:
    """An API client for the account in ``data`` (entry data, or the flow's partial data)."""
    return ElectraClient(
        async_get_clientsession(hass),
        imei=data[CONF_IMEI],
        token=data.get(CONF_TOKEN),
        base_url=data.get(CONF_BASE_URL) or DEFAULT_BASE_URL,
        on_session_change=on_session_change,
    )


async def async_create_runtime(
    hass: HomeAssistant, entry: ElectraConfigEntry, devices: DeviceLifecycle
) -> ElectraRuntime:
    """Read the units and their state once; a failure here retries setup or asks for reauth.

    Only the unit list and telemetry gate setup: timers are an optional feature (a cloud or
    unit without them answers an error), so their first read may fail and only their own
    entities are then unavailable.
    """
    sessions = await ElectraSessions.async_get(hass)
    token = entry.data[CONF_TOKEN]
    # Saved the moment it changes, so the next client (after a reload, a restart or a crash)
    # continues this session instead of spending a VALIDATE_TOKEN.
    async_remove_retired_entities(hass, entry, Platform.SWITCH, RETIRED_SWITCHES)
    client = create_client(
        hass,
        entry.data,
        on_session_change=lambda session: sessions.remember(entry.entry_id, token, session),
    )
    sessions.restore(entry.entry_id, client)
    # A write still in flight must not outlive the entry.
    entry.async_on_unload(client.close)
    coordinator = ElectraCoordinator(hass, entry, client, devices)
    await coordinator.async_config_entry_first_refresh()
    timers = ElectraTimersCoordinator(hass, entry, client, coordinator)
    await timers.async_refresh()
    entry.async_on_unload(timers.async_follow_units())
    return ElectraRuntime(
        vendor=ELECTRA,
        devices=devices,
        client=client,
        coordinator=coordinator,
        timers=timers,
    )


async def async_remove_entry(hass: HomeAssistant, entry: ElectraConfigEntry) -> None:
    """Forget a deleted account's session."""
    (await ElectraSessions.async_get(hass)).forget(entry.entry_id)


ELECTRA: VendorSpec[ElectraRuntime] = VendorSpec(
    key=VENDOR_KEY,
    name="Electra Smart",
    platforms=(Platform.BINARY_SENSOR, Platform.CLIMATE, Platform.SENSOR, Platform.SWITCH),
    endpoints=ENDPOINTS,
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
    async_remove_entry=async_remove_entry,
    redact_keys=REDACT_KEYS,
)
