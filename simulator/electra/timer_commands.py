"""GET_EVENTS, SET_EVENT, DELETE_EVENT and SET_DEVICE_EVENTS_FLAG (notes §2.8)."""

from __future__ import annotations

from typing import Any

from .protocol import RES_BAD_REQUEST, Reply, ok, parse_int_id, refused
from .state import Account, CloudState
from .timers import EventError, TimerEvent, parse_event_fields
from .units import AcUnit


def _unit(state: CloudState, account: Account, data: dict[str, Any]) -> AcUnit | Reply:
    if data.get("deviceId") is None:
        return refused(RES_BAD_REQUEST, "Missing deviceId")
    unit = state.unit_for(account.phone, data["deviceId"])
    return unit if unit is not None else refused(RES_BAD_REQUEST, "Device not found")


def get_events(state: CloudState, account: Account, data: dict[str, Any]) -> Reply:
    """List the unit's timers and its device-wide ``enabled`` flag."""
    unit = _unit(state, account, data)
    if isinstance(unit, Reply):
        return unit
    return ok(events=unit.events_payload(), enabled=unit.enable_events)


def set_event(state: CloudState, account: Account, data: dict[str, Any]) -> Reply:
    """Create (no ``eventId``) or update (known ``eventId``) a timer.

    Updates merge the fields given into the existing event. An id the unit doesn't have is
    refused, which also covers a client trying to choose the id of a new event.
    """
    unit = _unit(state, account, data)
    if isinstance(unit, Reply):
        return unit
    raw = data.get("event")
    if not isinstance(raw, dict):
        return refused(RES_BAD_REQUEST, "Missing event")
    creating = raw.get("eventId") is None
    try:
        fields = parse_event_fields(raw, creating=creating)
    except EventError as err:
        return refused(RES_BAD_REQUEST, str(err))
    if creating:
        event_id = state.new_event_id()
        unit.events[event_id] = TimerEvent(event_id=event_id, **fields)
        return ok()
    known_id = parse_int_id(raw["eventId"])
    event = unit.events.get(known_id) if known_id is not None else None
    if event is None:
        return refused(RES_BAD_REQUEST, "Event not found")
    for key, value in fields.items():
        setattr(event, key, value)
    return ok()


def delete_event(state: CloudState, account: Account, data: dict[str, Any]) -> Reply:
    """Remove one timer."""
    unit = _unit(state, account, data)
    if isinstance(unit, Reply):
        return unit
    event_id = parse_int_id(data.get("eventId"))
    if event_id is None or event_id not in unit.events:
        return refused(RES_BAD_REQUEST, "Event not found")
    del unit.events[event_id]
    return ok()


def set_device_events_flag(state: CloudState, account: Account, data: dict[str, Any]) -> Reply:
    """Turn all of a unit's timers on or off (request key ``enable``, answer key ``enabled``)."""
    unit = _unit(state, account, data)
    if isinstance(unit, Reply):
        return unit
    enable = data.get("enable")
    if not isinstance(enable, bool):
        return refused(RES_BAD_REQUEST, "Missing enable")
    unit.enable_events = enable
    return ok(enabled=enable)
