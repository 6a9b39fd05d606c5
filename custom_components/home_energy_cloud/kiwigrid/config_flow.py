"""Solarwatt / Kiwigrid config-flow steps: the connection, then account or local host.

The flow logs in and reads the site before it creates an entry, so every error is shown
where it can be fixed: wrong credentials, a portal that cannot be reached and a login page
that changed shape are three different messages.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigFlowResult
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)

from ..api.exceptions import ApiConnectionError, ApiError, ApiProtocolError
from ..api.kiwigrid import (
    PORTALS,
    KiwibusClient,
    KiwigridAuthError,
    KiwigridLoginPageChangedError,
    KiwigridSite,
    LocalEnergyManagerClient,
    Portal,
)
from ..config_flow_base import HomeEnergyCloudFlowBase, account_fields, password_field
from ..const import CONF_ADVANCED, CONF_VENDOR, LOGGER
from ..schema import vol
from . import KIWIGRID, create_client, portal_of
from .const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORTAL,
    CONF_USERNAME,
    PORTAL_LOCAL,
    VENDOR_KEY,
    portal_endpoint_keys,
)

STEP_CONNECTION = VENDOR_KEY
STEP_ACCOUNT = "kiwigrid_account"
STEP_LOCAL = "kiwigrid_local"
STEP_REAUTH = "kiwigrid_reauth"
STEP_RECONFIGURE = "kiwigrid_reconfigure"


class KiwigridLoginFailedError(Exception):
    """The check before creating an entry failed; ``key`` is the translated error."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _error_key(err: Exception) -> str:
    if isinstance(err, KiwigridAuthError):
        return "invalid_auth"
    if isinstance(err, KiwigridLoginPageChangedError):
        return "login_page_changed"
    if isinstance(err, ApiConnectionError):
        return "cannot_connect"
    if isinstance(err, ApiProtocolError):
        return "bad_reply"
    if isinstance(err, ApiError):
        return "cloud_error"
    LOGGER.exception("Unexpected error checking the Solarwatt / Kiwigrid connection")
    return "unknown"


def site_unique_id(site: KiwigridSite, user_id: str | None) -> str | None:
    """The Energy Manager's serial (its guid), else the account's user id."""
    if site.energy_manager is not None:
        return f"{VENDOR_KEY}:{site.energy_manager.guid}"
    return f"{VENDOR_KEY}:user:{user_id}" if user_id else None


