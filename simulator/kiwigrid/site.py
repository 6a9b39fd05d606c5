"""The simulated site: values that follow the SimClock's day, with counters that add up.

PV follows a sine from 06:00 to 20:00 local time; the house draws a base load with morning and
evening peaks and the EV charges from 18:00 to 21:00; two batteries take the PV surplus (so they
charge around noon) and cover the deficit down to their reserve (so they discharge at night);
the grid covers the rest. Every ``Work*`` counter is the integral of its ``Power*`` tag, in steps
of at most one simulated minute, so energy = ∫ power up to that step's rounding.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import datetime
import math
from typing import Any
from zoneinfo import ZoneInfo

from ..clock import SimClock

TIMEZONE = ZoneInfo("Europe/Berlin")
PV_PEAK_W = 6000.0
BASE_LOAD_W = 900.0
PEAK_LOAD_W = 600.0
EV_POWER_W = 3700.0
BATTERY_CAPACITY_WH = 8000.0
BATTERY_MAX_W = 1000.0
BATTERY_RESERVE_PCT = 10.0
STEP_SECONDS = 60.0
HISTORY_STEPS = 8 * 24 * 60  # eight days of one-minute steps (analytics allow seven)
LOCATION_WORK_TAGS = (
    "WorkProduced",
    "WorkIn",
    "WorkOut",
    "WorkConsumed",
    "WorkBuffered",
    "WorkReleased",
)

CLASS_DEVICE = "com.kiwigrid.lib.device.Device"
CLASS_LOCATION = "com.kiwigrid.devices.location.Location"
CLASS_EM = "com.kiwigrid.devices.em.EnergyManager"
CLASS_INVERTER = "com.kiwigrid.devices.inverter.Inverter"
CLASS_BATTERY = "com.kiwigrid.devices.batteryconverter.BatteryConverter"
CLASS_MYRESERVE = "com.kiwigrid.devices.solarwatt.MyReserve"
CLASS_METER = "com.kiwigrid.devices.powermeter.PowerMeter"
CLASS_EV = "com.kiwigrid.devices.evstation.EVStation"
CLASS_SCHEDULE_APP = "com.kiwigrid.application.schedule.ScheduleApp"

# Scenario constants (tests and the HA glue's snapshots refer to these).
EM_GUID = "ERC80-SIM-000042"
LOCATION_GUID = "urn:kiwigrid:location:sim-0001"
BATTERY_GUIDS = (
    "urn:kiwigrid:batteryconverter:sim-bat-1",
    "urn:kiwigrid:batteryconverter:sim-bat-2",
)
INVERTER_GUID = "urn:kiwigrid:inverter:sim-inv-1"
GRID_METER_GUID = "urn:kiwigrid:powermeter:sim-grid"
EV_GUID = "urn:kiwigrid:evstation:sim-ev-1"
APP_GUID = "urn:kiwigrid:scheduleapp:sim-app"
EXTRA_METER_PREFIX = "urn:kiwigrid:powermeter:sim-extra-"


@dataclass
class SimDevice:
    """One device: its classes and tag values (None is sent as JSON null)."""

    guid: str
    classes: tuple[str, ...]
    tags: dict[str, Any] = field(default_factory=dict)
    nulled: set[str] = field(default_factory=set)

    def tag_values(self, timestamp_ms: int) -> dict[str, dict[str, Any]]:
        """``tagValues`` as the bus and the local EM send them."""
        return {
            name: {
                "tagName": name,
                "guid": self.guid,
                "value": None if name in self.nulled else value,
                "timestamp": timestamp_ms,
            }
            for name, value in self.tags.items()
        }

    def as_item(self, timestamp_ms: int) -> dict[str, Any]:
        """The device as one ``items[]`` entry."""
        return {
            "guid": self.guid,
            "deviceModel": [{"deviceClass": cls} for cls in self.classes],
            "tagValues": self.tag_values(timestamp_ms),
        }


def _identity(name: str, manufacturer: str, model: str, serial: str) -> dict[str, Any]:
    return {
        "IdName": name,
        "IdManufacturer": manufacturer,
        "IdModelCode": model,
        "IdSerialNumber": serial,
        "IdFirmware": "1.4.2",
        "StateDevice": "OK",
        "StateErrorList": [],
        "StateVisibleIsSet": True,
    }


class Site:
    """The devices of one Energy Manager and the physics that drives their tags."""

    def __init__(self, clock: SimClock) -> None:
        """Start empty-counted at the clock's current time."""
        self._clock = clock
        self._last = clock.time()
        self.devices: dict[str, SimDevice] = {}
        self._soc = [60.0, 40.0]
        # (time, Location Work* counters) at each whole minute, for the analytics period totals.
        self._history: list[tuple[float, dict[str, float]]] = []
        self._build()
        self._record()
        self._apply_powers(self._powers(self._last))

    # -- scenario --------------------------------------------------------------------------

    def _add(self, guid: str, classes: tuple[str, ...], tags: dict[str, Any]) -> None:
        self.devices[guid] = SimDevice(guid, (CLASS_DEVICE, *classes), tags)

    def _build(self) -> None:
        work = dict.fromkeys(LOCATION_WORK_TAGS, 0.0)
        self._add(LOCATION_GUID, (CLASS_LOCATION,), {"IdName": "Home", **work})
        self._add(
            EM_GUID,
            (CLASS_EM,),
            {**_identity("Energy Manager", "Kiwigrid", "ERC80", EM_GUID), "DateCloudLastSeen": 0},
        )
        for index, guid in enumerate(BATTERY_GUIDS):
            self._add(
                guid,
                # MyReserve is also an Inverter: classification must go by membership.
                (CLASS_INVERTER, CLASS_MYRESERVE, CLASS_BATTERY),
                {
                    **_identity(
                        f"MyReserve {index + 1}",
                        "SOLARWATT",
                        "MyReserve Matrix",
                        f"MR-SIM-{index + 1:04d}",
                    ),
                    "StateOfHealth": 98.0 - index,
                    "TemperatureBattery": 24.5,
                    "WorkCapacity": BATTERY_CAPACITY_WH,
                    "WorkACIn": 0.0,
                    "WorkACOut": 0.0,
                },
            )
        self._add(
            INVERTER_GUID,
            (CLASS_INVERTER,),
            {**_identity("PV inverter", "SMA", "STP 6.0", "SMA-SIM-1"), "WorkACOut": 0.0},
        )
        self._add(
            GRID_METER_GUID,
            (CLASS_METER,),
            {
                **_identity("Grid meter", "Kiwigrid", "ERC-M", "GM-SIM-1"),
                "WorkIn": 0.0,
                "WorkOut": 0.0,
            },
        )
        self._add(
            EV_GUID,
            (CLASS_EV,),
            {
                **_identity("Wallbox", "KEBA", "P30", "EV-SIM-1"),
                "WorkACIn": 0.0,
                "WorkACInSession": 0.0,
                "StateOfCharge": None,
            },
        )
        self._add(
            APP_GUID, (CLASS_SCHEDULE_APP,), {"IdName": "Schedule", "StateVisibleIsSet": False}
        )

    def grow(self, extra_meters: int) -> int:
        """Add idle meters until the site has ``extra_meters`` of them; returns the device count."""
        for index in range(extra_meters):
            guid = f"{EXTRA_METER_PREFIX}{index:03d}"
            if guid not in self.devices:
                self._add(
                    guid,
                    (CLASS_METER,),
                    {
                        **_identity(f"Sub-meter {index}", "Kiwigrid", "S0", f"S0-{index:03d}"),
                        "PowerIn": 0.0,
                        "WorkIn": 0.0,
                    },
                )
        return len(self.devices)

    # -- physics ---------------------------------------------------------------------------

    def _powers(self, at: float) -> dict[str, Any]:
        local = datetime.fromtimestamp(at, TIMEZONE)
        hour = local.hour + local.minute / 60 + local.second / 3600
        pv = PV_PEAK_W * math.sin(math.pi * (hour - 6) / 14) if 6 < hour < 20 else 0.0
        ev = EV_POWER_W if 18 <= hour < 21 else 0.0
        house = BASE_LOAD_W + (PEAK_LOAD_W if 7 <= hour < 9 or 18 <= hour < 22 else 0.0)
        consumed = house + ev
        surplus = pv - consumed
        charge, discharge = [0.0, 0.0], [0.0, 0.0]
        for i, soc in enumerate(self._soc):
            share = abs(surplus) / len(self._soc)
            if surplus > 0 and soc < 100:
                charge[i] = min(share, BATTERY_MAX_W)
            elif surplus < 0 and soc > BATTERY_RESERVE_PCT:
                discharge[i] = min(share, BATTERY_MAX_W)
        residual = consumed + sum(charge) - pv - sum(discharge)
        return {
            "pv": pv,
            "ev": ev,
            "consumed": consumed,
            "charge": charge,
            "discharge": discharge,
            "grid_in": max(residual, 0.0),
            "grid_out": max(-residual, 0.0),
        }

    def _apply_powers(self, p: dict[str, Any]) -> None:
        location = self.devices[LOCATION_GUID].tags
        location.update(
            PowerProduced=round(p["pv"], 1),
            PowerIn=round(p["grid_in"], 1),
            PowerOut=round(p["grid_out"], 1),
            PowerConsumed=round(p["consumed"], 1),
            PowerBuffered=round(sum(p["charge"]), 1),
            PowerReleased=round(sum(p["discharge"]), 1),
        )
        for i, guid in enumerate(BATTERY_GUIDS):
            tags = self.devices[guid].tags
            mode = "CHARGING" if p["charge"][i] else "DISCHARGING" if p["discharge"][i] else "IDLE"
            tags.update(
                PowerACIn=round(p["charge"][i], 1),
                PowerACOut=round(p["discharge"][i], 1),
                StateOfCharge=round(self._soc[i], 1),
                ModeConverter=mode,
            )
        self.devices[INVERTER_GUID].tags["PowerACOut"] = round(p["pv"], 1)
        self.devices[GRID_METER_GUID].tags.update(
            PowerIn=round(p["grid_in"], 1), PowerOut=round(p["grid_out"], 1)
        )
        ev = self.devices[EV_GUID].tags
        ev.update(PowerACIn=p["ev"], ModeStation="CHARGING" if p["ev"] else "IDLE")

    def _integrate(self, p: dict[str, Any], seconds: float) -> None:
        hours = seconds / 3600
        location = self.devices[LOCATION_GUID].tags
        for tag, power in (
            ("WorkProduced", p["pv"]),
            ("WorkIn", p["grid_in"]),
            ("WorkOut", p["grid_out"]),
            ("WorkConsumed", p["consumed"]),
            ("WorkBuffered", sum(p["charge"])),
            ("WorkReleased", sum(p["discharge"])),
        ):
            location[tag] += power * hours
        for i, guid in enumerate(BATTERY_GUIDS):
            tags = self.devices[guid].tags
            tags["WorkACIn"] += p["charge"][i] * hours
            tags["WorkACOut"] += p["discharge"][i] * hours
            delta = (p["charge"][i] - p["discharge"][i]) * hours / BATTERY_CAPACITY_WH * 100
            self._soc[i] = min(100.0, max(0.0, self._soc[i] + delta))
        self.devices[INVERTER_GUID].tags["WorkACOut"] += p["pv"] * hours
        meter = self.devices[GRID_METER_GUID].tags
        meter["WorkIn"] += p["grid_in"] * hours
        meter["WorkOut"] += p["grid_out"] * hours
        ev = self.devices[EV_GUID].tags
        ev["WorkACIn"] += p["ev"] * hours
        ev["WorkACInSession"] = ev["WorkACInSession"] + p["ev"] * hours if p["ev"] else 0.0

    def update(self) -> None:
        """Bring every tag up to the clock's current time.

        Steps end on whole minutes where they can, and the history keeps one record per whole
        minute: a burst of requests within a second must not crowd older minutes out of it.
        """
        now = self._clock.time()
        while self._last < now:
            boundary = (math.floor(self._last / STEP_SECONDS) + 1) * STEP_SECONDS
            end = min(boundary, now)
            powers = self._powers((self._last + end) / 2)
            self._integrate(powers, end - self._last)
            self._last = end
            if end == boundary:
                self._record()
        self._apply_powers(self._powers(now))
        self.devices[EM_GUID].tags["DateCloudLastSeen"] = int(now * 1000)

    def _record(self) -> None:
        location = self.devices[LOCATION_GUID].tags
        counters = {tag: location[tag] for tag in LOCATION_WORK_TAGS}
        self._history.append((self._last, counters))
        if len(self._history) > HISTORY_STEPS:
            del self._history[: len(self._history) - HISTORY_STEPS]

    def work_between(self, start: float, end: float) -> dict[str, float]:
        """Location Work* energy (Wh) between two Unix times (minute records; now exactly)."""
        self.update()
        times = [t for t, _ in self._history]
        location = self.devices[LOCATION_GUID].tags
        current = {tag: location[tag] for tag in LOCATION_WORK_TAGS}

        def at(moment: float) -> dict[str, float]:
            if moment >= self._last:
                return current
            return self._history[max(bisect.bisect_right(times, moment) - 1, 0)][1]

        first, last = at(start), at(end)
        return {tag: max(last[tag] - first[tag], 0.0) for tag in LOCATION_WORK_TAGS}

    # -- controls --------------------------------------------------------------------------

    def set_null(self, guid: str, tag: str, *, null: bool = True) -> None:
        """Report one tag as null (or stop doing so); KeyError for an unknown device."""
        device = self.devices[guid]
        if null:
            device.nulled.add(tag)
        else:
            device.nulled.discard(tag)

    def reset_counter(self, guid: str, tag: str) -> None:
        """A counter reset (a replaced meter, a firmware update): the tag restarts at 0."""
        tags = self.devices[guid].tags
        if not tag.startswith("Work") or tag not in tags:
            raise KeyError(tag)
        tags[tag] = 0.0

    def items(self) -> list[dict[str, Any]]:
        """Every device as ``items[]`` entries, updated to now."""
        self.update()
        stamp = int(self._clock.time() * 1000)
        return [device.as_item(stamp) for device in self.devices.values()]

    def tag(self, guid: str, tag: str) -> Any:
        """One tag's reported value (None when nulled), updated to now."""
        self.update()
        device = self.devices[guid]
        return None if tag in device.nulled else device.tags.get(tag)
