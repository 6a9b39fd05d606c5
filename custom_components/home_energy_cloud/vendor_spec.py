"""The contract every vendor implements, and the runtime data a loaded entry holds.

A vendor is one :class:`VendorSpec` record (registered in ``vendors.py``) plus its own modules:
an API client under ``api/<vendor>/`` and Home Assistant glue under ``<vendor>/``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator


@dataclass(kw_only=True)
class VendorRuntime:
    """What a loaded entry keeps in ``entry.runtime_data``; vendors subclass it."""

    vendor: VendorSpec
    coordinators: list[DataUpdateCoordinator[Any]] = field(default_factory=list)


type HomeEnergyCloudConfigEntry = ConfigEntry[VendorRuntime]

type PlatformSetup = Callable[
    [HomeAssistant, HomeEnergyCloudConfigEntry, AddConfigEntryEntitiesCallback], Awaitable[None]
]
type DiagnosticsFn = Callable[
    [HomeAssistant, HomeEnergyCloudConfigEntry], Awaitable[dict[str, Any]]
]
type DeviceDiagnosticsFn = Callable[
    [HomeAssistant, HomeEnergyCloudConfigEntry, DeviceEntry], Awaitable[dict[str, Any]]
]


@dataclass(frozen=True, kw_only=True)
class VendorSpec:
    """One vendor: what the config-flow menu offers and what setting up an entry does."""

    key: str
    """Stored in ``entry.data[CONF_VENDOR]``; also the menu option and its config-flow step id."""
    name: str
    platforms: tuple[Platform, ...]
    default_base_url: str
    """The vendor cloud's real base URL; advanced mode may override it per entry."""
    create_client: Callable[[HomeAssistant, Mapping[str, Any]], Any]
    """Builds the API client from ``entry.data`` (used by setup and by the config flow)."""
    async_create_runtime: Callable[
        [HomeAssistant, HomeEnergyCloudConfigEntry, VendorSpec], Awaitable[VendorRuntime]
    ]
    """Builds client and coordinator(s), runs their first refresh; gets its own record."""
    platform_setups: Mapping[Platform, PlatformSetup]
    reauth_step: str
    reconfigure_step: str
    async_get_diagnostics: DiagnosticsFn
    async_get_device_diagnostics: DeviceDiagnosticsFn
    redact_keys: frozenset[str]
    """entry.data and runtime keys that never leave Home Assistant (diagnostics, logs)."""
    async_setup_services: Callable[[HomeAssistant], None]
    """Registers the vendor's service actions once, from ``async_setup``."""
    can_remove_device: Callable[[HomeEnergyCloudConfigEntry, DeviceEntry], bool]
    """Whether the user may delete a device by hand (not while the cloud still lists it)."""
    async_remove_entry: Callable[[HomeAssistant, HomeEnergyCloudConfigEntry], Awaitable[None]]
    """Cleans up what the vendor kept for a deleted entry (e.g. stored sessions)."""


async def async_setup_vendor_platform(
    platform: Platform,
    hass: HomeAssistant,
    entry: HomeEnergyCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Hand a platform's setup to the entry's vendor (platforms only load where it has one)."""
    await entry.runtime_data.vendor.platform_setups[platform](hass, entry, async_add_entities)
