"""What every vendor's config-flow steps share: the vendor menu, routing, the base-URL field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig, TextSelectorType

from .const import CONF_ADVANCED, CONF_BASE_URL, CONF_VENDOR
from .schema import vol
from .vendor_spec import VendorSpec
from .vendors import VENDORS, get_vendor


def normalize_base_url(value: str) -> str | None:
    """A usable http(s) base URL without a trailing slash, or None if it is not one."""
    value = value.strip()
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.query or parts.fragment or parts.username or parts.password:
        return None
    return value.rstrip("/")


class HomeEnergyCloudFlowBase(ConfigFlow):
    """Base of the integration's config flow; each vendor adds its steps in a subclass."""

    VERSION = 1
    MINOR_VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """First step: pick the vendor (labels from config.step.user.menu_options)."""
        return self.async_show_menu(step_id="user", menu_options=list(VENDORS))

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Route reauthentication to the vendor's credential step."""
        vendor = get_vendor(entry_data.get(CONF_VENDOR))
        if vendor is None:
            return self.async_abort(reason="unknown_vendor")
        step = getattr(self, f"async_step_{vendor.reauth_step}")
        result: ConfigFlowResult = await step()
        return result

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Route reconfiguration to the vendor's credential step."""
        vendor = get_vendor(self._get_reconfigure_entry().data.get(CONF_VENDOR))
        if vendor is None:
            return self.async_abort(reason="unknown_vendor")
        step = getattr(self, f"async_step_{vendor.reconfigure_step}")
        result: ConfigFlowResult = await step()
        return result

    def base_url_schema(self, vendor: VendorSpec, current: str | None) -> dict[Any, Any]:
        """A collapsed "Advanced" section with the base-URL field.

        A section rather than advanced mode: Home Assistant deprecated advanced mode in flows
        (2026, breaking in 2027.6), and a collapsed section works the same on every version.
        """
        fields = vol.Schema(
            {
                vol.Required(
                    CONF_BASE_URL, default=current or vendor.default_base_url
                ): TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
            }
        )
        # Required and without a default of its own: the frontend then fills the section from
        # its fields' defaults (a section default would be shown as is, leaving them empty).
        return {vol.Required(CONF_ADVANCED): section(fields, {"collapsed": True})}

    @staticmethod
    def entered_base_url(user_input: Mapping[str, Any] | None, current: str | None) -> str | None:
        """The base URL in the form's input, or ``current`` when the section was left out."""
        advanced: Mapping[str, Any] = (user_input or {}).get(CONF_ADVANCED, {})
        entered = advanced.get(CONF_BASE_URL)
        return str(entered) if entered is not None else current

    @staticmethod
    def base_url_data(vendor: VendorSpec, raw: str | None) -> dict[str, str] | None:
        """``{CONF_BASE_URL: url}`` for entry.data ({} for the default), None if invalid.

        The default is not stored, so an entry follows the vendor if its real URL changes.
        """
        if raw is None:
            return {}
        url = normalize_base_url(str(raw))
        if url is None:
            return None
        return {} if url == vendor.default_base_url else {CONF_BASE_URL: url}
