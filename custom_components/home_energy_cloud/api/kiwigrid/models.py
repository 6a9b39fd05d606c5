"""The normalised Kiwigrid model shared by every generation (protocol notes §5).

A device is classified by *membership* of a device class in its ``deviceModel`` list (never by
position); devices with ``StateVisibleIsSet`` false are skipped. Power is in W and energy
counters in Wh as the source gives them; a tag that is missing or null is ``None`` (the Home
Assistant side keeps the last valid energy value, so a counter never goes backwards).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import math
from typing import Any

from .const import (
    CLASS_BATTERY,
    CLASS_ENERGY_MANAGER,
    CLASS_EV_STATION,
    CLASS_INVERTER,
    CLASS_LOCATION,
    CLASS_POWER_METER,
)
from .exceptions import KiwigridProtocolError

type TagValues = Mapping[str, Any]
"""A device's tags by name, each the plain value (``None`` when the source sent null)."""


def as_number(value: object) -> float | None:
    """A finite number, or None; numbers arrive as JSON numbers or numeric strings."""
    if isinstance(value, bool) or value is None:
        return None
    if not isinstance(value, int | float | str):
        return None
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):  # "abc", or an integer beyond a float's range
        return None
    return number if math.isfinite(number) else None


def as_text(value: object) -> str | None:
    """A non-empty string, or None."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


@dataclass(frozen=True, kw_only=True)
class KiwigridDevice:
    """What every device carries: identity, state and its raw tags."""

    guid: str
    device_classes: tuple[str, ...] = ()
    name: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    serial_number: str | None = field(default=None, repr=False)
    firmware: str | None = None
    state_device: str | None = None
    errors: tuple[str, ...] = ()
    tags: TagValues = field(default_factory=dict, repr=False)

    def number(self, tag: str) -> float | None:
        """A tag as a number (None when missing, null or not numeric)."""
        return as_number(self.tags.get(tag))


@dataclass(frozen=True, kw_only=True)
class Location(KiwigridDevice):
    """The site balance: the main source of PV, grid, battery and house flows."""

    power_produced: float | None = None
    power_in: float | None = None
    power_out: float | None = None
    power_consumed: float | None = None
    power_buffered: float | None = None
    power_released: float | None = None
    work_produced: float | None = None
    work_in: float | None = None
    work_out: float | None = None
    work_consumed: float | None = None
    work_buffered: float | None = None
    work_released: float | None = None


@dataclass(frozen=True, kw_only=True)
class EnergyManager(KiwigridDevice):
    """The gateway itself (its guid is its serial)."""

    cloud_last_seen_ms: float | None = None


@dataclass(frozen=True, kw_only=True)
class Battery(KiwigridDevice):
    """A BatteryConverter; the state of charge lives here (0-100 %)."""

    state_of_charge: float | None = None
    state_of_health: float | None = None
    temperature: float | None = None
    mode: str | None = None
    power_in: float | None = None
    power_out: float | None = None
    work_in: float | None = None
    work_out: float | None = None
    work_capacity: float | None = None
    backup_reserve: float | None = None
    """The emergency-power reserve in % (HEMS ``backup_state_of_charge``; no known bus tag)."""


@dataclass(frozen=True, kw_only=True)
class Inverter(KiwigridDevice):
    """A PV (or battery) inverter."""

    power_out: float | None = None
    work_out: float | None = None


@dataclass(frozen=True, kw_only=True)
class PowerMeter(KiwigridDevice):
    """A grid, production or battery-side meter."""

    power_in: float | None = None
    power_out: float | None = None
    work_in: float | None = None
    work_out: float | None = None


@dataclass(frozen=True, kw_only=True)
class EVStation(KiwigridDevice):
    """A wallbox."""

    power_in: float | None = None
    work_in: float | None = None
    work_in_session: float | None = None
    mode: str | None = None
    state_of_charge: float | None = None


@dataclass(frozen=True, kw_only=True)
class KiwigridSite:
    """One Energy Manager's site, as every generation delivers it."""

    location: Location | None = None
    energy_manager: EnergyManager | None = None
    batteries: tuple[Battery, ...] = ()
    inverters: tuple[Inverter, ...] = ()
    power_meters: tuple[PowerMeter, ...] = ()
    ev_stations: tuple[EVStation, ...] = ()

    @property
    def devices(self) -> tuple[KiwigridDevice, ...]:
        """Every classified device, the site first."""
        head: list[KiwigridDevice] = [d for d in (self.location, self.energy_manager) if d]
        return (*head, *self.batteries, *self.inverters, *self.power_meters, *self.ev_stations)


