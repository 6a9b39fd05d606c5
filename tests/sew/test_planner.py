"""The statistics-import planner: which days, how paced, and a backfill against the fake."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.home_energy_cloud.api.sew import (
    Pacer,
    SewClient,
    SewConnectionError,
    SewUsageRow,
    fetch_days,
    hours_in_day,
    is_day_final,
    plan_import,
)
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
