"""The per-vendor credential forms, shared by the config flow and the options flow.

The user picks vendors; each gets its own form, checked with one call (a site list filtered to
that vendor, after the vendor's own token request where it has one). A vendor that fails is
reported by name and may be skipped, so the others can still be saved.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigFlowContext, ConfigFlowResult
from homeassistant.data_entry_flow import FlowHandler
from homeassistant.helpers.selector import (
    BooleanSelector,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ..api.derapi import (
    DerapiAuthError,
    DerapiConnectionError,
    DerapiError,
    DerapiProtocolError,
    DerapiVendorAuthError,
    DerapiVendorError,
    VendorCredentials,
)
from ..api.derapi.vendor_auth import CREDENTIAL_TYPES
from ..const import LOGGER
from ..schema import vol
from .client import create_client, is_sandbox
from .const import CONF_SKIP, VENDOR_KEY, vendor_name

# The form fields of each credential kind, in the order shown; secrets are masked.
CREDENTIAL_FIELDS: Mapping[str, tuple[str, ...]] = {
    "sma": ("client_id", "client_secret"),
    "solis": ("key_id", "key_secret"),
    "solaredge": ("api_key",),
    "enphase": ("client_id", "client_secret", "api_key", "refresh_token"),
    "tesla": ("client_id", "refresh_token"),
}
SECRET_FIELDS = frozenset({"client_secret", "key_secret", "api_key", "refresh_token"})
# Errors that mean the credentials themselves were refused. Their secrets are not shown again,
# as core flows leave a refused password empty: it is the likely mistake, and a secret the
# cloud refused need not travel back to the browser. Ids, and secrets after any other error
# (the cloud was not reached, a field was missing), come back as typed.
REFUSED_ERRORS = frozenset({"vendor_unauthorized", "invalid_client"})
CREDENTIAL_KINDS: tuple[str, ...] = tuple(CREDENTIAL_FIELDS)


def vendor_step_id(kind: str) -> str:
    """The step id of one credential kind's form."""
    return f"{VENDOR_KEY}_{kind}"


def retry_values(user_input: Mapping[str, Any], error: str) -> dict[str, Any]:
    """What a form shows again after `error`: everything typed, less refused secrets."""
    refused = error in REFUSED_ERRORS
    return {
        name: value
        for name, value in user_input.items()
        if name != CONF_SKIP and not (refused and name in SECRET_FIELDS)
    }


def error_key(err: Exception) -> str:
    """The translated form error for a failed check."""
    if isinstance(err, DerapiVendorAuthError):
        return "vendor_unauthorized"
    if isinstance(err, DerapiAuthError):
        return "invalid_client"
    if isinstance(err, DerapiVendorError):
        return "vendor_unavailable"
    if isinstance(err, DerapiConnectionError):
        return "cannot_connect"
    if isinstance(err, DerapiProtocolError):
        return "bad_reply"
    if isinstance(err, DerapiError):
        return "cloud_error"
    return "unknown"


class VendorCredentialSteps(FlowHandler[ConfigFlowContext, ConfigFlowResult, str]):
    """Walks the chosen vendors' forms; subclasses say what happens with the result."""

    _account: dict[str, Any]
    """The Derapi account (entry data so far): the credential checks use its hosts."""
    _queue: list[str]
    _gathered: dict[str, dict[str, Any]]
    """Credential kind -> `to_dict()` of the credentials to save."""
    _skipped: list[str]

    def _start_vendors(self, kinds: list[str], gathered: dict[str, dict[str, Any]]) -> None:
        self._queue = [kind for kind in CREDENTIAL_KINDS if kind in kinds]
        self._gathered = dict(gathered)
        self._skipped = []

    async def _async_next_vendor(self) -> ConfigFlowResult:
        if self._queue:
            return self._show_vendor_form(self._queue[0], {})
        return await self._async_vendors_done()

    @abstractmethod
    async def _async_vendors_done(self) -> ConfigFlowResult:
        """Every chosen vendor was entered or skipped."""

    def _build(self, kind: str, user_input: Mapping[str, Any]) -> VendorCredentials:
        values: dict[str, Any] = {
            name: str(user_input[name]).strip() for name in CREDENTIAL_FIELDS[kind]
        }
        if kind == "sma":
            values["sandbox"] = is_sandbox(self._account)
        return CREDENTIAL_TYPES[kind](**values)

    async def _async_vendor_step(
        self, kind: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        if user_input is None:
            return self._show_vendor_form(kind, {})
        if user_input.get(CONF_SKIP):
            self._queue.remove(kind)
            self._skipped.append(kind)
            return await self._async_next_vendor()
        if any(not str(user_input.get(name) or "").strip() for name in CREDENTIAL_FIELDS[kind]):
            return self._show_vendor_form(
                kind,
                {"base": "missing_fields"},
                retry=True,
                typed=retry_values(user_input, "missing_fields"),
            )
        credentials = self._build(kind, user_input)
        client = create_client(self.hass, self._account, vendor_credentials=[credentials])
        try:
            await client.async_check_vendor(credentials.vendor)
        except Exception as err:
            if not isinstance(err, DerapiError):
                LOGGER.exception("Unexpected error checking the %s credentials", kind)
            error = error_key(err)
            return self._show_vendor_form(
                kind, {"base": error}, retry=True, typed=retry_values(user_input, error)
            )
        # The check may have rotated a refresh token: keep the one that still works.
        self._gathered[kind] = client.vendor_credentials[credentials.vendor].to_dict()
        self._queue.remove(kind)
        return await self._async_next_vendor()

    def _show_vendor_form(
        self,
        kind: str,
        errors: dict[str, str],
        *,
        retry: bool = False,
        typed: Mapping[str, Any] | None = None,
    ) -> ConfigFlowResult:
        # After a failure every field is optional, so "skip this vendor" can be submitted alone.
        field = vol.Optional if retry else vol.Required
        fields: dict[Any, Any] = {}
        for name in CREDENTIAL_FIELDS[kind]:
            kind_of_text = (
                TextSelectorType.PASSWORD if name in SECRET_FIELDS else TextSelectorType.TEXT
            )
            fields[field(name)] = TextSelector(TextSelectorConfig(type=kind_of_text))
        if retry:
            fields[vol.Optional(CONF_SKIP, default=False)] = BooleanSelector()
        return self.async_show_form(
            step_id=vendor_step_id(kind),
            data_schema=self.add_suggested_values_to_schema(vol.Schema(fields), typed),
            errors=errors,
            description_placeholders={"vendor": vendor_name(kind)},
        )

    async def async_step_derapi_sma(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """SMA: the API client's id and secret."""
        return await self._async_vendor_step("sma", user_input)

    async def async_step_derapi_solis(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Solis: the SolisCloud API key id and secret."""
        return await self._async_vendor_step("solis", user_input)

    async def async_step_derapi_solaredge(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """SolarEdge: the monitoring API key."""
        return await self._async_vendor_step("solaredge", user_input)

    async def async_step_derapi_enphase(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Enphase: the app's client id, secret and API key, and the owner's refresh token."""
        return await self._async_vendor_step("enphase", user_input)

    async def async_step_derapi_tesla(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Tesla: the app's client id and the owner's refresh token."""
        return await self._async_vendor_step("tesla", user_input)
