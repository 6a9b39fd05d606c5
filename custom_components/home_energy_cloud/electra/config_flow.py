"""Electra Smart config-flow steps: phone, SMS code; reauth and reconfigure reuse them."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_REAUTH, SOURCE_RECONFIGURE, ConfigFlowResult
from homeassistant.helpers.selector import (
    BooleanSelector,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)

from ..api.electra import (
    ElectraClient,
    ElectraInvalidCodeError,
    ElectraInvalidPhoneError,
    generate_imei,
    normalize_phone,
)
from ..api.exceptions import ApiConnectionError, ApiError, ApiProtocolError
from ..config_flow_base import HomeEnergyCloudFlowBase
from ..const import CONF_ADVANCED, CONF_VENDOR, LOGGER
from ..schema import vol
from . import ELECTRA, create_client
from .const import CONF_CODE, CONF_IMEI, CONF_PHONE, CONF_RESEND, CONF_TOKEN, VENDOR_KEY
from .sessions import ElectraSessions

STEP_PHONE = VENDOR_KEY
STEP_OTP = "electra_otp"
STEP_OTP_RESENT = "electra_otp_resent"


def _error_key(err: ApiError) -> str:
    if isinstance(err, ApiConnectionError):
        return "cannot_connect"
    if isinstance(err, ApiProtocolError):
        return "bad_reply"
    return "cloud_error"


def _masked(phone: str) -> str:
    """The phone as shown in titles and forms: enough to recognise it, not to read it out."""
    return f"{phone[:3]}-•••-{phone[-4:]}"


class ElectraConfigFlow(HomeEnergyCloudFlowBase):
    """Phone number, then the SMS code; the token and IMEI are stored, never the code."""

    _phone: str
    _base_url_data: dict[str, str]
    _client: ElectraClient

    async def async_step_electra(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the phone number registered in the app (and, optionally, the base URL)."""
        errors: dict[str, str] = {}
        stored: dict[str, Any] = {}
        if self.source == SOURCE_RECONFIGURE:
            stored = dict(self._get_reconfigure_entry().data)
        entered = self.entered_endpoints(ELECTRA, user_input, stored)
        endpoint_data, invalid = self.endpoint_data(ELECTRA, entered)
        if user_input is not None:
            try:
                phone = normalize_phone(user_input[CONF_PHONE])
            except ValueError:
                errors[CONF_PHONE] = "invalid_phone"
            if invalid:
                # Shown beside the (then open) Advanced section that holds the field.
                errors[CONF_ADVANCED] = "invalid_base_url"
            if not errors:
                await self.async_set_unique_id(f"{VENDOR_KEY}:{phone}")
                if self.source == SOURCE_RECONFIGURE:
                    self._abort_if_unique_id_mismatch(reason="wrong_account")
                else:
                    self._abort_if_unique_id_configured()
                self._phone = phone
                self._base_url_data = endpoint_data
                if (error := await self._send_code()) is None:
                    return await self.async_step_electra_otp()
                errors["base"] = error
        phone_default = (user_input or stored).get(CONF_PHONE, "")
        schema = vol.Schema(
            {
                vol.Required(CONF_PHONE, default=phone_default): TextSelector(
                    TextSelectorConfig(type=TextSelectorType.TEL)
                ),
                **self.endpoints_section(ELECTRA, entered, invalid=invalid),
            }
        )
        return self.async_show_form(step_id=STEP_PHONE, data_schema=schema, errors=errors)

    async def _send_code(self) -> str | None:
        """Send a code with a fresh IMEI (the token gets bound to it); an error key on failure."""
        self._client = create_client(self.hass, {CONF_IMEI: generate_imei(), **self._base_url_data})
        try:
            await self._client.send_otp(self._phone)
        except ElectraInvalidPhoneError:
            return "unregistered_phone"
        except ApiError as err:
            return _error_key(err)
        except Exception:
            LOGGER.exception("Unexpected error sending the Electra Smart code")
            return "unknown"
        return None

    async def async_step_electra_otp(
        self, user_input: dict[str, Any] | None = None, *, step_id: str = STEP_OTP
    ) -> ConfigFlowResult:
        """Ask for the 4-digit SMS code, or send a new one."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if user_input.get(CONF_RESEND):
                if (error := await self._send_code()) is None:
                    return self._show_otp_form(STEP_OTP_RESENT, {})
                errors["base"] = error
            else:
                code = str(user_input.get(CONF_CODE, "")).strip()
                if not (len(code) == 4 and code.isdigit()):
                    errors[CONF_CODE] = "invalid_code_format"
                else:
                    try:
                        token = await self._client.check_otp(self._phone, code)
                    except ElectraInvalidCodeError:
                        errors[CONF_CODE] = "invalid_code"
                    except ApiError as err:
                        errors["base"] = _error_key(err)
                    except Exception:
                        LOGGER.exception("Unexpected error checking the Electra Smart code")
                        errors["base"] = "unknown"
                    else:
                        sessions = await ElectraSessions.async_get(self.hass)
                        sessions.hand_over(token, self._client.session_snapshot())
                        return self._finish(token)
        return self._show_otp_form(step_id, errors)

    async def async_step_electra_otp_resent(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The code form again, after a new code was sent."""
        return await self.async_step_electra_otp(user_input, step_id=STEP_OTP_RESENT)

    def _show_otp_form(self, step_id: str, errors: dict[str, str]) -> ConfigFlowResult:
        schema = vol.Schema(
            {
                vol.Optional(CONF_CODE): TextSelector(),
                vol.Optional(CONF_RESEND, default=False): BooleanSelector(),
            }
        )
        return self.async_show_form(
            step_id=step_id,
            data_schema=schema,
            errors=errors,
            description_placeholders={"phone": _masked(self._phone)},
        )

    def _finish(self, token: str) -> ConfigFlowResult:
        credentials = {CONF_IMEI: self._client.imei, CONF_TOKEN: token}
        # The reasons are named although they are Home Assistant's defaults: left out, the
        # abort points the frontend at Home Assistant's generic text, not at ours.
        if self.source == SOURCE_REAUTH:
            return self.async_update_reload_and_abort(
                self._get_reauth_entry(), data_updates=credentials, reason="reauth_successful"
            )
        data = {
            CONF_VENDOR: VENDOR_KEY,
            CONF_PHONE: self._phone,
            **credentials,
            **self._base_url_data,
        }
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_reload_and_abort(
                self._get_reconfigure_entry(), data=data, reason="reconfigure_successful"
            )
        return self.async_create_entry(title=f"Electra Smart ({_masked(self._phone)})", data=data)

    async def async_step_electra_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Tell the user why, then send a code to the account's phone."""
        entry = self._get_reauth_entry()
        self._phone = entry.data[CONF_PHONE]
        if user_input is None:
            return self.async_show_form(
                step_id="electra_reauth",
                description_placeholders={"phone": _masked(self._phone)},
            )
        self._base_url_data = self.endpoint_data(ELECTRA, entry.data)[0]
        if (error := await self._send_code()) is None:
            return await self.async_step_electra_otp()
        return self.async_show_form(
            step_id="electra_reauth",
            errors={"base": error},
            description_placeholders={"phone": _masked(self._phone)},
        )
