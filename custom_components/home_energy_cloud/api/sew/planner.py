"""Which days a statistics import asks for, and how they are fetched (no Home Assistant here).

Rules (notes §5, §6): the first import backfills up to two years, one request per day of
interval data; later imports re-read from the day holding the last *final* point (estimated or
partial days are rewritten once final) up to yesterday (today is never published yet). A day
is final when every local hour is there and none is estimated, or when it is so old that a gap
is permanent. Requests run with bounded concurrency and start at most one per ``pace`` seconds;
the caller gets the longest run of consecutive days that succeeded, so running sums never skip
a day.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..exceptions import ApiError
from .models import SewUsageRow
from .usage import SewUsage

HISTORY_DAYS = 730
GIVE_UP_DAYS = 10
"""A day still incomplete this many days later is taken as it is (dnlbck's rule)."""


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The days to request, oldest first."""

    days: tuple[date, ...]
    backfill: bool
    """True for the first import (nothing stored yet)."""


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The aware UTC instant a local day starts."""
    return datetime.combine(day, datetime.min.time()).replace(tzinfo=tz).astimezone(UTC)


def hours_in_day(day: date, tz: ZoneInfo) -> int:
    """23, 24 or 25: the local hours of ``day``."""
    span = local_midnight(day + timedelta(days=1), tz) - local_midnight(day, tz)
    return round(span / timedelta(hours=1))


def plan_import(
    last_final: datetime | None,
    today: date,
    tz: ZoneInfo,
    *,
    history_days: int = HISTORY_DAYS,
    data_start: date | None = None,
) -> ImportPlan:
    """The days to request, given the end of the last final hour stored (None: nothing yet).

    ``data_start``: the meter's first day with data where the utility tells (its first
    billing cycle); no day before it is asked for.
    """
    yesterday = today - timedelta(days=1)
    oldest = today - timedelta(days=history_days)
    if data_start is not None:
        oldest = max(oldest, data_start)
    if last_final is None:
        first, backfill = oldest, True
    else:
        # The day holding the instant just after the last final hour: it may be partial.
        first, backfill = last_final.astimezone(tz).date(), False
        first = max(first, oldest)
    count = (yesterday - first).days + 1
    return ImportPlan(tuple(first + timedelta(days=n) for n in range(max(0, count))), backfill)


def is_day_final(
    day: date,
    rows: Sequence[SewUsageRow],
    today: date,
    tz: ZoneInfo,
    *,
    give_up_days: int = GIVE_UP_DAYS,
    daily: bool = False,
) -> bool:
    """Whether a day's rows (hourly, or its one ``daily`` row) will not change any more."""
    if (today - day).days >= give_up_days:
        return True
    expected = 1 if daily else hours_in_day(day, tz)
    return len(rows) == expected and all(row.final for row in rows)


@dataclass(slots=True)
class FetchResult[T]:
    """Consecutive days fetched from the start of the plan, and the error that stopped it."""

    results: list[tuple[date, T]] = field(default_factory=list)
    error: ApiError | None = None


class Pacer:
    """Lets request starts through no closer than ``pace`` seconds apart."""

    def __init__(
        self,
        pace: float,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """``clock`` and ``sleep`` are injectable so tests need no real time."""
        self._pace = pace
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._next = 0.0

    async def wait(self) -> None:
        """Return when the next request may start."""
        async with self._lock:
            now = self._clock()
            if now < self._next:
                await self._sleep(self._next - now)
                now = self._next
            self._next = now + self._pace


async def fetch_days[T](
    days: Sequence[date],
    fetch: Callable[[date], Awaitable[T]],
    *,
    concurrency: int = 4,
    pacer: Pacer | None = None,
    prefetched: Mapping[date, T] | None = None,
) -> FetchResult[T]:
    """Fetch every day, at most ``concurrency`` at once, each start passing the pacer.

    ``prefetched``: replies already in hand (the refresh that started the import read the
    newest day for its month-to-date figures); those days cost no request. On the first API
    error no new day is started (other errors propagate); the result holds the days before the
    first failed one (in order) and that failure.
    """
    semaphore = asyncio.Semaphore(max(1, concurrency))
    outcomes: dict[date, T | ApiError] = dict(prefetched or {})
    stop = asyncio.Event()

    async def one(day: date) -> None:
        if day in outcomes:
            return
        async with semaphore:
            if stop.is_set():
                return
            if pacer is not None:
                await pacer.wait()
            try:
                outcomes[day] = await fetch(day)
            except ApiError as err:
                outcomes[day] = err
                stop.set()

    await asyncio.gather(*(one(day) for day in days))
    result: FetchResult[T] = FetchResult()
    for day in days:
        if day not in outcomes:
            break
        outcome = outcomes[day]
        if isinstance(outcome, ApiError):
            result.error = outcome
            break
        result.results.append((day, outcome))
    return result


async def fetch_daily_windows(
    days: Sequence[date],
    fetch: Callable[[date], Awaitable[SewUsage]],
    tz: ZoneInfo,
    *,
    pacer: Pacer | None = None,
    prefetched: Mapping[date, SewUsage] | None = None,
) -> FetchResult[SewUsage]:
    """Daily rows of every day, read as windows ending at a day (``fetch(end)``).

    The server picks each window's length (notes §2: about 30 days, or a billing cycle), so
    the walk goes back from the newest day, each window ending the day before the oldest row
    of the last. It stops at the first day, or where a window holds nothing older (the start
    of the meter's data, or a server that ignores the date). The result has one entry per day
    (no rows where the utility has none); after an API error it is empty, since the days
    read so far are the newest and a chain must start at the oldest.
    """
    if not days:
        return FetchResult()
    first = days[0]
    rows: dict[date, list[SewUsageRow]] = {day: [] for day in days}
    end, oldest = days[-1], None
    while True:
        usage = (prefetched or {}).get(end)
        if usage is None:
            if pacer is not None:
                await pacer.wait()
            try:
                usage = await fetch(end)
            except ApiError as err:
                return FetchResult(error=err)
        row_days = [row.start.astimezone(tz).date() for row in usage.rows]
        for row, day in zip(usage.rows, row_days, strict=True):
            if day in rows and day <= end:
                rows[day].append(row)
        earliest = min(row_days, default=None)
        if earliest is None or earliest <= first or (oldest is not None and earliest >= oldest):
            break
        oldest, end = earliest, earliest - timedelta(days=1)
    return FetchResult(results=[(day, SewUsage(rows[day], None)) for day in days])
