"""Solarwatt / Kiwigrid diagnostics (redacted by the caller with REDACT_KEYS)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from ..api.kiwigrid import KiwigridDevice
from ..const import DOMAIN
from .coordinator import KiwigridConfigEntry


def _device(device: KiwigridDevice) -> dict[str, Any]:
    record = asdict(device)
    record["kind"] = type(device).__name__
    return record


def _client(entry: KiwigridConfigEntry) -> dict[str, Any]:
    client = entry.runtime_data.client
    return {
        "type": type(client).__name__,
        "logins": getattr(client, "logins", None),
        "token_refreshes": getattr(client, "refreshes", None),
        "connected": getattr(client, "connected", None),
    }


async def async_get_diagnostics(hass: HomeAssistant, entry: KiwigridConfigEntry) -> dict[str, Any]:
    """The site's devices as last read, the client's counters and the energy accumulator."""
    runtime = entry.runtime_data
    data = runtime.coordinator.data
    return {
        "last_update_success": runtime.coordinator.last_update_success,
        "client": _client(entry),
        "energy_accumulator": (
            runtime.accumulator.state.as_record() if runtime.accumulator else None
        ),
        "devices": [_device(device) for device in data.devices.values()] if data else [],
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: KiwigridConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """One device as last read."""
    data = entry.runtime_data.coordinator.data
    for uid, site_device in (data.devices if data else {}).items():
        if (DOMAIN, uid) in device.identifiers:
            return _device(site_device)
    return {}
