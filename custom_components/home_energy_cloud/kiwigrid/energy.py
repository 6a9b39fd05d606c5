"""A persistent, monotonic energy accumulator for the REST cloud's analytics period totals.

The current Solarwatt cloud has no lifetime counters, only totals over a period
(``analytics/overview``). The Energy dashboard needs counters that only grow, so this keeps,
per ``Work*`` tag:

* ``base``: the energy of every finished day, summed;
* ``today``: the largest total reported so far for the current day (local time).

The counter is ``base + today``. A day's total is re-read in full when the day ends (data the
Energy Manager uploaded late is included) and folded into ``base``; a smaller answer than one
seen before (a cloud glitch) never lowers the counter. The state is stored after every change,
so a restart continues where it left off; days missed while Home Assistant was off are caught
up from the analytics (at most ``ENERGY_CATCH_UP_DAYS`` back; older days are lost). The first
start counts from midnight of that day.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
import math
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..api.kiwigrid import EnergyTotals
from ..const import DOMAIN
from .const import ENERGY_CATCH_UP_DAYS

STORAGE_VERSION = 1
SAVE_DELAY = 10  # seconds

type TotalsReader = Callable[[datetime, datetime], Awaitable[EnergyTotals]]


def site_now() -> datetime:
    """The current local time (a function of its own so tests can follow a simulated clock)."""
    return dt_util.now()


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _naive(moment: datetime) -> datetime:
    """The analytics API takes local wall-clock times."""
    return moment.replace(tzinfo=None)


@dataclass
class AccumulatorState:
    """What is stored: the finished days' sum and today's largest totals, in Wh."""

    day: str | None = None
    base: dict[str, float] = field(default_factory=dict)
    today: dict[str, float] = field(default_factory=dict)

    def as_record(self) -> dict[str, Any]:
        """The stored form."""
        return {"day": self.day, "base": self.base, "today": self.today}

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | None) -> AccumulatorState:
        """The restored state; a damaged record starts afresh."""
        if not record:
            return cls()
        try:
            day = date.fromisoformat(record["day"]).isoformat()
            base = {str(k): float(v) for k, v in record["base"].items()}
            today = {str(k): float(v) for k, v in record["today"].items()}
        except (KeyError, TypeError, ValueError, AttributeError):
            return cls()
        if not all(math.isfinite(v) and v >= 0 for v in (*base.values(), *today.values())):
            return cls()
        return cls(day=day, base=base, today=today)

    def totals(self) -> dict[str, float]:
        """Each tag's counter (Wh)."""
        return {tag: self.base.get(tag, 0.0) + self.today.get(tag, 0.0) for tag in self._tags()}

    def _tags(self) -> set[str]:
        return set(self.base) | set(self.today)

    def take_today(self, totals: Mapping[str, float]) -> None:
        """Today's totals so far: only ever raise them (a first 0 counts: it names the tag)."""
        for tag, value in totals.items():
            if value >= 0 and value > self.today.get(tag, -1.0):
                self.today[tag] = value

    def close_day(self, final: Mapping[str, float], next_day: str) -> None:
        """Fold a finished day (its full total, or what was seen of it) into the base."""
        self.take_today(final)
        for tag, value in self.today.items():
            self.base[tag] = self.base.get(tag, 0.0) + value
        self.today = {}
        self.day = next_day


class EnergyAccumulator:
    """One entry's accumulator, read from and written to Home Assistant's storage."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Bind to the entry's storage file (loaded by :meth:`async_load`)."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.kiwigrid_energy.{entry_id}"
        )
        self.state = AccumulatorState()
        self.last_read: datetime | None = None

    async def async_load(self) -> None:
        """Restore what the last run counted."""
        self.state = AccumulatorState.from_record(await self._store.async_load())

    async def async_remove(self) -> None:
        """Delete the stored state (the entry was deleted)."""
        await self._store.async_remove()

    def due(self, now: datetime, interval: timedelta) -> bool:
        """Whether the totals should be read again."""
        return self.last_read is None or now - self.last_read >= interval

    async def async_update(self, read: TotalsReader, now: datetime) -> dict[str, float]:
        """Read the totals needed to bring the counters up to ``now``; returns the counters.

        A failed read raises and changes nothing that was stored.
        """
        today = _midnight(now)
        state = self.state
        if state.day is None:
            state.day = today.date().isoformat()
        day = datetime.fromisoformat(state.day).replace(tzinfo=now.tzinfo)
        oldest = today - timedelta(days=ENERGY_CATCH_UP_DAYS)
        if day < oldest:
            # Days beyond the analytics' reach are lost; what was seen of the last one is kept.
            state.close_day({}, oldest.date().isoformat())
            day = oldest
        while day < today:
            following = day + timedelta(days=1)
            final = await read(_naive(day), _naive(following))
            state.close_day(final.totals, following.date().isoformat())
            day = following
        state.take_today((await read(_naive(today), _naive(now))).totals)
        self.last_read = now
        self._store.async_delay_save(state.as_record, SAVE_DELAY)
        return state.totals()
