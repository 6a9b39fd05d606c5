"""SEW diagnostics (redacted by the caller with REDACT_KEYS)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from ..const import DOMAIN
from .coordinator import SewConfigEntry, SewMeterData, SewRuntime


def _meter(runtime: SewRuntime, uid: str, meter: SewMeterData) -> dict[str, Any]:
    state = runtime.importer.states.get(uid)
    stats = runtime.importer.statistics_of(
        runtime.coordinator.data.account, meter.meter, meter.unit
    )
    return {
        "meter": asdict(meter.meter),
        "unit": meter.unit,
        "summary": asdict(meter.summary) if meter.summary else None,
        "import": state.as_record() if state else None,
        "statistic_ids": sorted(stats.ids.values()),
    }


async def async_get_diagnostics(hass: HomeAssistant, entry: SewConfigEntry) -> dict[str, Any]:
    """The utility's settings (no key), the account, its bill, outage and meters."""
    runtime = entry.runtime_data
    data = runtime.coordinator.data
    utility = runtime.client.utility
    return {
        "utility": {
            "id": utility.id,
            "flavor": utility.flavor,
            "encrypted": utility.portal.encrypted,
            "time_zone": str(runtime.client.time_zone),
            "currency": utility.currency,
        },
        "last_update_success": runtime.coordinator.last_update_success,
        "requests": runtime.client.requests,
        "logins": runtime.client.logins,
        "account": asdict(data.account),
        "bill": asdict(data.bill) if data.bill else None,
        "outage": asdict(data.outage) if data.outage else None,
        "meter_devices": [_meter(runtime, uid, meter) for uid, meter in data.meters.items()],
    }


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: SewConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """One meter's figures and import state."""
    runtime = entry.runtime_data
    for uid, meter in runtime.coordinator.data.meters.items():
        if (DOMAIN, uid) in device.identifiers:
            return _meter(runtime, uid, meter)
    return {}
