"""The contract every vendor implements, and the runtime data a loaded entry holds.

A vendor is one :class:`VendorSpec` record (registered in ``vendors.py``) plus its own modules:
an API client under ``api/<vendor>/`` and Home Assistant glue under ``<vendor>/``.

The spec is generic in the vendor's runtime type, so a vendor's own code works with
``ConfigEntry[ItsRuntime]`` and never needs to narrow ``entry.runtime_data``; only the shared
platform modules, which serve every vendor, see the base type.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry, OptionsFlow
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntry
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .devices import DeviceLifecycle


@dataclass(kw_only=True)
class VendorRuntime:
    """What a loaded entry keeps in ``entry.runtime_data``; vendors subclass it."""

    vendor: VendorSpec[Any]
    devices: DeviceLifecycle


type HomeEnergyCloudConfigEntry = ConfigEntry[VendorRuntime]


@dataclass(frozen=True, kw_only=True)
class Endpoint:
    """A host the vendor's client talks to, overridable per entry (proxy, simulator)."""

    key: str
    """The ``entry.data`` key and the form field (translated per step like any field)."""
    default: str
    """The real service's URL; not stored, so an entry follows the vendor if it moves."""


@dataclass(frozen=True, kw_only=True)
class VendorSpec[RuntimeT: VendorRuntime]:
    """One vendor: what the config-flow menu offers and what setting up an entry does."""

    key: str
    """Stored in ``entry.data[CONF_VENDOR]``; also the menu option and its config-flow step id."""
    name: str
    platforms: tuple[Platform, ...]
    endpoints: tuple[Endpoint, ...]
    """The hosts the flow's Advanced section offers (a vendor may put one in its main form)."""
    async_create_runtime: Callable[
        [HomeAssistant, ConfigEntry[RuntimeT], DeviceLifecycle], Awaitable[RuntimeT]
    ]
    """Builds client and coordinators and runs the refreshes that gate setup."""
    platform_setups: Mapping[
        Platform,
        Callable[
            [HomeAssistant, ConfigEntry[RuntimeT], AddConfigEntryEntitiesCallback],
            Awaitable[None],
        ],
    ]
    reauth_step: str
    reconfigure_step: str
    async_get_diagnostics: Callable[[HomeAssistant, ConfigEntry[RuntimeT]], Awaitable[Any]]
    async_get_device_diagnostics: Callable[
        [HomeAssistant, ConfigEntry[RuntimeT], DeviceEntry], Awaitable[Any]
    ]
    redact_keys: frozenset[str]
    """entry.data and runtime keys that never leave Home Assistant (diagnostics, logs)."""
    async_setup_services: Callable[[HomeAssistant], None] | None = None
    """Registers the vendor's service actions once, from ``async_setup``."""
    async_remove_entry: Callable[[HomeAssistant, ConfigEntry[RuntimeT]], Awaitable[None]] | None = (
        None
    )
    """Cleans up what the vendor kept for a deleted entry (e.g. stored sessions)."""
    options_flow: Callable[[], OptionsFlow] | None = None
    """The vendor's options flow, if its entries have options."""

    def endpoint_url(self, data: Mapping[str, Any], key: str) -> str:
        """The URL of one named endpoint for an entry: its override, else the default."""
        for endpoint in self.endpoints:
            if endpoint.key == key:
                return str(data.get(key) or endpoint.default)
        raise KeyError(key)


async def async_setup_vendor_platform(
    platform: Platform,
    hass: HomeAssistant,
    entry: HomeEnergyCloudConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Hand a platform's setup to the entry's vendor (platforms only load where it has one)."""
    await entry.runtime_data.vendor.platform_setups[platform](hass, entry, async_add_entities)
