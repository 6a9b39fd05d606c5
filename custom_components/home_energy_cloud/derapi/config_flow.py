"""Derapi config-flow steps: the account, then how vendors are authorised; options and reauth."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigFlowResult,
    OptionsFlow,
)
from homeassistant.helpers.selector import (
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ..config_flow_base import HomeEnergyCloudFlowBase
from ..const import CONF_ADVANCED, CONF_VENDOR, LOGGER
from ..schema import vol
from . import DERAPI, create_client
from .client import ENDPOINTS
from .const import (
    AUTHORIZATION_HEADERS,
    AUTHORIZATION_STORED,
    CONF_AUTHORIZATION,
    CONF_CHANGE,
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_DETAILS_INTERVAL,
    CONF_ENVIRONMENT,
    CONF_VENDOR_CREDENTIALS,
    CONF_VENDORS,
    DEFAULT_DETAILS_MINUTES,
    ENVIRONMENT_PRODUCTION,
    ENVIRONMENT_SANDBOX,
    MAX_DETAILS_MINUTES,
    MIN_DETAILS_MINUTES,
    VENDOR_KEY,
)
from .credential_steps import CREDENTIAL_KINDS, VendorCredentialSteps, error_key, retry_values

STEP_ACCOUNT = VENDOR_KEY
STEP_AUTHORIZATION = "derapi_authorization"
STEP_REAUTH = "derapi_reauth"
ENDPOINT_KEYS = frozenset(endpoint.key for endpoint in ENDPOINTS)


def _vendor_selector(translation_key: str) -> SelectSelector:
    return SelectSelector(
        SelectSelectorConfig(
            options=list(CREDENTIAL_KINDS),
            multiple=True,
            mode=SelectSelectorMode.LIST,
            translation_key=translation_key,
        )
    )


async def _async_check_account(flow: HomeEnergyCloudFlowBase, data: dict[str, Any]) -> str | None:
    """Mint a token and list the sites; an error key when that fails."""
    client = create_client(flow.hass, data, vendor_credentials=[])
    try:
        await client.async_list_sites()
    except Exception as err:
        key = error_key(err)
        if key == "unknown":
            LOGGER.exception("Unexpected error checking the Derapi account")
        return key
    return None


class DerapiConfigFlow(HomeEnergyCloudFlowBase, VendorCredentialSteps):
    """Client id and secret, environment and hosts; then stored or per-vendor credentials."""

    _authorization: str

    async def async_step_derapi(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """The Derapi API client (id, secret), production or sandbox, and every host."""
        errors: dict[str, str] = {}
        stored: dict[str, Any] = {}
        if self.source == SOURCE_RECONFIGURE:
            stored = dict(self._get_reconfigure_entry().data)
        entered = self.entered_endpoints(DERAPI, user_input, stored)
        endpoint_data, invalid = self.endpoint_data(DERAPI, entered)
        if user_input is not None:
            if invalid:
                errors[CONF_ADVANCED] = "invalid_base_url"
            else:
                client_id = str(user_input[CONF_CLIENT_ID]).strip()
                await self.async_set_unique_id(client_id)
                if self.source == SOURCE_RECONFIGURE:
                    self._abort_if_unique_id_mismatch(reason="wrong_account")
                else:
                    self._abort_if_unique_id_configured()
                account = {
                    CONF_VENDOR: VENDOR_KEY,
                    CONF_CLIENT_ID: client_id,
                    CONF_CLIENT_SECRET: str(user_input[CONF_CLIENT_SECRET]).strip(),
                    CONF_ENVIRONMENT: user_input.get(CONF_ENVIRONMENT, ENVIRONMENT_PRODUCTION),
                    **endpoint_data,
                }
                if (error := await _async_check_account(self, account)) is None:
                    if self.source == SOURCE_RECONFIGURE:
                        kept = {k: v for k, v in stored.items() if k not in ENDPOINT_KEYS}
                        return self.async_update_reload_and_abort(
                            self._get_reconfigure_entry(), data={**kept, **account}
                        )
                    self._account = account
                    return await self.async_step_derapi_authorization()
                errors["base"] = error
        defaults = user_input or stored
        schema = vol.Schema(
            {
                vol.Required(
                    CONF_CLIENT_ID, default=defaults.get(CONF_CLIENT_ID, "")
                ): TextSelector(),
                vol.Required(CONF_CLIENT_SECRET): TextSelector(
                    TextSelectorConfig(type=TextSelectorType.PASSWORD)
                ),
                vol.Required(
                    CONF_ENVIRONMENT,
                    default=defaults.get(CONF_ENVIRONMENT, ENVIRONMENT_PRODUCTION),
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=[ENVIRONMENT_PRODUCTION, ENVIRONMENT_SANDBOX],
                        translation_key=CONF_ENVIRONMENT,
                    )
                ),
                **self.endpoints_section(DERAPI, entered, invalid=invalid),
            }
        )
        if user_input is not None:
            # Nothing typed is lost on a retry, except a client secret Derapi refused.
            typed = retry_values(user_input, errors.get("base", ""))
            if CONF_CLIENT_SECRET in typed:
                schema = self.add_suggested_values_to_schema(
                    schema, {CONF_CLIENT_SECRET: typed[CONF_CLIENT_SECRET]}
                )
        return self.async_show_form(step_id=STEP_ACCOUNT, data_schema=schema, errors=errors)

    async def async_step_derapi_authorization(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Vendor credentials stored at Derapi, or entered here for the chosen vendors."""
        errors: dict[str, str] = {}
        if user_input is not None:
            self._authorization = user_input[CONF_AUTHORIZATION]
            vendors = list(user_input.get(CONF_VENDORS) or [])
            if self._authorization == AUTHORIZATION_STORED:
                return self._create_entry({})
            if not vendors:
                errors[CONF_VENDORS] = "no_vendors"
            else:
                self._start_vendors(vendors, {})
                return await self._async_next_vendor()
        return self._show_authorization_form(errors)

    def _show_authorization_form(self, errors: dict[str, str]) -> ConfigFlowResult:
        schema = vol.Schema(
            {
                vol.Required(CONF_AUTHORIZATION, default=AUTHORIZATION_STORED): SelectSelector(
                    SelectSelectorConfig(
                        options=[AUTHORIZATION_STORED, AUTHORIZATION_HEADERS],
                        mode=SelectSelectorMode.LIST,
                        translation_key=CONF_AUTHORIZATION,
                    )
                ),
                vol.Optional(CONF_VENDORS, default=[]): _vendor_selector(CONF_VENDORS),
            }
        )
        return self.async_show_form(step_id=STEP_AUTHORIZATION, data_schema=schema, errors=errors)

    async def _async_vendors_done(self) -> ConfigFlowResult:
        if not self._gathered:
            # Every vendor was skipped: an entry sending none would mean "stored at Derapi".
            return self._show_authorization_form({"base": "no_vendor_saved"})
        return self._create_entry(self._gathered)

    def _create_entry(self, credentials: dict[str, dict[str, Any]]) -> ConfigFlowResult:
        data = {**self._account, CONF_VENDOR_CREDENTIALS: credentials}
        return self.async_create_entry(title=f"Derapi ({self._account[CONF_CLIENT_ID]})", data=data)

    async def async_step_derapi_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Derapi refused the client secret: ask for the current one."""
        entry = self._get_reauth_entry()
        placeholders = {"client_id": entry.data[CONF_CLIENT_ID]}
        errors: dict[str, str] = {}
        if user_input is not None:
            secret = str(user_input[CONF_CLIENT_SECRET]).strip()
            data = {**entry.data, CONF_CLIENT_SECRET: secret}
            if (error := await _async_check_account(self, data)) is None:
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_CLIENT_SECRET: secret}
                )
            errors["base"] = error
        schema = vol.Schema(
            {
                vol.Required(CONF_CLIENT_SECRET): TextSelector(
                    TextSelectorConfig(type=TextSelectorType.PASSWORD)
                )
            }
        )
        return self.async_show_form(
            step_id=STEP_REAUTH,
            data_schema=schema,
            errors=errors,
            description_placeholders=placeholders,
        )


class DerapiOptionsFlow(OptionsFlow, VendorCredentialSteps):
    """Add, change or remove vendor credentials; how often devices are read."""

    _interval: int

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Which vendors to send credentials for, which to re-enter, and the polling pace."""
        entry = self.config_entry
        current: dict[str, dict[str, Any]] = dict(entry.data.get(CONF_VENDOR_CREDENTIALS) or {})
        if user_input is not None:
            chosen = list(user_input.get(CONF_VENDORS) or [])
            change = set(user_input.get(CONF_CHANGE) or [])
            self._interval = int(user_input[CONF_DETAILS_INTERVAL])
            self._account = dict(entry.data)
            kept = {kind: creds for kind, creds in current.items() if kind in chosen}
            to_enter = [kind for kind in chosen if kind not in current or kind in change]
            self._start_vendors(to_enter, kept)
            return await self._async_next_vendor()
        schema = vol.Schema(
            {
                vol.Optional(CONF_VENDORS, default=sorted(current)): _vendor_selector(CONF_VENDORS),
                vol.Optional(CONF_CHANGE, default=[]): _vendor_selector(CONF_VENDORS),
                vol.Required(
                    CONF_DETAILS_INTERVAL,
                    default=entry.options.get(CONF_DETAILS_INTERVAL, DEFAULT_DETAILS_MINUTES),
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_DETAILS_MINUTES,
                        max=MAX_DETAILS_MINUTES,
                        step=1,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement="min",
                    )
                ),
            }
        )
        return self.async_show_form(step_id="init", data_schema=schema)

    async def _async_vendors_done(self) -> ConfigFlowResult:
        entry = self.config_entry
        self.hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_VENDOR_CREDENTIALS: self._gathered}
        )
        # New credentials take effect with a new client: reload once the options are saved.
        self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_create_entry(data={CONF_DETAILS_INTERVAL: self._interval})
