"""What every vendor's config-flow steps share: the vendor menu, routing, the base-URL field."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import urlsplit

from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig, TextSelectorType

from .const import CONF_ADVANCED, CONF_VENDOR
from .schema import vol
from .vendor_spec import VendorSpec
from .vendors import VENDORS, get_vendor


def account_fields(username: str, *, email: bool = False) -> dict[Any, Any]:
    """Username and password fields that a browser's password manager fills in.

    The password is never prefilled, so a form shown again after an error asks for it anew.
    """
    return {
        vol.Required(CONF_USERNAME, default=username): TextSelector(
            TextSelectorConfig(
                type=TextSelectorType.EMAIL if email else TextSelectorType.TEXT,
                autocomplete="username",
            )
        ),
        **password_field(),
    }


def password_field() -> dict[Any, Any]:
    """The account's password alone (re-authentication)."""
    return {
        vol.Required(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="current-password")
        )
    }


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
    if any(char.isspace() for char in value):
        return None
    if parts.query or parts.fragment or parts.username or parts.password:
        return None
    return value.rstrip("/")


class HomeEnergyCloudFlowBase(ConfigFlow):
    """Base of the integration's config flow; each vendor adds its steps in a subclass."""

    VERSION = 1
    MINOR_VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry[Any]) -> OptionsFlow:
        """The options flow of the entry's vendor (offered only where it has one)."""
        vendor = get_vendor(config_entry.data.get(CONF_VENDOR))
        # Home Assistant only asks for entries async_supports_options said yes to.
        assert vendor is not None
        assert vendor.options_flow is not None
        return vendor.options_flow()

    @classmethod
    @callback
    def async_supports_options(cls, config_entry: ConfigEntry[Any]) -> bool:
        """Whether the entry's vendor has options."""
        vendor = get_vendor(config_entry.data.get(CONF_VENDOR))
        return vendor is not None and vendor.options_flow is not None

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

    @staticmethod
    def main_endpoint(
        key: str,
        user_input: Mapping[str, Any] | None,
        current: Mapping[str, Any],
        errors: dict[str, str],
        *,
        default_scheme: str | None = None,
        error: str = "invalid_base_url",
    ) -> tuple[dict[Any, Any], str | None]:
        """An endpoint that is the form's main field, not tucked into the Advanced section.

        For a form whose main choice is where to connect (a utility's URL, a device's
        address). Returns the field (filled with what was entered, else ``current``) and the
        entered URL, checked the way the Advanced section's endpoints are; None when nothing
        was entered or it is not a URL (then ``errors`` holds ``error`` under ``key``, beside
        the field). ``default_scheme``: a value without a scheme is also accepted (a host name,
        ``host:port``), checked as ``<default_scheme>://value`` and returned as typed.
        """
        shown = (user_input or {}).get(key, current.get(key, ""))
        kind = TextSelectorType.URL if default_scheme is None else TextSelectorType.TEXT
        field = {vol.Required(key, default=str(shown)): TextSelector(TextSelectorConfig(type=kind))}
        if user_input is None or key not in user_input:
            return field, None
        typed = str(user_input[key]).strip()
        bare = default_scheme is not None and "://" not in typed
        url = normalize_base_url(f"{default_scheme}://{typed}" if bare else typed)
        if url is None:
            errors[key] = error
            return field, None
        return field, typed.rstrip("/") if bare else url

    @staticmethod
    def endpoints_section(
        vendor: VendorSpec[Any],
        current: Mapping[str, Any],
        *,
        keys: Collection[str] | None = None,
        invalid: Collection[str] = (),
        extra: Mapping[Any, Any] | None = None,
    ) -> dict[Any, Any]:
        """An "Advanced" section with the vendor's endpoints (``keys``: only these).

        A section rather than advanced mode: Home Assistant deprecated advanced mode in flows
        (2026, breaking in 2027.6), and a section works the same on every version. It opens
        when one of its fields is ``invalid``, so the field at fault is in sight. ``extra``:
        further fields of the vendor's that belong beside its endpoints.
        """
        fields = vol.Schema(
            {
                **{
                    vol.Required(
                        endpoint.key, default=current.get(endpoint.key) or endpoint.default
                    ): TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
                    for endpoint in vendor.endpoints
                    if keys is None or endpoint.key in keys
                },
                **(extra or {}),
            }
        )
        # Required and without a default of its own: the frontend then fills the section from
        # its fields' defaults (a section default would be shown as is, leaving them empty).
        collapsed = not invalid
        return {vol.Required(CONF_ADVANCED): section(fields, {"collapsed": collapsed})}

    @staticmethod
    def entered_endpoints(
        vendor: VendorSpec[Any], user_input: Mapping[str, Any] | None, current: Mapping[str, Any]
    ) -> dict[str, str]:
        """Every endpoint's URL as entered (in the section or the main form), else ``current``."""
        user_input = user_input or {}
        advanced: Mapping[str, Any] = user_input.get(CONF_ADVANCED, {})
        entered: dict[str, str] = {}
        for endpoint in vendor.endpoints:
            value = advanced.get(endpoint.key, user_input.get(endpoint.key))
            if value is None:
                value = current.get(endpoint.key)
            if value is not None:
                entered[endpoint.key] = str(value)
        return entered

    @staticmethod
    def endpoint_data(
        vendor: VendorSpec[Any], entered: Mapping[str, str]
    ) -> tuple[dict[str, str], set[str]]:
        """``entry.data`` for the endpoints (defaults are not stored) and the invalid keys.

        The default is not stored, so an entry follows the vendor if its real URL changes.
        """
        data: dict[str, str] = {}
        invalid: set[str] = set()
        for endpoint in vendor.endpoints:
            if (raw := entered.get(endpoint.key)) is None:
                continue
            if (url := normalize_base_url(raw)) is None:
                invalid.add(endpoint.key)
            elif url != endpoint.default:
                data[endpoint.key] = url
        return data, invalid