# Typed field -> tag name, per device kind (notes §5.2).
_NUMBER_TAGS: dict[type[KiwigridDevice], dict[str, str]] = {
    Location: {
        "power_produced": "PowerProduced",
        "power_in": "PowerIn",
        "power_out": "PowerOut",
        "power_consumed": "PowerConsumed",
        "power_buffered": "PowerBuffered",
        "power_released": "PowerReleased",
        "work_produced": "WorkProduced",
        "work_in": "WorkIn",
        "work_out": "WorkOut",
        "work_consumed": "WorkConsumed",
        "work_buffered": "WorkBuffered",
        "work_released": "WorkReleased",
    },
    EnergyManager: {"cloud_last_seen_ms": "DateCloudLastSeen"},
    Battery: {
        "state_of_charge": "StateOfCharge",
        "state_of_health": "StateOfHealth",
        "temperature": "TemperatureBattery",
        "power_in": "PowerACIn",
        "power_out": "PowerACOut",
        "work_in": "WorkACIn",
        "work_out": "WorkACOut",
        "work_capacity": "WorkCapacity",
    },
    Inverter: {"power_out": "PowerACOut", "work_out": "WorkACOut"},
    PowerMeter: {
        "power_in": "PowerIn",
        "power_out": "PowerOut",
        "work_in": "WorkIn",
        "work_out": "WorkOut",
    },
    EVStation: {
        "power_in": "PowerACIn",
        "work_in": "WorkACIn",
        "work_in_session": "WorkACInSession",
        "state_of_charge": "StateOfCharge",
    },
}
_TEXT_TAGS: dict[type[KiwigridDevice], dict[str, str]] = {
    Battery: {"mode": "ModeConverter"},
    EVStation: {"mode": "ModeStation"},
}
# Membership order matters only for devices in several classes: a MyReserve is both an
# Inverter and a BatteryConverter and belongs with the batteries.
_KINDS: tuple[tuple[str, type[KiwigridDevice]], ...] = (
    (CLASS_LOCATION, Location),
    (CLASS_ENERGY_MANAGER, EnergyManager),
    (CLASS_BATTERY, Battery),
    (CLASS_EV_STATION, EVStation),
    (CLASS_INVERTER, Inverter),
    (CLASS_POWER_METER, PowerMeter),
)


def _tag_values(raw: object) -> dict[str, Any]:
    """``tagValues`` maps a tag to ``{tagName, guid, value, timestamp}``; keep the values."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise KiwigridProtocolError("tagValues is not an object")
    values: dict[str, Any] = {}
    for tag, entry in raw.items():
        if isinstance(entry, Mapping):
            values[str(tag)] = entry.get("value")
        else:
            values[str(tag)] = None
    return values


def _device_classes(raw: object) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise KiwigridProtocolError("deviceModel is not a list")
    return tuple(
        entry["deviceClass"]
        for entry in raw
        if isinstance(entry, Mapping) and isinstance(entry.get("deviceClass"), str)
    )


def _errors(value: object) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(item) for item in value if item is not None)
    text = as_text(value)
    return (text,) if text else ()


def _is_visible(tags: TagValues) -> bool:
    # Apps and configuration objects carry StateVisibleIsSet=false.
    return tags.get("StateVisibleIsSet") is not False


def parse_device(raw: object) -> KiwigridDevice | None:
    """One ``items[]`` entry as its typed device; None when invisible or of no known kind."""
    if not isinstance(raw, Mapping):
        raise KiwigridProtocolError("a device is not an object")
    tags = _tag_values(raw.get("tagValues"))
    guid = as_text(raw.get("guid"))
    if guid is None:
        # Pushed partial devices may omit guid; the tags then carry it (notes §2.6).
        tag_entries = raw.get("tagValues")
        if isinstance(tag_entries, Mapping):
            for entry in tag_entries.values():
                if isinstance(entry, Mapping) and as_text(entry.get("guid")):
                    guid = as_text(entry.get("guid"))
                    break
    if guid is None:
        raise KiwigridProtocolError("a device has no guid")
    classes = _device_classes(raw.get("deviceModel"))
    if not _is_visible(tags):
        return None
    kind = next((k for cls, k in _KINDS if cls in classes), None)
    if kind is None:
        return None
    fields: dict[str, Any] = {
        name: as_number(tags.get(tag)) for name, tag in _NUMBER_TAGS.get(kind, {}).items()
    }
    fields |= {name: as_text(tags.get(tag)) for name, tag in _TEXT_TAGS.get(kind, {}).items()}
    return kind(
        guid=guid,
        device_classes=classes,
        name=as_text(tags.get("IdName")),
        manufacturer=as_text(tags.get("IdManufacturer")),
        model=as_text(tags.get("IdModelCode")),
        serial_number=as_text(tags.get("IdSerialNumber")),
        firmware=as_text(tags.get("IdFirmware")),
        state_device=as_text(tags.get("StateDevice")),
        errors=_errors(tags.get("StateErrorList")),
        tags=tags,
        **fields,
    )


def build_site(devices: list[KiwigridDevice]) -> KiwigridSite:
    """Group classified devices into a site (the first Location and EnergyManager win)."""

    def of[T: KiwigridDevice](kind: type[T]) -> tuple[T, ...]:
        return tuple(d for d in devices if type(d) is kind)

    locations, managers = of(Location), of(EnergyManager)
    return KiwigridSite(
        location=locations[0] if locations else None,
        energy_manager=managers[0] if managers else None,
        batteries=of(Battery),
        inverters=of(Inverter),
        power_meters=of(PowerMeter),
        ev_stations=of(EVStation),
    )


def parse_device_items(items: object) -> list[KiwigridDevice]:
    """A list of raw devices as typed devices (invisible and unknown ones left out)."""
    if not isinstance(items, list):
        raise KiwigridProtocolError("items is not a list")
    parsed = (parse_device(item) for item in items)
    return [device for device in parsed if device is not None]


def parse_local_devices(body: object) -> KiwigridSite:
    """The local ``/rest/kiwigrid/wizard/devices`` answer: ``{"result": {"items": [...]}}``."""
    if not isinstance(body, Mapping) or not isinstance(body.get("result"), Mapping):
        raise KiwigridProtocolError("the device list has no result object")
    return build_site(parse_device_items(body["result"].get("items")))
