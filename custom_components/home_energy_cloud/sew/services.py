"""SEW service action ``home_energy_cloud.import_history``: re-import a date range on demand."""

from __future__ import annotations

from datetime import date
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceCall, SupportsResponse, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from ..const import CONF_VENDOR, DOMAIN
from ..errors import action_error
from ..schema import vol
from .const import VENDOR_KEY
from .coordinator import SewConfigEntry

SERVICE_IMPORT_HISTORY = "import_history"
ATTR_CONFIG_ENTRY_ID = "config_entry_id"
ATTR_START_DATE = "start_date"
ATTR_END_DATE = "end_date"

SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): cv.string,
        vol.Required(ATTR_START_DATE): cv.date,
        vol.Optional(ATTR_END_DATE): cv.date,
    }
)


def _entry(hass: HomeAssistant, entry_id: str) -> SewConfigEntry:
    entry = hass.config_entries.async_get_entry(entry_id)
    if entry is None or entry.domain != DOMAIN or entry.data.get(CONF_VENDOR) != VENDOR_KEY:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="sew_entry_not_found"
        )
    if entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="sew_entry_not_loaded"
        )
    sew_entry: SewConfigEntry = entry
    return sew_entry


async def _async_import_history(call: ServiceCall) -> dict[str, Any]:
    entry = _entry(call.hass, call.data[ATTR_CONFIG_ENTRY_ID])
    start: date = call.data[ATTR_START_DATE]
    end: date = call.data.get(ATTR_END_DATE, date.max)
    if end < start:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="sew_bad_range")
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    await coordinator.async_wait_import()
    data = coordinator.data
    days = rows = 0
    for uid, meter in data.meters.items():
        outcome = await runtime.importer.async_reimport(
            uid, data.account, meter.meter, meter.unit, start, end
        )
        days, rows = days + outcome.days, rows + outcome.rows
        if outcome.error is not None:
            raise action_error(call.hass, entry, outcome.error) from outcome.error
    coordinator.async_update_listeners()
    return {"days": days, "hours": rows}


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the action once (it names the entry it works on)."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_IMPORT_HISTORY,
        _async_import_history,
        schema=SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
