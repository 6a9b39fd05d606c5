"""Electra Smart diagnostics (redacted by the caller with REDACT_KEYS)."""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from ..api.electra import ElectraStats
from ..const import DOMAIN
from .coordinator import ElectraConfigEntry, ElectraRuntime, device_unique_id


def _unit(runtime: ElectraRuntime, device_id: int) -> dict[str, Any]:
    device = runtime.coordinator.data.devices[device_id]
    telemetry = runtime.coordinator.data.telemetry.get(device_id)
    timers = (runtime.timers.data or {}).get(device_id)
    return {
        "device": device.raw,
        "telemetry": asdict(telemetry) if telemetry else None,
        "timers": asdict(timers) if timers else None,
    }


def _stats(stats: ElectraStats) -> dict[str, Any]:
    # Not asdict(): it would turn the requests Counter into a Counter of (key, count) tuples.
    counters = {field.name: getattr(stats, field.name) for field in fields(stats)}
    return {**counters, "requests": dict(stats.requests)}


async def async_get_diagnostics(hass: HomeAssistant, entry: ElectraConfigEntry) -> dict[str, Any]:
    """Every unit's device record, telemetry and timers, plus the client's counters."""
    runtime = entry.runtime_data
    return {
        "last_update_success": runtime.coordinator.last_update_success,
        "client": _stats(runtime.client.stats),
        "units": [_unit(runtime, device_id) for device_id in runtime.coordinator.data.devices],
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: ElectraConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """One unit's device record, telemetry and timers."""
    runtime = entry.runtime_data
    for device_id, unit in runtime.coordinator.data.devices.items():
        if (DOMAIN, device_unique_id(unit)) in device.identifiers:
            return _unit(runtime, device_id)
    return {}
