"""SEW config-flow steps: utility, (custom URL and flavor), sign-in, code, account and meters.

Reauth asks for the password again; reconfigure changes the sign-in and the URL of the same
account. The unique id is the utility and the account number.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_RECONFIGURE, ConfigFlowResult
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
)

from ..api.exceptions import ApiError, ApiProtocolError
from ..api.sew import (
    OTHER_UTILITY_ID,
    Flavor,
    SewAccount,
    SewAuthError,
    SewClient,
    SewCodeRequired,
    SewConnectionError,
    SewEncryptionMismatchError,
    SewInvalidCodeError,
    SewMaintenanceError,
    SewMeter,
    get_utility,
    load_utilities,
    search_utilities,
)
from ..config_flow_base import HomeEnergyCloudFlowBase, account_fields, password_field
from ..const import CONF_ADVANCED, CONF_BASE_URL, CONF_VENDOR, LOGGER
from ..schema import vol
from . import SEW, create_client, utility_of
from .const import (
    CONF_ACCOUNT,
    CONF_CODE,
    CONF_ENCRYPTED,
    CONF_FLAVOR,
    CONF_METERS,
    CONF_TRUSTED_DEVICE_ID,
    CONF_UTILITY,
    VENDOR_KEY,
)

STEP_UTILITY = VENDOR_KEY
STEP_CUSTOM = "sew_custom"
STEP_CREDENTIALS = "sew_credentials"
STEP_CODE = "sew_code"
STEP_ACCOUNT = "sew_account"
STEP_METERS = "sew_meters"
STEP_REAUTH = "sew_reauth"


def _error_key(err: ApiError, encrypted: bool) -> str:
    """The translated error of a failed sign-in or read."""
    if isinstance(err, SewInvalidCodeError):
        return "sew_invalid_code"
    if isinstance(err, SewAuthError):
        return "sew_invalid_auth"
    if isinstance(err, SewEncryptionMismatchError):
        # The reply did not open with this setting: the other one is the likely fix.
        return "sew_encryption_try_off" if encrypted else "sew_encryption_try_on"
    if isinstance(err, SewMaintenanceError):
        return "sew_maintenance"
    if isinstance(err, SewConnectionError):
        return "cannot_connect"
    if isinstance(err, ApiProtocolError):
        return "bad_reply"
    return "cloud_error"


def _masked(account_number: str) -> str:
    """An account as shown in titles and forms: its last four digits."""
    return f"•••{account_number[-4:]}"


def _utility_options() -> list[SelectOptionDict]:
    return [
        SelectOptionDict(value=utility.id, label=utility.name) for utility in search_utilities("")
    ]


class SewConfigFlow(HomeEnergyCloudFlowBase):
    """The SEW steps; the password and the trusted-device id are stored, never a code."""

    _sew_data: dict[str, Any]
    _sew_client: SewClient
    _sew_accounts: list[SewAccount]
    _sew_account: SewAccount
    _sew_meters: list[SewMeter]
    _sew_destination: str

    # ------------------------------------------------------------------ utility

    async def async_step_sew(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Pick the utility: from the list, typed (searched by name), or "Other SEW utility"."""
        errors: dict[str, str] = {}
        if user_input is not None:
            typed = str(user_input[CONF_UTILITY]).strip()
            known = {utility.id for utility in load_utilities()}
            matches = [u for u in search_utilities(typed) if not u.is_custom]
            chosen = typed if typed in known else matches[0].id if len(matches) == 1 else None
            if chosen is None:
                errors[CONF_UTILITY] = "sew_utility_not_found"
            elif chosen == OTHER_UTILITY_ID:
                return await self.async_step_sew_custom()
            else:
                self._sew_data = {CONF_UTILITY: chosen}
                return await self.async_step_sew_credentials()
        schema = vol.Schema(
            {
                # An empty default: without one the frontend pre-fills a required select with
                # its first option, which a combo box shows as the raw id until a choice.
                vol.Required(CONF_UTILITY, default=""): SelectSelector(
                    SelectSelectorConfig(
                        options=_utility_options(),
                        mode=SelectSelectorMode.DROPDOWN,
                        # A combo box: typing filters the list; a typed name is searched.
                        custom_value=True,
                    )
                )
            }
        )
        return self.async_show_form(step_id=STEP_UTILITY, data_schema=schema, errors=errors)

    async def async_step_sew_custom(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The "Other SEW utility" form: base URL (the main field), flavor and encryption.

        Reconfigure comes here first for such an entry, filled in from it.
        """
        errors: dict[str, str] = {}
        stored = getattr(self, "_sew_data", {})
        if stored.get(CONF_UTILITY) != OTHER_UTILITY_ID:
            stored = {}
        url_field, url = self.main_endpoint(CONF_BASE_URL, user_input, stored, errors)
        if user_input is not None and url is not None:
            self._sew_data = {
                # A reconfigure keeps its sign-in; only where to reach the utility changes.
                **{k: stored[k] for k in (CONF_USERNAME, CONF_TRUSTED_DEVICE_ID) if k in stored},
                CONF_UTILITY: OTHER_UTILITY_ID,
                CONF_BASE_URL: url,
                CONF_FLAVOR: user_input[CONF_FLAVOR],
                CONF_ENCRYPTED: bool(user_input.get(CONF_ENCRYPTED, True)),
            }
            return await self.async_step_sew_credentials()
        current = {**stored, **(user_input or {})}
        schema = vol.Schema(
            {
                **url_field,
                vol.Required(CONF_FLAVOR, default=current.get(CONF_FLAVOR, Flavor.PORTAL)): (
                    SelectSelector(
                        SelectSelectorConfig(
                            options=[Flavor.PORTAL.value, Flavor.API.value],
                            translation_key="sew_flavor",
                            mode=SelectSelectorMode.LIST,
                        )
                    )
                ),
                vol.Required(
                    CONF_ENCRYPTED, default=current.get(CONF_ENCRYPTED, True)
                ): BooleanSelector(),
            }
        )
        return self.async_show_form(step_id=STEP_CUSTOM, data_schema=schema, errors=errors)

    # ------------------------------------------------------------------ sign-in

    def _encrypted(self) -> bool:
        utility = utility_of(self._sew_data)
        return utility.flavor is Flavor.PORTAL and utility.portal.encrypted

    def _advanced_section(self, open_it: bool) -> dict[Any, Any]:
        """For listed utilities: their URL (proxy, simulator) and, on flavor A, encryption."""
        utility = get_utility(self._sew_data[CONF_UTILITY])
        if utility.is_custom:
            return {}
        encryption: dict[Any, Any] = {}
        if utility.flavor is Flavor.PORTAL:
            encryption[vol.Required(CONF_ENCRYPTED, default=self._encrypted())] = BooleanSelector()
        # The utility's own URL is the default shown, not the vendor's reference host.
        current = {CONF_BASE_URL: self._sew_data.get(CONF_BASE_URL) or utility.base_url}
        invalid = (CONF_BASE_URL,) if open_it else ()
        return self.endpoints_section(SEW, current, invalid=invalid, extra=encryption)

    def _apply_advanced(self, user_input: dict[str, Any]) -> bool:
        """Take the Advanced section's values; False when the URL is not one."""
        utility = get_utility(self._sew_data[CONF_UTILITY])
        advanced: dict[str, Any] = user_input.get(CONF_ADVANCED, {})
        endpoints, invalid = self.endpoint_data(SEW, self.entered_endpoints(SEW, user_input, {}))
        if invalid:
            return False
        if CONF_BASE_URL in advanced:
            # Stored only where it differs from the registry's, so the entry follows the
            # utility if its listed URL changes.
            url = SEW.endpoint_url(endpoints, CONF_BASE_URL)
            if url == utility.base_url:
                self._sew_data.pop(CONF_BASE_URL, None)
            else:
                self._sew_data[CONF_BASE_URL] = url
        if CONF_ENCRYPTED in advanced:
            if bool(advanced[CONF_ENCRYPTED]) == utility.portal.encrypted:
                self._sew_data.pop(CONF_ENCRYPTED, None)
            else:
                self._sew_data[CONF_ENCRYPTED] = bool(advanced[CONF_ENCRYPTED])
        return True

    async def async_step_sew_credentials(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Username and password of the utility's web portal or app."""
        errors: dict[str, str] = {}
        if user_input is not None and CONF_USERNAME in user_input:
            if not self._apply_advanced(user_input):
                errors[CONF_ADVANCED] = "invalid_base_url"
            else:
                self._sew_data[CONF_USERNAME] = str(user_input[CONF_USERNAME]).strip()
                self._sew_data[CONF_PASSWORD] = str(user_input[CONF_PASSWORD])
                result = await self._sew_sign_in(errors)
                if result is not None:
                    return result
        username = self._sew_data.get(CONF_USERNAME, "")
        schema = vol.Schema(
            {
                **account_fields(username),
                **self._advanced_section(open_it=bool(errors)),
            }
        )
        return self.async_show_form(
            step_id=STEP_CREDENTIALS,
            data_schema=schema,
            errors=errors,
            description_placeholders={"utility": get_utility(self._sew_data[CONF_UTILITY]).name},
        )

    async def _sew_sign_in(self, errors: dict[str, str]) -> ConfigFlowResult | None:
        """Log in; the next step, or None with ``errors`` filled."""
        self._sew_client = create_client(self.hass, self._sew_data)
        try:
            outcome = await self._sew_client.login()
        except ApiError as err:
            errors["base"] = _error_key(err, self._encrypted())
            return None
        except Exception:
            LOGGER.exception("Unexpected error signing in to the SEW utility")
            errors["base"] = "unknown"
            return None
        if isinstance(outcome, SewCodeRequired):
            self._sew_destination = outcome.destination or ""
            return await self.async_step_sew_code()
        return await self._sew_after_login(errors)

    async def async_step_sew_code(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The code the utility sent (the way Electra's SMS step works)."""
        errors: dict[str, str] = {}
        if user_input is not None and CONF_CODE in user_input:
            code = str(user_input[CONF_CODE]).strip()
            try:
                await self._sew_client.submit_code(code)
            except SewInvalidCodeError:
                errors[CONF_CODE] = "sew_invalid_code"
            except ApiError as err:
                errors["base"] = _error_key(err, self._encrypted())
            except Exception:
                LOGGER.exception("Unexpected error checking the SEW code")
                errors["base"] = "unknown"
            else:
                result = await self._sew_after_login(errors)
                if result is not None:
                    return result
        schema = vol.Schema({vol.Required(CONF_CODE): TextSelector()})
        return self.async_show_form(
            step_id=STEP_CODE,
            data_schema=schema,
            errors=errors,
            description_placeholders={"destination": self._sew_destination or "-"},
        )

    async def _sew_after_login(self, errors: dict[str, str]) -> ConfigFlowResult | None:
        """Signed in: remember the trusted device, then the account."""
        self._sew_data[CONF_TRUSTED_DEVICE_ID] = self._sew_client.trusted_device_id
        try:
            self._sew_accounts = await self._sew_client.get_accounts()
        except ApiError as err:
            errors["base"] = _error_key(err, self._encrypted())
            return None
        if self.source in (SOURCE_REAUTH, SOURCE_RECONFIGURE):
            entry = (
                self._get_reauth_entry()
                if self.source == SOURCE_REAUTH
                else self._get_reconfigure_entry()
            )
            mine = [a for a in self._sew_accounts if a.account_number == entry.data[CONF_ACCOUNT]]
            if not mine:
                return self.async_abort(reason="wrong_account")
            self._sew_account = mine[0]
            return self._sew_finish(entry.data.get(CONF_METERS))
        if not self._sew_accounts:
            errors["base"] = "sew_no_meters"
            return None
        if len(self._sew_accounts) == 1:
            return await self._sew_choose_account(self._sew_accounts[0], errors)
        return await self.async_step_sew_account()

    async def async_step_sew_account(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Which account, when the login has several (each account is its own entry)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            chosen = next(
                a for a in self._sew_accounts if a.account_number == user_input[CONF_ACCOUNT]
            )
            result = await self._sew_choose_account(chosen, errors)
            if result is not None:
                return result
        options = [
            SelectOptionDict(
                value=account.account_number,
                label=f"{account.utility_account_number} {account.address or ''}".strip(),
            )
            for account in self._sew_accounts
        ]
        schema = vol.Schema(
            {
                vol.Required(CONF_ACCOUNT): SelectSelector(
                    SelectSelectorConfig(options=options, mode=SelectSelectorMode.LIST)
                )
            }
        )
        return self.async_show_form(step_id=STEP_ACCOUNT, data_schema=schema, errors=errors)

    async def _sew_choose_account(
        self, account: SewAccount, errors: dict[str, str]
    ) -> ConfigFlowResult | None:
        utility_id = self._sew_data[CONF_UTILITY]
        await self.async_set_unique_id(f"{VENDOR_KEY}:{utility_id}:{account.account_number}")
        self._abort_if_unique_id_configured()
        self._sew_account = account
        try:
            self._sew_meters = await self._sew_client.get_meters(account)
        except ApiError as err:
            errors["base"] = _error_key(err, self._encrypted())
            return None
        if not self._sew_meters:
            errors["base"] = "sew_no_meters"
            return None
        if len(self._sew_meters) == 1:
            return self._sew_finish(None)
        return await self.async_step_sew_meters()

    async def async_step_sew_meters(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Which of the account's meters to add (all by default)."""
        errors: dict[str, str] = {}
        numbers = [meter.meter_number for meter in self._sew_meters]
        if user_input is not None:
            chosen = [n for n in numbers if n in user_input.get(CONF_METERS, [])]
            if chosen:
                return self._sew_finish(None if len(chosen) == len(numbers) else chosen)
            errors[CONF_METERS] = "sew_no_meter_chosen"
        options = [
            SelectOptionDict(
                value=meter.meter_number, label=f"{meter.meter_number} ({meter.service.value})"
            )
            for meter in self._sew_meters
        ]
        schema = vol.Schema(
            {
                vol.Required(CONF_METERS, default=numbers): SelectSelector(
                    SelectSelectorConfig(
                        options=options, multiple=True, mode=SelectSelectorMode.LIST
                    )
                )
            }
        )
        return self.async_show_form(step_id=STEP_METERS, data_schema=schema, errors=errors)

    def _sew_finish(self, meters: list[str] | None) -> ConfigFlowResult:
        account = self._sew_account.account_number
        data: dict[str, Any] = {
            CONF_VENDOR: VENDOR_KEY,
            **self._sew_data,
            CONF_ACCOUNT: account,
        }
        if meters is not None:
            data[CONF_METERS] = meters
        if self.source == SOURCE_REAUTH:
            return self.async_update_reload_and_abort(self._get_reauth_entry(), data=data)
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_reload_and_abort(self._get_reconfigure_entry(), data=data)
        utility = get_utility(self._sew_data[CONF_UTILITY])
        return self.async_create_entry(title=f"{utility.name} ({_masked(account)})", data=data)

    # ------------------------------------------------------------------ reauth / reconfigure

    def _sew_entry_data(self, data: dict[str, Any]) -> None:
        self._sew_data = {
            key: data[key]
            for key in (CONF_UTILITY, CONF_BASE_URL, CONF_FLAVOR, CONF_ENCRYPTED, CONF_USERNAME)
            if key in data
        }
        if CONF_TRUSTED_DEVICE_ID in data:
            self._sew_data[CONF_TRUSTED_DEVICE_ID] = data[CONF_TRUSTED_DEVICE_ID]

    async def async_step_sew_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The password again (the utility refused the stored one or asks for a code)."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            self._sew_entry_data(dict(entry.data))
            self._sew_data[CONF_PASSWORD] = str(user_input[CONF_PASSWORD])
            result = await self._sew_sign_in(errors)
            if result is not None:
                return result
        schema = vol.Schema(password_field())
        return self.async_show_form(
            step_id=STEP_REAUTH,
            data_schema=schema,
            errors=errors,
            description_placeholders={"username": entry.data[CONF_USERNAME]},
        )

    async def async_step_sew_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The sign-in form again, filled in, for the same account.

        An "Other SEW utility" entry gets its URL, flavor and encryption form first.
        """
        self._sew_entry_data(dict(self._get_reconfigure_entry().data))
        if self._sew_data[CONF_UTILITY] == OTHER_UTILITY_ID:
            return await self.async_step_sew_custom()
        return await self.async_step_sew_credentials()
