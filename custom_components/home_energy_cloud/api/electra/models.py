"""Typed views of the Electra Smart answers, parsed defensively (protocol notes §2.4-§2.8)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
import json
import logging
import re
from typing import Any

from ..exceptions import ApiProtocolError
from .const import GROUP_DIAG, GROUP_HB, GROUP_OPER, NULL_GROUP_VALUES, STALE_REPORT_AGE

_LOGGER = logging.getLogger(__name__)

_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
ALL_DAYS = 0b1111111


def _optional_str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _as_bool(value: object) -> bool | None:
    """Booleans arrive as JSON booleans, 0/1 or strings, depending on the field and the app."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "1", "on", "yes"}:
            return True
        if lowered in {"false", "0", "off", "no"}:
            return False
    return None


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _is_ac_type(raw: Mapping[str, Any]) -> bool:
    """Whether a device record is an air conditioner ("A/C"; spelt loosely to be safe)."""
    type_name = raw.get("deviceTypeName")
    if isinstance(type_name, str) and type_name.strip():
        return re.sub(r"[^a-z]", "", type_name.lower()) == "ac"
    # No type name at all: fall back to the numeric id that accompanies "A/C" in every sample.
    return _as_int(raw.get("deviceTypeId")) == 1


@dataclass(frozen=True, slots=True)
class ElectraDevice:
    """One air conditioner of the account (GET_DEVICES)."""

    id: int
    name: str
    mac: str
    model: str | None
    manufacturer: str | None
    firmware: str | None
    serial: str | None
    events_enabled: bool | None
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> ElectraDevice | None:
        """Build from a device record; None for records that are not usable A/C units."""
        if not _is_ac_type(raw):
            return None
        device_id = _as_int(raw.get("id"))
        if device_id is None:
            _LOGGER.debug("Skipping an Electra device record without a numeric id")
            return None
        return cls(
            id=device_id,
            name=_optional_str(raw.get("name")) or f"Electra {device_id}",
            mac=_optional_str(raw.get("mac")) or "",
            model=_optional_str(raw.get("model")),
            manufacturer=_optional_str(raw.get("manufactor")),
            firmware=_optional_str(raw.get("fmVersion")),
            serial=_optional_str(raw.get("sn")),
            events_enabled=_as_bool(raw.get("enableEvents")),
            raw=dict(raw),
        )


def parse_devices(data: Mapping[str, Any]) -> list[ElectraDevice]:
    """Return the A/C units of a GET_DEVICES answer; `devices: null` is an empty account."""
    raw_devices = data.get("devices")
    if raw_devices is None:
        return []
    if not isinstance(raw_devices, list):
        raise ApiProtocolError("GET_DEVICES: 'devices' is not a list")
    devices: list[ElectraDevice] = []
    for raw in raw_devices:
        if not isinstance(raw, Mapping):
            continue
        device = ElectraDevice.from_api(raw)
        if device is not None:
            devices.append(device)
    return devices


def _decode_group(name: str, value: object) -> dict[str, Any] | None:
    """One telemetry group: a JSON string of a one-key object wrapping the real map."""
    if value is None:
        return None
    if isinstance(value, str):
        if value.strip().lower() in NULL_GROUP_VALUES:
            return None
        try:
            value = json.loads(value)
        except ValueError as err:
            raise ApiProtocolError(f"telemetry group {name} is not valid JSON") from err
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ApiProtocolError(f"telemetry group {name} is not an object")
    if name in value:
        inner = value[name]
        if inner is None or (isinstance(inner, str) and inner.strip().lower() in NULL_GROUP_VALUES):
            return None
        if not isinstance(inner, dict):
            raise ApiProtocolError(f"telemetry group {name} does not hold an object")
        return inner
    # Tolerate a group sent without its wrapper: the map itself.
    return value


@dataclass(frozen=True, slots=True)
class ElectraTelemetry:
    """The last telemetry of one unit (GET_LAST_TELEMETRY)."""

    oper: dict[str, Any] | None
    diag: dict[str, Any] | None
    heartbeat: dict[str, Any] | None
    time_delta: int | None
    """`timeDelta` as the cloud sent it: seconds since the unit last reported (notes §2.7)."""
    fetched_at: float

    @property
    def online(self) -> bool:
        """Whether the unit reported its operating state at all."""
        return self.oper is not None

    @property
    def report_age(self) -> int | None:
        """Seconds between the unit's last report and this read (None: the cloud did not say).

        `timeDelta` is the age of the unit's last report, not the time since its state last
        changed: pyElectra added it "to show disconnected devices", Home Assistant core has
        marked units unavailable above 120 s since 2023 with no report of idle units going
        unavailable, and units send a heartbeat (HB_CNT) while idle (notes §2.7).
        """
        return self.time_delta

    def is_stale(self, threshold: float = STALE_REPORT_AGE) -> bool:
        """Whether the unit has stopped reporting: its last report is older than `threshold`.

        The cloud keeps serving a silent unit's last telemetry, so its values are not its state.
        An unknown age is not taken as stale.
        """
        return self.time_delta is not None and self.time_delta > threshold

    @classmethod
    def from_api(cls, data: Mapping[str, Any], fetched_at: float) -> ElectraTelemetry:
        """Decode the doubly-encoded groups of a telemetry answer."""
        groups = data.get("commandJson")
        if isinstance(groups, str):
            # Not seen in the wild, but the write side uses a string here, so accept both.
            try:
                groups = json.loads(groups) if groups.strip() else None
            except ValueError as err:
                raise ApiProtocolError("telemetry commandJson is not valid JSON") from err
        if groups is None:
            groups = {}
        if not isinstance(groups, dict):
            raise ApiProtocolError("telemetry commandJson is not an object")
        return cls(
            oper=_decode_group(GROUP_OPER, groups.get(GROUP_OPER)),
            diag=_decode_group(GROUP_DIAG, groups.get(GROUP_DIAG)),
            heartbeat=_decode_group(GROUP_HB, groups.get(GROUP_HB)),
            time_delta=_as_int(data.get("timeDelta")),
            fetched_at=fetched_at,
        )


