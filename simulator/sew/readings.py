"""Two years of deterministic hourly readings, generated per day on first use.

Shape: electric load with a night trough, morning and evening peaks, and more use in summer
(air conditioning) and winter; a net meter's solar output follows the sun and the season, and
what it makes beyond the load is exported. Water has morning and evening draws and none at
night. Values depend only on (meter, local day, slot), so every run and every reset agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
import hashlib
import math
from zoneinfo import ZoneInfo

from .scenario import Meter

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Slot:
    """One hour of one local day: when it starts, and what flowed."""

    start: datetime
    """Aware, in the utility's zone (fold set on the repeated fall-back hour)."""
    imported: float
    exported: float


def _plain(part: object) -> object:
    """Dates as ISO text: a frozen clock's date class has a repr of its own."""
    return part.isoformat() if isinstance(part, date) else part


def unit_noise(*parts: object) -> float:
    """A deterministic number in [0, 1) for these parts (the same under a frozen clock)."""
    plain = tuple(_plain(part) for part in parts)
    digest = hashlib.blake2b(repr(plain).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def day_slots(tz: ZoneInfo, day: date) -> list[datetime]:
    """The hours of a local day: 23, 24 or 25 of them across DST changes."""
    start = datetime.combine(day, datetime.min.time()).replace(tzinfo=tz).astimezone(UTC)
    end = (
        datetime.combine(day + timedelta(days=1), datetime.min.time())
        .replace(tzinfo=tz)
        .astimezone(UTC)
    )
    slots = []
    moment = start
    while moment < end:
        slots.append(moment.astimezone(tz))
        moment += HOUR
    return slots


def _electric_load(meter: Meter, local: datetime, day: date) -> float:
    hour = local.hour + 0.5
    season = 1.0 + 0.35 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 200) / 365.25) ** 2
    morning = 0.9 * math.exp(-((hour - 7.5) ** 2) / 2.0)
    evening = 1.6 * math.exp(-((hour - 19.0) ** 2) / 4.0)
    base = 0.35 + morning + evening
    return base * season * (0.85 + 0.3 * unit_noise(meter.number, day, local.hour, local.fold))


def _solar(meter: Meter, local: datetime, day: date) -> float:
    if not meter.solar_kw:
        return 0.0
    hour = local.hour + 0.5
    daylight = 12.0 + 2.5 * math.sin(2 * math.pi * (day.timetuple().tm_yday - 80) / 365.25)
    sunrise = 12.5 - daylight / 2
    if not sunrise < hour < sunrise + daylight:
        return 0.0
    height = math.sin(math.pi * (hour - sunrise) / daylight)
    clouds = 0.4 + 0.6 * unit_noise(meter.number, "sky", day)
    return meter.solar_kw * 0.8 * height * clouds


def _water(meter: Meter, local: datetime, day: date) -> float:
    hour = local.hour
    if hour < 5 or hour >= 23:
        return 0.0
    draw = 18 * math.exp(-((hour - 7) ** 2) / 1.5) + 14 * math.exp(-((hour - 19) ** 2) / 3.0)
    summer = 1.0 + 0.8 * max(0.0, math.sin(2 * math.pi * (day.timetuple().tm_yday - 100) / 365))
    return (2.0 + draw) * summer * (0.7 + 0.6 * unit_noise(meter.number, day, hour))


@lru_cache(maxsize=4096)
def day_readings(meter: Meter, tz_name: str, day: date) -> tuple[Slot, ...]:
    """The final readings of one meter for one local day (cached: days are asked repeatedly)."""
    tz = ZoneInfo(tz_name)
    slots = []
    for local in day_slots(tz, day):
        if meter.kind == "W":
            slots.append(Slot(local, round(_water(meter, local, day), 1), 0.0))
            continue
        load = _electric_load(meter, local, day)
        solar = _solar(meter, local, day)
        slots.append(
            Slot(local, round(max(0.0, load - solar), 3), round(max(0.0, solar - load), 3))
        )
    return tuple(slots)
