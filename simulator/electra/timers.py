"""Server-side timers ("events", notes §2.8): their model, validation and schedule.

``actionsJson`` is accepted as an object or as a string holding a JSON object (the notes don't
say which the real cloud wants); it must be a non-empty map of OPER keys, without an ``OPER``
wrapper. Answers always carry it as an object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time as dtime, timedelta, tzinfo
import json
import re
from typing import Any

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
ALL_DAYS = 127
ON_OFF = frozenset({"ON", "OFF"})
_ACTION_VALUES: dict[str, frozenset[str]] = {
    "AC_MODE": frozenset({"STBY", "COOL", "HEAT", "FAN", "DRY", "AUTO"}),
    "TURN_ON_OFF": ON_OFF,
    "FANSPD": frozenset({"LOW", "MED", "HIGH", "AUTO"}),
    "VSWING": ON_OFF,
    "HSWING": ON_OFF,
    "TURBO": ON_OFF,
    "IFEEL": ON_OFF,
    "SLEEP": ON_OFF,
    "SHABAT": ON_OFF,
}
SPT_MIN, SPT_MAX = 16, 30
# Events further back than this are not replayed after a clock jump: a week covers every
# weekday, and replaying older ones would only be overwritten by the newer ones.
_MAX_REPLAY = timedelta(days=8)


class EventError(ValueError):
    """The event in a SET_EVENT request is not acceptable."""


@dataclass(slots=True)
class TimerEvent:
    """One timer of a unit."""

    event_id: int
    time: str
    days: int
    enabled: bool = True
    actions: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """Return the event as GET_EVENTS lists it."""
        return {
            "eventId": self.event_id,
            "time": self.time,
            "days": self.days,
            "enabled": self.enabled,
            "actionsJson": dict(self.actions),
        }

    def runs_on(self, when: datetime) -> bool:
        """Tell whether the weekday mask includes ``when``'s day (bit 0 = Sunday)."""
        bit = (when.weekday() + 1) % 7
        return bool(self.days & (1 << bit))

    def occurrences(self, start: float, end: float, tz: tzinfo) -> list[float]:
        """Return the Unix times in ``(start, end]`` when this event fires (``tz`` local time)."""
        if not self.enabled or end <= start:
            return []
        first = max(start, end - _MAX_REPLAY.total_seconds())
        hour, minute = (int(part) for part in self.time.split(":"))
        day = datetime.fromtimestamp(first, tz).date()
        last_day = datetime.fromtimestamp(end, tz).date()
        found: list[float] = []
        while day <= last_day:
            local = datetime.combine(day, dtime(hour, minute), tzinfo=tz)
            stamp = local.timestamp()
            if first < stamp <= end and self.runs_on(local):
                found.append(stamp)
            day += timedelta(days=1)
        return found


def validate_spt(value: object) -> bool:
    """Check for a whole-degree set point in range, int or decimal string ("22.5" is not)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return SPT_MIN <= value <= SPT_MAX
    if isinstance(value, str) and value.isdigit():
        return SPT_MIN <= int(value) <= SPT_MAX
    return False


def _parse_actions(raw: object) -> dict[str, Any]:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as err:
            raise EventError("actionsJson is not valid JSON") from err
    if not isinstance(raw, dict) or not raw:
        raise EventError("actionsJson must be a non-empty object of OPER keys")
    for key, value in raw.items():
        if key == "SPT":
            if not validate_spt(value):
                raise EventError(f"invalid SPT {value!r}")
        elif key in _ACTION_VALUES:
            if value not in _ACTION_VALUES[key]:
                raise EventError(f"invalid {key} {value!r}")
        else:
            raise EventError(f"unknown action key {key!r}")
    return dict(raw)


def parse_event_fields(raw: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """Validate the event fields present in ``raw``; a create needs time, days and actions.

    Unknown keys are ignored, as a lenient backend would.
    """
    fields: dict[str, Any] = {}
    if "time" in raw:
        if not isinstance(raw["time"], str) or not _TIME.match(raw["time"]):
            raise EventError("time must be HH:MM")
        fields["time"] = raw["time"]
    if "days" in raw:
        days = raw["days"]
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= ALL_DAYS:
            raise EventError("days must be a weekday mask 1..127")
        fields["days"] = days
    if "enabled" in raw:
        if not isinstance(raw["enabled"], bool):
            raise EventError("enabled must be a boolean")
        fields["enabled"] = raw["enabled"]
    if "actionsJson" in raw:
        fields["actions"] = _parse_actions(raw["actionsJson"])
    if creating:
        missing = {"time", "days", "actions"} - set(fields)
        if missing:
            names = sorted("actionsJson" if name == "actions" else name for name in missing)
            raise EventError(f"missing {', '.join(names)}")
    return fields
