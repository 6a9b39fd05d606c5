"""Parsers of the HEMS v11 REST answers into the shared model (notes §3).

``energy-flow`` gives the site's live power (W), ``battery`` the batteries (``state_of_charge``
is a 0-1 fraction, turned into % here), ``analytics`` period totals per Kiwigrid tag. A value
that is missing, null or not a number is None; a wrong *shape* is a protocol error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import math
from typing import Any

from .exceptions import KiwigridProtocolError
from .models import Battery, EVStation, Inverter, Location, as_number, as_text

_WH_PER_UNIT = {"WATTHOUR": 1.0, "KILOWATTHOUR": 1000.0}


def _object(body: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise KiwigridProtocolError(f"{key} is not an object")
    return value


def _devices(section: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    value = section.get("devices")
    if value is None:
        return []
    if not isinstance(value, list):
        raise KiwigridProtocolError("devices is not a list")
    return [item for item in value if isinstance(item, Mapping) and as_text(item.get("id"))]


def _percent(fraction: object) -> float | None:
    value = as_number(fraction)
    if value is None:
        return None
    # A huge fraction (a garbled reply) overflows to infinity, which no sensor can show.
    percent = value * 100.0
    return percent if math.isfinite(percent) else None


@dataclass(frozen=True)
class EnergyFlow:
    """``/energy-flow``: the site's live power, per-device power and the EV."""

    location: Location
    inverters: tuple[Inverter, ...] = ()
    battery_power: Mapping[str, tuple[float | None, float | None]] = field(default_factory=dict)
    """Battery id -> (power in, power out), where the flow lists batteries."""
    ev_stations: tuple[EVStation, ...] = ()
    battery_soc: float | None = None
    """The site's state of charge in % (the answer's 0-1 ``battery.soc``)."""


def parse_energy_flow(body: object, *, location_guid: str) -> EnergyFlow:
    """``{consumption, grid, pv, battery, ev}``, each with ``in``/``out`` in W."""
    if not isinstance(body, Mapping):
        raise KiwigridProtocolError("energy-flow is not an object")
    consumption, grid = _object(body, "consumption"), _object(body, "grid")
    pv, battery, ev = _object(body, "pv"), _object(body, "battery"), _object(body, "ev")
    location = Location(
        guid=location_guid,
        power_produced=as_number(pv.get("out")),
        power_in=as_number(grid.get("in")),
        power_out=as_number(grid.get("out")),
        power_consumed=as_number(consumption.get("in")),
        power_buffered=as_number(battery.get("in")),
        power_released=as_number(battery.get("out")),
    )
    inverters = tuple(
        Inverter(guid=str(item["id"]), power_out=as_number(item.get("out")))
        for item in _devices(pv)
    )
    battery_power = {
        str(item["id"]): (as_number(item.get("in")), as_number(item.get("out")))
        for item in _devices(battery)
    }
    ev_stations = tuple(
        EVStation(guid=str(item["id"]), power_in=as_number(item.get("in"))) for item in _devices(ev)
    )
    return EnergyFlow(
        location=location,
        inverters=inverters,
        battery_power=battery_power,
        ev_stations=ev_stations,
        battery_soc=_percent(battery.get("soc")),
    )


def parse_batteries(body: object) -> tuple[Battery, ...]:
    """``/battery``: a list of batteries (or ``{"items": [...]}``), SoC fractions as %."""
    items = body.get("items") if isinstance(body, Mapping) else body
    if not isinstance(items, list):
        raise KiwigridProtocolError("battery is not a list")
    batteries = []
    for item in items:
        if not isinstance(item, Mapping):
            raise KiwigridProtocolError("a battery is not an object")
        guid = as_text(item.get("id"))
        if guid is None:
            raise KiwigridProtocolError("a battery has no id")
        batteries.append(
            Battery(
                guid=guid,
                name=as_text(item.get("name")),
                manufacturer=as_text(item.get("manufacturer")),
                model=as_text(item.get("model")),
                serial_number=as_text(item.get("serial_number")),
                firmware=as_text(item.get("firmware")),
                state_device=as_text(item.get("state_device")),
                state_of_charge=_percent(item.get("state_of_charge")),
                backup_reserve=_percent(item.get("backup_state_of_charge")),
                work_capacity=as_number(item.get("work_capacity")),
                mode=as_text(item.get("mode")),
                tags=dict(item),
            )
        )
    return tuple(batteries)


@dataclass(frozen=True)
class EnergyTotals:
    """Site-level ``Work*`` totals (Wh) over one analytics period (not lifetime counters)."""

    start: str
    end: str
    totals: Mapping[str, float]


def parse_analytics(body: object, *, start: str, end: str) -> EnergyTotals:
    """``{timeseries: [{name, guid, unit, aggregated, values}], devices: [...]}``.

    Site-level series are those whose guid is not one of ``devices``; WATTHOUR and
    KILOWATTHOUR series are kept, in Wh (``aggregated``, else the sum of ``values``).
    """
    if not isinstance(body, Mapping):
        raise KiwigridProtocolError("analytics is not an object")
    series = body.get("timeseries")
    devices = body.get("devices") or []
    if not isinstance(series, list) or not isinstance(devices, list):
        raise KiwigridProtocolError("analytics has no timeseries list")
    device_guids = {
        as_text(d.get("guid")) if isinstance(d, Mapping) else as_text(d) for d in devices
    }
    totals: dict[str, float] = {}
    for entry in series:
        if not isinstance(entry, Mapping):
            raise KiwigridProtocolError("a timeseries is not an object")
        name, scale = as_text(entry.get("name")), _WH_PER_UNIT.get(str(entry.get("unit")))
        if name is None or scale is None or as_text(entry.get("guid")) in device_guids:
            continue
        total = as_number(entry.get("aggregated"))
        if total is None:
            values = entry.get("values")
            numbers = [as_number(v) for v in values.values()] if isinstance(values, Mapping) else []
            present = [n for n in numbers if n is not None]
            total = sum(present) if present else None
        if total is not None:
            totals[name] = total * scale
    return EnergyTotals(start=start, end=end, totals=totals)
