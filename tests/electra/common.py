"""Constants and helpers shared by the Electra Smart platform tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import format_mac
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.home_energy_cloud.const import DOMAIN
from simulator.electra import CENTRAL_ID, INVERTER_ID, MIDEA_ID, ElectraCloud

from ..helpers import snapshot_entities

__all__ = ["snapshot_entities"]

# Entity ids Home Assistant derives from the scenario's unit names ("סלון", "חדר שינה", ...).
CENTRAL = "climate.slvn"
MIDEA = "climate.khdr_shynh"
INVERTER = "climate.office"
NEVER_ONLINE = "climate.khdr_yldym"
CLIMATES = {CENTRAL: CENTRAL_ID, MIDEA: MIDEA_ID, INVERTER: INVERTER_ID}


def device_identifier(device_id: int) -> str:
    """The device registry identifier of a simulator unit (the MAC the fake derives)."""
    return f"electra_{format_mac(f'C8F09E{device_id & 0xFFFFFF:06X}')}"


async def async_poll(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float = 61
) -> None:
    """Let ``seconds`` pass (one telemetry poll by default; the poll has sub-second jitter)."""
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)


def find_device(
    device_registry: dr.DeviceRegistry, config_entry_id: str, device_id: int
) -> dr.DeviceEntry | None:
    """The registry device of a simulator unit (looked up the same way on every version)."""
    identifier = (DOMAIN, device_identifier(device_id))
    for device in dr.async_entries_for_config_entry(device_registry, config_entry_id):
        if identifier in device.identifiers:
            return device
    return None


def last_command(cloud: ElectraCloud) -> tuple[int, dict[str, Any]]:
    """The last SEND_COMMAND the fake received, as (device id, OPER)."""
    assert cloud.commands, "no SEND_COMMAND was received"
    return cloud.commands[-1]
