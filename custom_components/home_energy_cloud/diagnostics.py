"""Diagnostics: the entry and the vendor's data, secrets redacted by the vendor's own key list."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry

from .vendor_spec import HomeEnergyCloudConfigEntry


def _entry_summary(entry: HomeEnergyCloudConfigEntry) -> dict[str, Any]:
    return {
        "title": entry.title,
        "version": f"{entry.version}.{entry.minor_version}",
        "data": dict(entry.data),
        "options": dict(entry.options),
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: HomeEnergyCloudConfigEntry
) -> dict[str, Any]:
    """The entry and everything its vendor reports, redacted."""
    vendor = entry.runtime_data.vendor
    return async_redact_data(
        {
            "vendor": vendor.key,
            "entry": _entry_summary(entry),
            "data": await vendor.async_get_diagnostics(hass, entry),
        },
        vendor.redact_keys,
    )


async def async_get_device_diagnostics(
    hass: HomeAssistant, entry: HomeEnergyCloudConfigEntry, device: DeviceEntry
) -> dict[str, Any]:
    """One device's data, redacted."""
    vendor = entry.runtime_data.vendor
    return async_redact_data(
        {
            "vendor": vendor.key,
            "entry": _entry_summary(entry),
            "device": await vendor.async_get_device_diagnostics(hass, entry, device),
        },
        vendor.redact_keys,
    )
