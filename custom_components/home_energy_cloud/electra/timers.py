"""Cloud timers: conversions between the cloud's events and what users see (pure functions)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from homeassistant.components.climate.const import HVACMode

from ..api.electra import ElectraTimer, ElectraTimers
from ..api.electra.const import AC_MODE, FANSPD, OFF, SPT, STBY, TURN_ON_OFF
from .state import AC_TO_FAN_MODE, AC_TO_HVAC_MODE, FAN_MODE_TO_AC, mode_changes, off_changes

# The cloud's day mask: bit 0 is Sunday ... bit 6 is Saturday.
WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
EVERY_DAY = 0b1111111


def weekdays_to_mask(weekdays: list[str]) -> int:
    """``["mon", "fri"]`` -> the cloud's day mask."""
    return sum(1 << WEEKDAYS.index(day) for day in set(weekdays))


def mask_to_weekdays(mask: int) -> list[str]:
    """The cloud's day mask -> ``["sun", ...]`` in week order."""
    return [day for bit, day in enumerate(WEEKDAYS) if mask & (1 << bit)]


def actions_hvac_mode(actions: dict[str, Any]) -> HVACMode | None:
    """What mode a timer puts the unit in (None if it does not change the mode)."""
    if actions.get(TURN_ON_OFF) == OFF or actions.get(AC_MODE) == STBY:
        return HVACMode.OFF
    return AC_TO_HVAC_MODE.get(str(actions.get(AC_MODE)))


def timer_to_dict(timer: ElectraTimer) -> dict[str, Any]:
    """A timer as service responses and attributes present it."""
    spt = timer.actions.get(SPT)
    return {
        "timer_id": timer.event_id,
        "time": timer.time,
        "weekdays": mask_to_weekdays(timer.days),
        "enabled": timer.enabled,
        "hvac_mode": actions_hvac_mode(timer.actions),
        "temperature": int(spt) if spt is not None and str(spt).isdigit() else None,
        "fan_mode": AC_TO_FAN_MODE.get(str(timer.actions.get(FANSPD))),
    }


def build_actions(
    oper: dict[str, Any],
    hvac_mode: HVACMode,
    temperature: float | None,
    fan_mode: str | None,
) -> dict[str, str | int]:
    """The partial OPER a timer applies, shaped like the unit's own OPER (SPT type kept)."""
    if hvac_mode == HVACMode.OFF:
        return dict(off_changes(oper))
    actions: dict[str, str | int] = dict(mode_changes(oper, hvac_mode))
    if temperature is not None:
        whole = round(temperature)
        actions[SPT] = whole if isinstance(oper.get(SPT), int) else str(whole)
    if fan_mode is not None:
        actions[FANSPD] = FAN_MODE_TO_AC[fan_mode]
    return actions


def _parse_time(value: str) -> time | None:
    try:
        hours, minutes = (int(part) for part in value.split(":")[:2])
        return time(hours, minutes)
    except ValueError:
        return None


def next_timer(timers: ElectraTimers | None, now: datetime) -> tuple[datetime, ElectraTimer] | None:
    """The next enabled timer to fire after ``now`` (local, timezone-aware), if any."""
    if timers is None or not timers.enabled:
        return None
    best: tuple[datetime, ElectraTimer] | None = None
    for timer in timers.timers:
        at = _parse_time(timer.time)
        if not timer.enabled or at is None or not timer.days & EVERY_DAY:
            continue
        for offset in range(8):
            day = now.date() + timedelta(days=offset)
            # date.weekday(): Monday is 0; the cloud's bit 0 is Sunday.
            if not timer.days & (1 << ((day.weekday() + 1) % 7)):
                continue
            when = datetime.combine(day, at, tzinfo=now.tzinfo)
            if when > now:
                if best is None or when < best[0]:
                    best = (when, timer)
                break
    return best
