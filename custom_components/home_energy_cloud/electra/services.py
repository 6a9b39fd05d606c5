"""Electra Smart service actions: the cloud timers of an air conditioner."""

from __future__ import annotations

from homeassistant.components.climate.const import DOMAIN as CLIMATE_DOMAIN, HVACMode
from homeassistant.core import HomeAssistant, SupportsResponse, callback
from homeassistant.helpers import config_validation as cv

from ..schema import vol
from ..services import register_platform_entity_service
from .timers import WEEKDAYS

SERVICE_GET_TIMERS = "get_timers"
SERVICE_SET_TIMER = "set_timer"
SERVICE_DELETE_TIMER = "delete_timer"

ATTR_TIMER_ID = "timer_id"


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the timer actions on this integration's climate entities."""
    register_platform_entity_service(
        hass,
        CLIMATE_DOMAIN,
        SERVICE_GET_TIMERS,
        func="async_get_timers",
        schema={},
        supports_response=SupportsResponse.ONLY,
    )
    register_platform_entity_service(
        hass,
        CLIMATE_DOMAIN,
        SERVICE_SET_TIMER,
        func="async_set_timer",
        schema={
            vol.Optional(ATTR_TIMER_ID): cv.string,
            vol.Optional("time"): cv.time,
            vol.Optional("hvac_mode"): vol.Coerce(HVACMode),
            vol.Optional("weekdays"): vol.All(
                cv.ensure_list, [vol.In(WEEKDAYS)], vol.Length(min=1)
            ),
            vol.Optional("enabled"): cv.boolean,
            vol.Optional("temperature"): vol.Coerce(float),
            vol.Optional("fan_mode"): cv.string,
        },
    )
    register_platform_entity_service(
        hass,
        CLIMATE_DOMAIN,
        SERVICE_DELETE_TIMER,
        func="async_delete_timer",
        schema={vol.Required(ATTR_TIMER_ID): cv.string},
    )
