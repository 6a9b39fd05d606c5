"""One AC unit: its OPER state, a lazily computed room temperature and its telemetry.

The room temperature is not ticked by a task: it is brought up to date from the SimClock
whenever the unit is read or changed, so a test that jumps the clock ahead sees the drift at
once. While the unit conditions the room it moves toward the set point at
:data:`ACTIVE_RATE` and stops there; otherwise it drifts toward the unit's ambient value at
:data:`PASSIVE_RATE`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
import hashlib
from typing import Any, Literal

from . import samples
from .families import Family, Live
from .protocol import compact_json
from .timers import TimerEvent, validate_spt

# A unit reports its telemetry this often while connected, changed or not; timeDelta is the age
# of its last report (notes §2.7). Seed samples show 53 and 70 s, and Home Assistant core's
# 120 s threshold has never been reported to trip on idle units, so the period lies between.
REPORT_INTERVAL = 90.0
ACTIVE_RATE = 0.1 / 60  # °C per second while cooling or heating
PASSIVE_RATE = 0.05 / 60  # °C per second while off, idle or fanning
GROUPS = ("OPER", "DIAG_L2", "HB")

# How a group without data appears in ``commandJson``: JSON null, the strings "null" or
# "None", or no key at all; all four are seen in the wild (notes §2.5).
MissingForm = Literal["json-null", "null", "None", "absent"]
_MISSING_VALUES: dict[str, str | None] = {"json-null": None, "null": "null", "None": "None"}


@dataclass(slots=True)
class AcUnit:
    """One AC as the cloud knows it."""

    device_id: int
    owner: str
    name: str
    family: Family
    oper: dict[str, Any] | None
    online: bool
    room: float
    ambient: float
    room_at: float
    changed_at: float
    reported_at: float
    """A moment the unit reported; while it reports, it does so every ``report_interval``."""
    rssi: int = -50
    outdoor: str = "0"
    mac: str = ""
    sn: str = ""
    user_id: int = 0
    regdate: str = "2023-06-04T21:46:07"
    has_device_token: bool = True
    enable_events: bool = True
    events_as_string: bool = False
    missing_forms: dict[str, MissingForm] = field(default_factory=dict)
    events: dict[int, TimerEvent] = field(default_factory=dict)
    ignore_next: int = 0
    hb_base: int = int(samples.SEED_HB["HB_CNT"])
    hb_since: float = 0.0
    report_interval: float = REPORT_INTERVAL
    silent: bool = False
    # What the cloud serves for a silent unit: its groups as last reported.
    last_report: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    # SEND_COMMANDs accepted but not yet applied: (when it applies, the OPER sent).
    pending: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    timeout_next: int = 0

    def __post_init__(self) -> None:
        """Derive the identifiers a real unit would have from its id."""
        if not self.mac:
            self.mac = f"C8F09E{self.device_id & 0xFFFFFF:06X}"
        if not self.sn:
            self.sn = f"EL{self.device_id:010d}"

    # -- state -------------------------------------------------------------------------------

    @property
    def powered(self) -> bool:
        """On/off: TURN_ON_OFF where the family has it, otherwise AC_MODE != STBY."""
        if self.oper is None:
            return False
        if self.family.turn_on_off:
            return bool(self.oper.get("TURN_ON_OFF") == "ON")
        return bool(self.oper.get("AC_MODE", "STBY") != "STBY")

    @property
    def set_point(self) -> int:
        """SPT as a number, whatever its wire type."""
        value = (self.oper or {}).get("SPT")
        return int(value) if isinstance(value, int | str) and validate_spt(value) else 24

    def _mode(self) -> str:
        return str((self.oper or {}).get("AC_MODE", "STBY")) if self.powered else "OFF"

    def _target(self) -> tuple[float, float]:
        """Where the room is heading and how fast, given the current state."""
        spt = float(self.set_point)
        mode = self._mode()
        if mode in {"COOL", "DRY"}:
            if self.room > spt:
                return spt, ACTIVE_RATE
            # The unit idles below the set point; the room warms up to it at most.
            return min(self.ambient, spt), PASSIVE_RATE
        if mode == "HEAT":
            if self.room < spt:
                return spt, ACTIVE_RATE
            return max(self.ambient, spt), PASSIVE_RATE
        if mode == "AUTO":
            return spt, ACTIVE_RATE
        return self.ambient, PASSIVE_RATE

    def settle(self, now: float) -> None:
        """Bring the room temperature up to ``now``."""
        elapsed = now - self.room_at
        if elapsed <= 0:
            return
        self.room_at = now
        target, rate = self._target()
        step = rate * elapsed
        if self.room < target:
            self.room = min(target, self.room + step)
        else:
            self.room = max(target, self.room - step)

    def odu_mode(self) -> str:
        """Return the outdoor unit's mode: COOL/HEAT while short of the set point, else IDLE."""
        spt = float(self.set_point)
        mode = self._mode()
        if mode in {"COOL", "DRY"} and self.room > spt:
            return "COOL"
        if mode in {"HEAT", "AUTO"} and self.room < spt:
            return "HEAT"
        if mode == "AUTO" and self.room > spt:
            return "COOL"
        return "IDLE"

    # -- writes ------------------------------------------------------------------------------

    def apply_command(self, sent: dict[str, Any], now: float, delay: float = 0.0) -> bool:
        """SEND_COMMAND: the unit takes the OPER sent, ``delay`` seconds from now.

        False when the unit won't apply it: offline, silent, or told to ignore commands,
        although the cloud answered success. See :meth:`_apply_now` for what it takes.
        """
        if not self.online or self.oper is None or self.silent:
            return False
        if self.ignore_next > 0:
            self.ignore_next -= 1
            return False
        if delay > 0:
            self.pending.append((now + delay, dict(sent)))
            return True
        return self._apply_now(sent, now)

    def apply_due(self, now: float) -> None:
        """Apply the delayed commands whose time has come, in the order they were sent."""
        due = [item for item in self.pending if item[0] <= now]
        self.pending = [item for item in self.pending if item[0] > now]
        for at, sent in due:
            if self.online and not self.silent:
                self._apply_now(sent, at)

    def _apply_now(self, sent: dict[str, Any], at: float) -> bool:
        """Take an OPER as a unit does: it reports its own state, not what it was sent.

        Keys the unit lacks are ignored. A value of another JSON type than the unit reports
        for that key (SPT 24 to a unit that reports "24", a float setpoint: HA #94367), or an
        unusable SPT ("35"), makes the unit drop the whole command. So a client that invents
        keys or changes a type sees its change not stick.
        """
        if self.oper is None:
            return False
        new = dict(self.oper)
        for key, value in sent.items():
            if key not in new:
                continue
            if not _same_type(new[key], value) or (key == "SPT" and not validate_spt(value)):
                return False
            new[key] = value
        self._replace(new, at)
        return True

    def apply_actions(self, actions: dict[str, Any], at: float) -> bool:
        """Fire a timer: merge its partial OPER map into the state."""
        if not self.online or self.oper is None or self.silent:
            return False
        self._replace({**self.oper, **actions}, at)
        return True

    def _replace(self, new: dict[str, Any], at: float) -> None:
        assert self.oper is not None
        self.settle(at)
        if self.family.turn_on_off and new.get("AC_MODE") == "STBY":
            # These units keep their last real mode while off and ignore STBY (notes §4.1).
            new["AC_MODE"] = self.oper.get("AC_MODE", "COOL")
        self.oper = new
        self.changed_at = at
        self.reported_at = at  # a unit reports a change at once

    def set_online(self, online: bool, now: float) -> None:
        """Connect or disconnect; a unit that never reported gets its family's initial OPER."""
        self.settle(now)
        if online and not self.online:
            if self.oper is None:
                self.oper = self.family.new_oper()
            self.changed_at = now
            self.reported_at = now  # it has just reported
        elif not online and self.online:
            self.reported_at = now - self.report_age(now)
        self.online = online

    def set_silent(self, silent: bool, now: float) -> None:
        """Stop or resume reporting, the unit staying registered and its last report served.

        A unit that lost its Wi-Fi or power looks like this: the cloud has nothing newer than
        its last report, so timeDelta grows, and commands never reach it.
        """
        self.settle(now)
        if silent and not self.silent:
            self.reported_at = now - self.report_age(now)
            self.last_report = {name: self.group(name, now) for name in GROUPS}
        elif not silent and self.silent:
            self.reported_at = now
            self.last_report = {}
        self.silent = silent

    def report_age(self, now: float) -> int:
        """timeDelta: whole seconds since the unit last reported."""
        elapsed = max(0.0, now - self.reported_at)
        if self.online and not self.silent and self.report_interval > 0:
            elapsed %= self.report_interval
        return int(elapsed)

    # -- reads -------------------------------------------------------------------------------

    def live(self) -> Live:
        """Return the values a DIAG_L2 block is rendered from."""
        return Live(
            room=round(self.room),
            spt=self.set_point,
            powered=self.powered,
            odu_mode=self.odu_mode(),
            fan=str((self.oper or {}).get("FANSPD", "AUTO")),
            rssi=self.rssi,
            outdoor=self.outdoor,
        )

    def group(self, name: str, now: float) -> dict[str, Any] | None:
        """Return the decoded content of one telemetry group, or None when the cloud has none."""
        if not self.online or self.oper is None:
            return None
        if self.silent:
            return self.last_report.get(name)
        if name == "OPER":
            return {"OPER": dict(self.oper)}
        if name == "DIAG_L2":
            return {"DIAG_L2": self.family.diag(self.live())}
        if name == "HB" and self.family.has_hb:
            # One heartbeat a minute since the scenario started.
            beats = self.hb_base + int(max(0.0, now - self.hb_since) // 60)
            return {"HB": {**samples.SEED_HB, "HB_CNT": str(beats)}}
        return None

    def telemetry(self, names: list[str], now: float) -> tuple[int, dict[str, str | None]]:
        """Return ``timeDelta`` and ``commandJson`` for GET_LAST_TELEMETRY."""
        self.settle(now)
        command_json: dict[str, str | None] = {}
        for name in names:
            content = self.group(name, now)
            if content is not None:
                command_json[name] = compact_json(content)
                continue
            form = self.missing_forms.get(name, "json-null")
            if form != "absent":
                command_json[name] = _MISSING_VALUES[form]
        return self.report_age(now), command_json

    def record(self) -> dict[str, Any]:
        """Return the GET_DEVICES entry, with the seed's fields and key order."""
        record: dict[str, Any] = {
            "providerName": "Electra",
            "deviceTypeName": "A/C",
            "manufactor": self.family.manufactor,
            "photoId": None,
            "permissions": 15,
            "isGroupMember": False,
            "mode": None,
            "OwnerUsername": self.owner,
            "deviceTypeId": 1,
            "name": self.name,
            "status": 0,
            "providerid": 1,
            "latitude": None,
            "longitude": None,
            "location": None,
            "sn": self.sn,
            "mac": self.mac,
            "model": self.family.model,
            "hwVersion": None,
            "fmVersion": self.family.fm_version,
            "userId": self.user_id,
            "manufactorId": self.family.manufactor_id,
            "iconId": None,
            "hasImage": False,
            "deviceToken": hashlib.sha256(f"device-{self.device_id}".encode()).hexdigest()[:32],
            "mqttId": f"d:alk2da:{self.family.mqtt_kind}:{self.mac.lower()}",
            "enableEvents": self.enable_events,
            "isActivated": True,
            "logLevel": None,
            "lastIntervalActivity": None,
            "powerKWH": None,
            "IsDebugMode": False,
            "regdate": self.regdate,
            "PowerOnID": None,
            "id": self.device_id,
        }
        if not self.has_device_token:
            del record["deviceToken"]  # some units lack it since Sep 2026 (notes §2.4)
        return record

    def events_payload(self) -> list[dict[str, Any]] | str:
        """Return ``data.events`` of GET_EVENTS: a list, or on some units that list as a string."""
        events = [event.as_json() for event in self.events.values()]
        return compact_json(events) if self.events_as_string else events


def _same_type(reported: object, sent: object) -> bool:
    """Whether ``sent`` has the JSON type the unit reports (bool is not a number here)."""
    if isinstance(reported, bool) or isinstance(sent, bool):
        return isinstance(reported, bool) and isinstance(sent, bool)
    if isinstance(reported, int):
        return isinstance(sent, int)
    return type(sent) is type(reported)
