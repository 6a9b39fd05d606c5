"""Home Energy Cloud: Electra Smart, Solarwatt/Kiwigrid, SEW and Derapi clouds in Home Assistant.

One config entry is one vendor account; ``entry.data[CONF_VENDOR]`` names the vendor, whose
registry record (``vendors.py``) builds the client and coordinators and lists the platforms.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers import config_validation as cv, issue_registry as ir
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.typing import ConfigType

from .const import CONF_VENDOR, DOMAIN
from .devices import DeviceLifecycle
from .vendor_spec import HomeEnergyCloudConfigEntry
from .vendors import VENDORS, get_vendor

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


def _unknown_vendor_issue_id(entry: HomeEnergyCloudConfigEntry) -> str:
    return f"unknown_vendor_{entry.entry_id}"


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register every vendor's service actions once, whether or not an entry uses them."""
    for vendor in VENDORS.values():
        if vendor.async_setup_services is not None:
            vendor.async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: HomeEnergyCloudConfigEntry) -> bool:
    """Set up one vendor account."""
    vendor = get_vendor(entry.data.get(CONF_VENDOR))
    if vendor is None:
        # Reached after a downgrade or a hand-edited storage file; retrying cannot help, so tell
        # the user in Repairs instead of failing silently in the log.
        placeholders = {"title": entry.title, "vendor": str(entry.data.get(CONF_VENDOR))}
        ir.async_create_issue(
            hass,
            DOMAIN,
            _unknown_vendor_issue_id(entry),
            is_fixable=False,
            severity=ir.IssueSeverity.ERROR,
            translation_key="unknown_vendor",
            translation_placeholders=placeholders,
        )
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="unknown_vendor",
            translation_placeholders=placeholders,
        )
    ir.async_delete_issue(hass, DOMAIN, _unknown_vendor_issue_id(entry))
    devices = await DeviceLifecycle.async_get(hass, entry)
    entry.runtime_data = await vendor.async_create_runtime(hass, entry, devices)
    await hass.config_entries.async_forward_entry_setups(entry, vendor.platforms)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: HomeEnergyCloudConfigEntry) -> bool:
    """Unload the platforms; vendors release their connections through entry.async_on_unload."""
    return await hass.config_entries.async_unload_platforms(
        entry, entry.runtime_data.vendor.platforms
    )


async def async_remove_entry(hass: HomeAssistant, entry: HomeEnergyCloudConfigEntry) -> None:
    """Drop what was kept for a deleted entry."""
    ir.async_delete_issue(hass, DOMAIN, _unknown_vendor_issue_id(entry))
    await DeviceLifecycle.async_forget(hass, entry.entry_id)
    vendor = get_vendor(entry.data.get(CONF_VENDOR))
    if vendor is not None and vendor.async_remove_entry is not None:
        await vendor.async_remove_entry(hass, entry)


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: HomeEnergyCloudConfigEntry, device: DeviceEntry
) -> bool:
    """Let the user delete a device only once the cloud no longer lists it.

    Works on an entry that is not loaded too: the lifecycle's record is read from storage.
    """
    return (await DeviceLifecycle.async_get(hass, entry)).may_remove_by_hand(device)