def _parse_actions(value: object) -> dict[str, str | int]:
    if value is None:
        return {}
    if isinstance(value, str):
        if not value.strip():
            return {}
        try:
            value = json.loads(value)
        except ValueError as err:
            raise ApiProtocolError("timer actionsJson is not valid JSON") from err
    if not isinstance(value, dict):
        raise ApiProtocolError("timer actionsJson is not an object")
    actions: dict[Any, Any] = value
    if isinstance(actions.get(GROUP_OPER), dict):
        actions = actions[GROUP_OPER]
    return {
        str(key): item if isinstance(item, str | int) and not isinstance(item, bool) else str(item)
        for key, item in actions.items()
    }


@dataclass(frozen=True, slots=True)
class ElectraTimer:
    """One cloud-side timer ("event") of a unit."""

    event_id: str | None
    time: str
    days: int
    enabled: bool
    actions: dict[str, str | int]

    def __post_init__(self) -> None:
        """Refuse values the cloud would reject, before anything is sent."""
        if not _TIME_RE.match(self.time):
            raise ValueError("timer time must be HH:MM")
        if not 0 <= self.days <= ALL_DAYS:
            raise ValueError("timer days must be a 7-bit mask")

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> ElectraTimer:
        """Parse one entry of GET_EVENTS."""
        event_id = raw.get("eventId")
        days = _as_int(raw.get("days"))
        time_text = raw.get("time")
        if event_id is None or days is None or not isinstance(time_text, str):
            raise ApiProtocolError("timer entry lacks eventId, time or days")
        try:
            return cls(
                event_id=str(event_id),
                time=time_text.strip(),
                days=days,
                enabled=bool(_as_bool(raw.get("enabled"))),
                actions=_parse_actions(raw.get("actionsJson")),
            )
        except ValueError as err:
            raise ApiProtocolError(f"timer entry is invalid: {err}") from err

    def to_api(self) -> dict[str, Any]:
        """Return the `event` object of SET_EVENT; no eventId means "create"."""
        event: dict[str, Any] = {
            "time": self.time,
            "days": self.days,
            "enabled": self.enabled,
            "actionsJson": json.dumps(self.actions, separators=(",", ":")),
        }
        if self.event_id is not None:
            event["eventId"] = self.event_id
        return event


@dataclass(frozen=True, slots=True)
class ElectraTimers:
    """The timers of one unit and the unit-wide "timers on" flag (GET_EVENTS)."""

    enabled: bool
    timers: tuple[ElectraTimer, ...]

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> ElectraTimers:
        """Parse a GET_EVENTS answer; `events` may be a list or a JSON string of one."""
        events = data.get("events")
        if isinstance(events, str):
            try:
                events = json.loads(events) if events.strip() else None
            except ValueError as err:
                raise ApiProtocolError("GET_EVENTS: events is not valid JSON") from err
        if events is None:
            events = []
        if not isinstance(events, list):
            raise ApiProtocolError("GET_EVENTS: events is not a list")
        return cls(
            enabled=bool(_as_bool(data.get("enabled"))),
            timers=tuple(ElectraTimer.from_api(raw) for raw in events if isinstance(raw, Mapping)),
        )


@dataclass(frozen=True, slots=True)
class ElectraSession:
    """A session to carry across client instances (reloads, restarts).

    Ages, not timestamps, because each client measures time on its own monotonic clock. The
    caller stores it next to the token it belongs to.
    """

    sid: str | None
    sid_age: float
    """Seconds since the SID was issued."""
    validate_age: float | None
    """Seconds since the last VALIDATE_TOKEN (None: none since the login)."""


@dataclass(slots=True)
class ElectraStats:
    """Counters for benchmarks and diagnostics; mutated by the client."""

    requests: Counter[str] = field(default_factory=Counter)
    validate_token_calls: int = 0
    session_renewals: int = 0
    session_retries: int = 0
    renewals_throttled: int = 0
    commands_sent: int = 0
    command_resends: int = 0
    merged_set_state_calls: int = 0

    @property
    def total_requests(self) -> int:
        """Every POST sent, whatever the command."""
        return sum(self.requests.values())
