"""GET_DEVICES, GET_LAST_TELEMETRY and SEND_COMMAND."""

from __future__ import annotations

import json
from typing import Any

from .protocol import RES_BAD_REQUEST, Reply, ok, refused
from .state import Account, CloudState

DEVICE_NOT_FOUND = "Device not found"


def get_devices(state: CloudState, account: Account, data: dict[str, Any]) -> Reply:
    """List the account's units; an international-form account answers ``devices: null``."""
    if account.devices_null:
        return ok(devices=None)
    return ok(devices=[unit.record() for unit in state.units_of(account.phone)])


def get_last_telemetry(state: CloudState, account: Account, data: dict[str, Any]) -> Reply:
    """Answer ``timeDelta`` plus one JSON string per requested group (OPER, DIAG_L2, HB)."""
    unit = state.unit_for(account.phone, data.get("id"))
    if unit is None:
        return refused(RES_BAD_REQUEST, DEVICE_NOT_FOUND)
    names = data.get("commandName")
    if not isinstance(names, str) or not names.strip():
        return refused(RES_BAD_REQUEST, "Missing commandName")
    groups = [name.strip() for name in names.split(",") if name.strip()]
    time_delta, command_json = unit.telemetry(groups, state.now())
    return ok(timeDelta=time_delta, commandJson=command_json)


def send_command(state: CloudState, account: Account, data: dict[str, Any]) -> Reply:
    """Hand the OPER in the ``commandJson`` string to the unit, which takes what it understands.

    The cloud only relays the command: it answers success even when the unit then doesn't
    apply it (offline, told to ignore, bad SPT), which clients find out by reading back.
    ``commandJson`` sent as an object rather than a string is refused (``res 99``).
    """
    unit = state.unit_for(account.phone, data.get("id"))
    if unit is None:
        return refused(RES_BAD_REQUEST, DEVICE_NOT_FOUND)
    raw = data.get("commandJson")
    if not isinstance(raw, str):
        return refused(RES_BAD_REQUEST, "commandJson must be a JSON string")
    try:
        decoded = json.loads(raw)
    except ValueError:
        return refused(RES_BAD_REQUEST, "commandJson is not valid JSON")
    oper = decoded.get("OPER") if isinstance(decoded, dict) else None
    if not isinstance(oper, dict):
        return refused(RES_BAD_REQUEST, 'commandJson must hold {"OPER": {...}}')
    state.commands.append((unit.device_id, dict(oper)))
    unit.apply_command(oper, state.now(), state.command_delay)
    if unit.timeout_next > 0:
        # Applied, but the answer never comes: the client's request times out (notes §2.6).
        unit.timeout_next -= 1
        state.withhold_reply = True
    return ok()
