"""The statistics-import planner: which days, how paced, and a backfill against the fake."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.home_energy_cloud.api.sew import (
    Pacer,
    Resolution,
    SewClient,
    SewConnectionError,
    SewUsage,
    SewUsageRow,
    fetch_daily_windows,
    fetch_days,
    hours_in_day,
    is_day_final,
    plan_import,
)
from custom_components.home_energy_cloud.api.sew.models import parse_meters
from custom_components.home_energy_cloud.api.sew.planner import local_midnight
from simulator import Simulator
from simulator.sew import HOME_ACCOUNT, TIME_ZONE, SewCloud

TZ = ZoneInfo(TIME_ZONE)
TODAY = date(2026, 12, 2)


def test_first_import_backfills_two_years_up_to_yesterday() -> None:
    plan = plan_import(None, TODAY, TZ)
    assert plan.backfill
    assert len(plan.days) == 730
    assert plan.days[0] == TODAY - timedelta(days=730)
    assert plan.days[-1] == TODAY - timedelta(days=1)
    assert list(plan.days) == sorted(set(plan.days))


@pytest.mark.parametrize(
    ("last_final", "first_day"),
    [
        (local_midnight(date(2026, 11, 29), TZ), date(2026, 11, 29)),
        (local_midnight(date(2026, 11, 29), TZ) + timedelta(hours=13), date(2026, 11, 29)),
        (datetime(2020, 1, 1, tzinfo=UTC), TODAY - timedelta(days=730)),
    ],
)
def test_later_imports_reread_from_the_last_final_point(
    last_final: datetime, first_day: date
) -> None:
    plan = plan_import(last_final, TODAY, TZ)
    assert not plan.backfill
    assert plan.days[0] == first_day
    assert plan.days[-1] == TODAY - timedelta(days=1)


def test_nothing_to_do_when_yesterday_is_final() -> None:
    assert plan_import(local_midnight(TODAY, TZ), TODAY, TZ).days == ()


def test_hours_in_day() -> None:
    assert hours_in_day(date(2026, 11, 1), TZ) == 25
    assert hours_in_day(date(2026, 3, 8), TZ) == 23
    assert hours_in_day(date(2026, 6, 1), TZ) == 24


def _rows(day: date, count: int, *, final: bool = True) -> list[SewUsageRow]:
    start = local_midnight(day, TZ)
    return [
        SewUsageRow(start + timedelta(hours=n), start + timedelta(hours=n + 1), 1.0, 0.1, final)
        for n in range(count)
    ]


def test_day_finality() -> None:
    day = TODAY - timedelta(days=2)
    assert is_day_final(day, _rows(day, 24), TODAY, TZ)
    assert not is_day_final(day, _rows(day, 23), TODAY, TZ)
    assert not is_day_final(day, _rows(day, 24, final=False), TODAY, TZ)
    old = TODAY - timedelta(days=10)
    assert is_day_final(old, _rows(old, 20), TODAY, TZ)


async def test_fetch_is_bounded_and_paced() -> None:
    now = 0.0
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        nonlocal now
        sleeps.append(seconds)
        now += seconds

    running = peak = 0

    async def fetch(day: date) -> int:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0)
        running -= 1
        return day.day

    days = [TODAY - timedelta(days=n) for n in range(10, 0, -1)]
    result = await fetch_days(
        days, fetch, concurrency=3, pacer=Pacer(0.25, lambda: now, fake_sleep)
    )
    assert result.error is None
    assert [day for day, _ in result.results] == days
    assert peak <= 3
    assert sleeps == [0.25] * 9


async def test_fetch_keeps_the_consecutive_days_before_a_failure() -> None:
    days = [TODAY - timedelta(days=n) for n in range(6, 0, -1)]

    async def fetch(day: date) -> date:
        if day == days[3]:
            raise SewConnectionError("down", 503)
        return day

    result = await fetch_days(days, fetch, concurrency=1)
    assert [day for day, _ in result.results] == days[:3]
    assert isinstance(result.error, SewConnectionError)


async def test_fetch_lets_bugs_through() -> None:
    async def fetch(day: date) -> None:
        raise KeyError(day)

    with pytest.raises(KeyError):
        await fetch_days([TODAY], fetch)


async def test_backfill_then_routine_refresh_against_the_fake(
    client: SewClient, sew_cloud: SewCloud, simulator: Simulator
) -> None:
    account = next(a for a in await client.get_accounts() if a.account_number == HOME_ACCOUNT)
    meter = (await client.get_meters(account))[0]
    today = sew_cloud.backend.book.today(simulator.clock.time())

    async def run(last_final: datetime | None) -> tuple[datetime | None, int]:
        plan = plan_import(last_final, today, client.time_zone, history_days=20)
        before = len(sew_cloud.backend.usage_requests)
        result = await fetch_days(
            plan.days, lambda day: client.get_hourly_usage(account, meter, day), concurrency=4
        )
        assert result.error is None
        assert len(result.results) == len(plan.days)
        for day, usage in result.results:
            if not is_day_final(day, usage.rows, today, client.time_zone):
                break
            last_final = local_midnight(day + timedelta(days=1), client.time_zone)
        # Usage requests that the fake answered (expired-session refusals are not counted).
        return last_final, len(sew_cloud.backend.usage_requests) - before

    last_final, backfill_requests = await run(None)
    assert backfill_requests == 20
    assert last_final is not None
    assert last_final.astimezone(client.time_zone).date() >= today - timedelta(days=4)

    simulator.clock.advance(6 * 3600)
    today = sew_cloud.backend.book.today(simulator.clock.time())
    _, refresh_requests = await run(last_final)
    assert 1 <= refresh_requests <= 3
    assert client.logins == 2  # the session expired meanwhile: one new login for all


def test_a_backfill_starts_no_earlier_than_the_meter_s_data() -> None:
    start = TODAY - timedelta(days=7)
    plan = plan_import(None, TODAY, TZ, data_start=start)
    assert plan.days[0] == start
    assert len(plan.days) == 7
    # A start older than the reach changes nothing.
    assert plan_import(None, TODAY, TZ, data_start=date(2000, 1, 1)).days[0] == TODAY - timedelta(
        days=730
    )


def test_daily_day_finality() -> None:
    day = TODAY - timedelta(days=2)
    assert is_day_final(day, _rows(day, 1), TODAY, TZ, daily=True)
    assert not is_day_final(day, _rows(day, 1, final=False), TODAY, TZ, daily=True)
    assert not is_day_final(day, [], TODAY, TZ, daily=True)


async def test_prefetched_days_cost_no_request() -> None:
    asked: list[date] = []

    async def fetch(day: date) -> str:
        asked.append(day)
        return "fetched"

    days = [TODAY - timedelta(days=n) for n in range(3, 0, -1)]
    result = await fetch_days(days, fetch, prefetched={days[-1]: "in hand"})
    assert asked == days[:2]
    assert [value for _, value in result.results] == ["fetched", "fetched", "in hand"]


def _daily(first: date, last: date) -> SewUsage:
    count = (last - first).days + 1
    return SewUsage(
        [row for n in range(count) for row in _rows(first + timedelta(days=n), 1)], None
    )


async def test_daily_windows_walk_back_to_the_first_day() -> None:
    """Each window ends the day before the oldest row of the last one; no day twice."""
    ends: list[date] = []

    async def fetch(end: date) -> SewUsage:
        ends.append(end)
        return _daily(end - timedelta(days=29), end)

    days = [TODAY - timedelta(days=n) for n in range(75, 0, -1)]
    result = await fetch_daily_windows(days, fetch, TZ)
    assert ends == [days[-1], days[-31], days[-61]]
    assert [day for day, _ in result.results] == days
    assert all(len(usage.rows) == 1 for _, usage in result.results)


async def test_daily_windows_stop_where_the_server_gives_nothing_older() -> None:
    """A server that ignores the date (or a meter whose data starts later) ends the walk."""
    newest = TODAY - timedelta(days=1)
    fixed = _daily(newest - timedelta(days=9), newest)
    calls = 0

    async def fetch(end: date) -> SewUsage:
        nonlocal calls
        calls += 1
        return fixed

    days = [TODAY - timedelta(days=n) for n in range(40, 0, -1)]
    result = await fetch_daily_windows(days, fetch, TZ, prefetched={newest: fixed})
    assert calls == 1  # the prefetched window, then one that gave nothing older
    assert sum(len(usage.rows) for _, usage in result.results) == 10

    async def empty(end: date) -> SewUsage:
        return SewUsage([], None)

    assert all(not usage.rows for _, usage in (await fetch_daily_windows(days, empty, TZ)).results)
    assert (await fetch_daily_windows([], empty, TZ)).results == []


async def test_daily_windows_fail_whole() -> None:
    """The newest windows come first; without the oldest, no chain can start."""

    async def fetch(end: date) -> SewUsage:
        if end < TODAY - timedelta(days=10):
            raise SewConnectionError("down", 503)
        return _daily(end - timedelta(days=4), end)

    days = [TODAY - timedelta(days=n) for n in range(20, 0, -1)]
    result = await fetch_daily_windows(days, fetch, TZ, pacer=Pacer(0, lambda: 0.0))
    assert result.results == []
    assert isinstance(result.error, SewConnectionError)


def test_meters_without_an_ami_flag_are_taken_as_interval_meters() -> None:
    meters = parse_meters(
        {
            "MeterDetails": [
                {"MeterNumber": "1", "MeterType": "E"},
                {"MeterNumber": "2", "MeterType": "W", "IsAMI": False},
                {"MeterNumber": "3", "MeterType": "E", "IsAMI": "1"},
            ]
        }
    )
    assert [m.resolution for m in meters] == [
        Resolution.HOURLY,
        Resolution.DAILY,
        Resolution.HOURLY,
    ]
