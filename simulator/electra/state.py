"""Everything the fake cloud remembers, shared by the command handlers and the Python API."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
import random
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..clock import SimClock
from .protocol import parse_int_id
from .sessions import Auth
from .units import AcUnit

# International forms of an Israeli mobile number: the real cloud keys accounts by the phone
# string as typed, so "972501234567" is not "0501234567" but another, empty account (notes §2.4).
_INTERNATIONAL = re.compile(r"^\+?972\d{8,9}$")


def cloud_timezone() -> tzinfo:
    """Israel local time, which the timers' ``HH:MM`` refers to (UTC if tzdata is missing)."""
    try:
        return ZoneInfo("Asia/Jerusalem")
    except ZoneInfoNotFoundError:  # pragma: no cover - depends on the host's tzdata
        return UTC


@dataclass(slots=True)
class Account:
    """A phone the cloud knows; ``devices_null`` marks the empty international-form accounts."""

    phone: str
    user_id: int
    devices_null: bool = False


@dataclass
class CloudState:
    """Accounts, units, sessions and the logs tests read."""

    clock: SimClock
    rng: random.Random
    auth: Auth
    accounts: dict[str, Account] = field(default_factory=dict)
    units: dict[int, AcUnit] = field(default_factory=dict)
    commands: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    requests: list[tuple[str, Any, str | None]] = field(default_factory=list)
    forced_failures: dict[str, list[tuple[int, str | None]]] = field(default_factory=dict)
    tz: tzinfo = field(default_factory=cloud_timezone)
    timers_checked_at: float = 0.0
    next_device_id: int = 200_001
    timers_fired: int = 0
    # Seconds a unit takes to apply a SEND_COMMAND (0: at once); read-backs before see the old.
    command_delay: float = 0.0
    # Set by SEND_COMMAND when its answer must never come (a control); read by the endpoint.
    withhold_reply: bool = False
    # Replies of these commands wait for the matching event (see ElectraCloud.hold_next_reply).
    held_replies: dict[str, list[tuple[asyncio.Event, asyncio.Event]]] = field(default_factory=dict)

    def now(self) -> float:
        """Wall time on the simulated clock (units and timers run on it)."""
        return self.clock.time()

    def account(self, phone: str) -> Account | None:
        """Return the account of a phone; international forms get an empty one on first use."""
        account = self.accounts.get(phone)
        if account is None and _INTERNATIONAL.match(phone):
            account = Account(phone, 90_000 + len(self.accounts), devices_null=True)
            self.accounts[phone] = account
        return account

    def units_of(self, phone: str) -> list[AcUnit]:
        """Return the units of one account, in registration order."""
        return [unit for unit in self.units.values() if unit.owner == phone]

    def unit_for(self, phone: str, raw_id: object) -> AcUnit | None:
        """Return the account's unit with that id (int or decimal string), None for others."""
        device_id = parse_int_id(raw_id)
        unit = self.units.get(device_id) if device_id is not None else None
        return unit if unit is not None and unit.owner == phone else None

    def allocate_device_id(self) -> int:
        """Return a device id no unit has."""
        while self.next_device_id in self.units:
            self.next_device_id += 1
        device_id = self.next_device_id
        self.next_device_id += 1
        return device_id

    def new_event_id(self) -> int:
        """Return a random, unused event id, as the cloud generates them."""
        taken = {event_id for other in self.units.values() for event_id in other.events}
        while True:
            event_id = self.rng.randrange(100_000, 1_000_000)
            if event_id not in taken:
                return event_id

    def request_counts(self) -> Counter[str]:
        """Count the requests of each cmd."""
        return Counter(cmd for cmd, _, _ in self.requests)

    def catch_up(self) -> None:
        """Fire every timer due since the last call, oldest first.

        Units settle their room temperature lazily on read; only timers need replaying in
        order, because each firing changes the state the next drift is computed from.
        """
        now = self.now()
        for unit in self.units.values():
            unit.apply_due(now)
        start, self.timers_checked_at = self.timers_checked_at, now
        due: list[tuple[float, int, AcUnit, dict[str, Any]]] = []
        for unit in self.units.values():
            if not unit.enable_events:
                continue
            for event in unit.events.values():
                due.extend(
                    (at, event.event_id, unit, event.actions)
                    for at in event.occurrences(start, now, self.tz)
                )
        for at, _, unit, actions in sorted(due, key=lambda item: (item[0], item[1])):
            if unit.apply_actions(actions, at):
                self.timers_fired += 1
