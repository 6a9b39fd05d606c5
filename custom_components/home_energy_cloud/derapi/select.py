"""The battery-mode select of a site: written through site battery control, then read back."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..api.derapi import BATTERY_MODES, DerapiSite, DerapiVendorAuthError
from ..api.exceptions import ApiError
from ..const import DOMAIN
from ..errors import action_error
from .const import vendor_name
from .entity import DerapiSiteEntity, add_entities_as_devices_appear
from .runtime import DerapiConfigEntry

OPTIONS = [mode.lower().replace(" ", "_") for mode in BATTERY_MODES]
MODE_OF_OPTION = dict(zip(OPTIONS, BATTERY_MODES, strict=True))

BATTERY_MODE = SelectEntityDescription(
    key="battery_mode_select", translation_key="battery_mode", options=OPTIONS
)


async def async_setup_selects(
    hass: HomeAssistant,
    entry: DerapiConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """A battery-mode select on every site with a battery system."""
    details = entry.runtime_data.details

    def site(item: DerapiSite) -> list[Entity]:
        if item.bess is None:
            return []
        return [DerapiBatteryModeSelect(details, BATTERY_MODE, item, fresh=True)]

    add_entities_as_devices_appear(hass, entry, async_add_entities, site=site)


class DerapiBatteryModeSelect(DerapiSiteEntity, SelectEntity):
    """The site's battery mode; a change shows only once the site reports it."""

    @property
    def current_option(self) -> str | None:
        """The mode the site reports (unknown for a mode this version does not know)."""
        site = self.site
        mode = site.bess.mode if site and site.bess else None
        return mode.lower().replace(" ", "_") if mode in BATTERY_MODES else None

    def _battery_vendors(self) -> str:
        """Who runs the site's batteries (a site's batteries may be another vendor's)."""
        data = self.coordinator.data
        vendors = {b.vendor for b in data.batteries.values() if b.site_id == self.derapi_id}
        if not vendors and (site := self.site) is not None:
            vendors = {site.vendor}
        return ", ".join(sorted(vendor_name(vendor) for vendor in vendors))

    async def async_select_option(self, option: str) -> None:
        """Send the mode, read the site back, and fail unless it now reports that mode."""
        mode = MODE_OF_OPTION[option]
        try:
            reported = await self.coordinator.async_set_battery_mode(self.derapi_id, mode)
        except DerapiVendorAuthError as err:
            # The vendor refused its credential: a repair matter, not the Derapi account's.
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="derapi_vendor_refused",
                translation_placeholders={
                    "vendor": self._battery_vendors(),
                    "error": str(err),
                },
            ) from err
        except ApiError as err:
            raise action_error(self.hass, self.coordinator.config_entry, err) from err
        if reported != mode:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="derapi_mode_not_applied",
                translation_placeholders={
                    "mode": mode,
                    "reported": reported or "unknown",
                },
            )
