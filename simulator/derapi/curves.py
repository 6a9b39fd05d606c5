"""Solar and battery curves over simulated time, in closed form so any window is cheap.

Solar: a clear-sky day, power `peak_kw · sin(π(h-6)/12)` between 06:00 and 18:00 local time.
Battery: charges from 20 % to 95 % between 09:00 and 15:00, holds, discharges back to 20 %
between 18:00 and 23:00. Cumulative energy functions give any interval's kWh exactly, so
intervals of every size add up and a lifetime counter never goes backwards.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
import math
from typing import Final

DAY: Final = 86_400.0
SOC_LOW: Final = 20.0
SOC_HIGH: Final = 95.0
CHARGE_HOURS: Final = (9.0, 15.0)
DISCHARGE_HOURS: Final = (18.0, 23.0)


def _local_day_and_hour(t: float, utc_offset: float) -> tuple[int, float]:
    local = t + utc_offset * 3600.0
    day = math.floor(local / DAY)
    return day, (local - day * DAY) / 3600.0


def solar_energy_until(t: float, peak_kw: float, utc_offset: float) -> float:
    """KWh produced from the Unix epoch to `t` (only differences are meaningful)."""
    day, hour = _local_day_and_hour(t, utc_offset)
    daily = peak_kw * 24.0 / math.pi
    if hour < 6.0:
        partial = 0.0
    elif hour < 18.0:
        partial = peak_kw * 12.0 / math.pi * (1.0 - math.cos(math.pi * (hour - 6.0) / 12.0))
    else:
        partial = daily
    return day * daily + partial


def solar_power_kw(t: float, peak_kw: float, utc_offset: float) -> float:
    """Instantaneous production."""
    _, hour = _local_day_and_hour(t, utc_offset)
    return max(0.0, peak_kw * math.sin(math.pi * (hour - 6.0) / 12.0)) if 6 <= hour < 18 else 0.0


def _ramp(hour: float, window: tuple[float, float]) -> float:
    start, end = window
    return min(1.0, max(0.0, (hour - start) / (end - start)))


def state_of_charge(t: float, utc_offset: float) -> float:
    """State of charge in percent."""
    _, hour = _local_day_and_hour(t, utc_offset)
    swing = SOC_HIGH - SOC_LOW
    return SOC_LOW + swing * (_ramp(hour, CHARGE_HOURS) - _ramp(hour, DISCHARGE_HOURS))


def battery_energy_until(t: float, nameplate_kwh: float, utc_offset: float) -> tuple[float, float]:
    """(charged kWh, discharged kWh) from the epoch to `t`."""
    day, hour = _local_day_and_hour(t, utc_offset)
    per_cycle = nameplate_kwh * (SOC_HIGH - SOC_LOW) / 100.0
    return (
        per_cycle * (day + _ramp(hour, CHARGE_HOURS)),
        per_cycle * (day + _ramp(hour, DISCHARGE_HOURS)),
    )


def interval_windows(
    start: datetime, end: datetime, level: str, utc_offset: float, now: float
) -> list[tuple[datetime, datetime]]:
    """Whole periods of `level` covering [start, end), only those already closed at `now`.

    Periods align to the site's local midnight / month start; a partial request is widened to
    whole periods (notes §6.7). Times are returned in UTC.
    """
    local = timezone_of(utc_offset)
    first = _floor(start.astimezone(local), level)
    windows: list[tuple[datetime, datetime]] = []
    cursor = first
    while cursor < end and len(windows) < 100_000:
        following = _next(cursor, level)
        if following.timestamp() > now:
            break
        windows.append((cursor.astimezone(UTC), following.astimezone(UTC)))
        cursor = following
    return windows


def timezone_of(utc_offset: float) -> tzinfo:
    """A fixed-offset zone for a site."""
    return timezone(timedelta(hours=utc_offset))


def _floor(moment: datetime, level: str) -> datetime:
    if level == "15mins":
        return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    if level == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    if level == "day":
        return moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next(moment: datetime, level: str) -> datetime:
    if level == "15mins":
        return moment + timedelta(minutes=15)
    if level == "hour":
        return moment + timedelta(hours=1)
    if level == "day":
        return moment + timedelta(days=1)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return moment.replace(year=year, month=month)