class KiwigridConfigFlow(HomeEnergyCloudFlowBase):
    """Connection type, then the portal account or the manager's host."""

    _portal: Portal

    async def async_step_kiwigrid(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose a cloud portal or the Energy Manager on the local network."""
        if user_input is not None:
            choice = user_input[CONF_PORTAL]
            if choice == PORTAL_LOCAL:
                return await self.async_step_kiwigrid_local()
            self._portal = PORTALS[choice]
            return await self.async_step_kiwigrid_account()
        options = [*PORTALS, PORTAL_LOCAL]
        schema = vol.Schema(
            {
                vol.Required(CONF_PORTAL, default=options[0]): SelectSelector(
                    SelectSelectorConfig(
                        options=options,
                        translation_key="kiwigrid_portal",
                        mode=SelectSelectorMode.LIST,
                    )
                )
            }
        )
        return self.async_show_form(step_id=STEP_CONNECTION, data_schema=schema)

    async def _kiwigrid_check(self, data: dict[str, Any]) -> str:
        """Log in and read the site; the entry's unique id, or KiwigridLoginFailedError."""
        client = create_client(self.hass, data)
        try:
            if isinstance(client, KiwibusClient):
                await client.connect()
            site = await client.get_site()
        except Exception as err:  # every failure becomes a form error
            key = (
                "local_login_required"
                if (
                    isinstance(client, LocalEnergyManagerClient)
                    and isinstance(err, KiwigridAuthError)
                )
                else _error_key(err)
            )
            raise KiwigridLoginFailedError(key) from err
        finally:
            if isinstance(client, KiwibusClient):
                await client.close()
        user_id = None if isinstance(client, LocalEnergyManagerClient) else client.user_id
        if site.location is None or (unique_id := site_unique_id(site, user_id)) is None:
            raise KiwigridLoginFailedError("no_site")
        return unique_id

    async def _kiwigrid_finish(
        self, data: dict[str, Any], unique_id: str, title: str
    ) -> ConfigFlowResult:
        await self.async_set_unique_id(unique_id)
        if self.source == SOURCE_RECONFIGURE:
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            return self.async_update_reload_and_abort(self._get_reconfigure_entry(), data=data)
        self._abort_if_unique_id_configured()
        return self.async_create_entry(title=title, data=data)

    async def async_step_kiwigrid_account(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Username and password of the portal account (hosts in the Advanced section)."""
        errors: dict[str, str] = {}
        stored: dict[str, Any] = {}
        if self.source == SOURCE_RECONFIGURE:
            stored = dict(self._get_reconfigure_entry().data)
        portal = self._portal
        keys = portal_endpoint_keys(portal)
        entered = self.entered_endpoints(KIWIGRID, user_input, stored)
        endpoint_data, invalid = self.endpoint_data(KIWIGRID, entered)
        endpoint_data = {key: url for key, url in endpoint_data.items() if key in keys}
        invalid &= set(keys)
        if user_input is not None:
            data = {
                CONF_VENDOR: VENDOR_KEY,
                CONF_PORTAL: portal.key,
                CONF_USERNAME: str(user_input[CONF_USERNAME]).strip(),
                CONF_PASSWORD: str(user_input[CONF_PASSWORD]),
                **endpoint_data,
            }
            if invalid:
                errors[CONF_ADVANCED] = "invalid_base_url"
            else:
                try:
                    unique_id = await self._kiwigrid_check(data)
                except KiwigridLoginFailedError as err:
                    errors["base"] = err.key
                else:
                    return await self._kiwigrid_finish(
                        data, unique_id, f"{portal.name} ({data[CONF_USERNAME]})"
                    )
        defaults = user_input or stored
        schema = vol.Schema(
            {
                **account_fields(defaults.get(CONF_USERNAME, ""), email=True),
                **self.endpoints_section(KIWIGRID, entered, keys=keys, invalid=invalid),
            }
        )
        return self.async_show_form(
            step_id=STEP_ACCOUNT,
            data_schema=schema,
            errors=errors,
            description_placeholders={"portal": portal.name},
        )

    async def async_step_kiwigrid_local(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The Energy Manager's address on the local network."""
        errors: dict[str, str] = {}
        stored: dict[str, Any] = {}
        if self.source == SOURCE_RECONFIGURE:
            stored = dict(self._get_reconfigure_entry().data)
        # The manager's address is this form's main field: a host (``192.168.1.20``,
        # ``em.local:8080``) or a full ``http://`` origin.
        host_field, host = self.main_endpoint(
            CONF_HOST, user_input, stored, errors, default_scheme="http", error="invalid_host"
        )
        if host is not None:
            data = {CONF_VENDOR: VENDOR_KEY, CONF_PORTAL: PORTAL_LOCAL, CONF_HOST: host}
            try:
                unique_id = await self._kiwigrid_check(data)
            except KiwigridLoginFailedError as err:
                errors["base"] = err.key
            else:
                return await self._kiwigrid_finish(
                    data, unique_id, f"Solarwatt Energy Manager ({host})"
                )
        return self.async_show_form(
            step_id=STEP_LOCAL, data_schema=vol.Schema(host_field), errors=errors
        )

    async def async_step_kiwigrid_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the account's details or the manager's address (same site only)."""
        portal = portal_of(self._get_reconfigure_entry().data)
        if portal is None:
            return await self.async_step_kiwigrid_local()
        self._portal = portal
        return await self.async_step_kiwigrid_account()

    async def async_step_kiwigrid_reauth(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The portal refused the stored password: ask for the current one."""
        entry = self._get_reauth_entry()
        portal = portal_of(entry.data)
        if portal is None:
            # The manager's firmware asks for a local login, which it does not document.
            return self.async_abort(reason="local_login_required")
        errors: dict[str, str] = {}
        placeholders = {"portal": portal.name, "username": entry.data[CONF_USERNAME]}
        if user_input is not None:
            data = {**entry.data, CONF_PASSWORD: str(user_input[CONF_PASSWORD])}
            try:
                unique_id = await self._kiwigrid_check(data)
            except KiwigridLoginFailedError as err:
                errors["base"] = err.key
            else:
                await self.async_set_unique_id(unique_id)
                self._abort_if_unique_id_mismatch(reason="wrong_account")
                return self.async_update_reload_and_abort(
                    entry, data_updates={CONF_PASSWORD: data[CONF_PASSWORD]}
                )
        schema = vol.Schema(password_field())
        return self.async_show_form(
            step_id=STEP_REAUTH,
            data_schema=schema,
            errors=errors,
            description_placeholders=placeholders,
        )
