"""Derapi diagnostics (redacted by the caller with REDACT_KEYS)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from ..const import DOMAIN
from .coordinator import device_unique_id
from .runtime import DerapiConfigEntry, DerapiRuntime


def _plain(value: Any) -> Any:
    """Dataclasses as dicts, date-times as text (diagnostics are JSON)."""
    if hasattr(value, "__dataclass_fields__"):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _device(runtime: DerapiRuntime, derapi_id: str) -> dict[str, Any]:
    data = runtime.details.data
    failure = data.failures.get(derapi_id)
    return {
        "site": _plain(runtime.topology.data.sites.get(derapi_id)),
        "site_state": _plain(data.sites.get(derapi_id)),
        "solar_inverter": _plain(data.inverters.get(derapi_id)),
        "battery": _plain(data.batteries.get(derapi_id)),
        "failure": f"{type(failure).__name__}: {failure}" if failure else None,
    }


async def async_get_diagnostics(hass: HomeAssistant, entry: DerapiConfigEntry) -> dict[str, Any]:
    """Sites, devices, failing vendors, statistics and the client's counters."""
    runtime = entry.runtime_data
    topology = runtime.topology.data
    ids = [*topology.sites, *topology.inverter_sites, *topology.battery_sites]
    return {
        "client": {**_plain(runtime.client.stats), "vendors": list(runtime.client.vendors)},
        "vendor_problems": {v: p.message for v, p in runtime.health.problems.items()},
        "list_errors": topology.errors,
        "last_update_success": {
            "topology": runtime.topology.last_update_success,
            "details": runtime.details.last_update_success,
            "statistics": runtime.statistics.last_update_success,
        },
        "statistics": {
            stat_id: {"last_hour": start.isoformat(), "sum": total}
            for stat_id, (start, total) in (runtime.statistics.data or {}).items()
        },
        "devices": {derapi_id: _device(runtime, derapi_id) for derapi_id in ids},
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: DerapiConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """One site's, inverter's or battery's data."""
    runtime = entry.runtime_data
    topology = runtime.topology.data
    for derapi_id in (*topology.sites, *topology.inverter_sites, *topology.battery_sites):
        if (DOMAIN, device_unique_id(derapi_id)) in device.identifiers:
            return _device(runtime, derapi_id)
    return {}
