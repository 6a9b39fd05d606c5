"""One error path for polls, pushes, entity actions and service actions.

Client errors (``api/exceptions.py``) become Home Assistant's: an auth error starts
re-authentication, anything else is transient (entities unavailable for a poll or push, a
translated ``HomeAssistantError`` for an action). Vendors call these instead of catching
``ApiError`` themselves.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .api.exceptions import ApiAuthError, ApiError, ApiProtocolError, ApiTimeoutError
from .const import DOMAIN


def api_error_translation(err: ApiError) -> dict[str, Any]:
    """Keyword arguments of a Home Assistant exception that explains a client error."""
    if isinstance(err, ApiAuthError):
        key = "auth_failed"
    elif isinstance(err, ApiTimeoutError):
        key = "cloud_timeout"
    elif isinstance(err, ApiProtocolError):
        key = "cloud_bad_reply"
    else:
        key = "cloud_unavailable"
    return {
        "translation_domain": DOMAIN,
        "translation_key": key,
        "translation_placeholders": {"error": str(err)},
    }


def action_error(hass: HomeAssistant, entry: ConfigEntry[Any], err: ApiError) -> HomeAssistantError:
    """The exception an action raises for a client error; an auth error also asks for reauth.

    Asking at once rather than at the next poll: the user who pressed the button is looking.
    """
    if isinstance(err, ApiAuthError):
        entry.async_start_reauth(hass)
    return HomeAssistantError(**api_error_translation(err))


async def async_call_action[T](
    hass: HomeAssistant, entry: ConfigEntry[Any], call: Awaitable[T]
) -> T:
    """Await a client call made for a user's action, with the shared error handling."""
    try:
        return await call
    except ApiError as err:
        raise action_error(hass, entry, err) from err
