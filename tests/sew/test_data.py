"""Accounts, meters, usage, bills and outages on both flavors, checked against the fake's data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
import itertools
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from custom_components.home_energy_cloud.api.sew import (
    Flavor,
    ServiceType,
    SewAccount,
    SewClient,
    SewMeter,
    SewModuleNotLicensedError,
    get_utility,
)
from simulator import Simulator
from simulator.sew import (
    CABIN_ACCOUNT,
    ELECTRIC_METER,
    ELECTRIC_PRICE,
    HOME_ACCOUNT,
    HOME_UTILITY_ACCOUNT,
    PASSWORD,
    TIME_ZONE,
    USERNAME,
    WATER_METER,
    SewCloud,
)
from simulator.sew.readings import day_readings
from simulator.sew.scenario import Meter

TZ = ZoneInfo(TIME_ZONE)


def sim_meter(cloud: SewCloud, number: str) -> Meter:
    for user in cloud.backend.users.values():
        for account in user.accounts:
            for meter in account.meters:
                if meter.number == number:
                    return meter
    raise KeyError(number)


async def home(client: SewClient) -> tuple[SewAccount, SewMeter, SewMeter]:
    accounts = await client.get_accounts()
    account = next(a for a in accounts if a.account_number == HOME_ACCOUNT)
    electric, water = await client.get_meters(account)
    return account, electric, water


def dst_days(today: date, *, longer: bool) -> list[date]:
    """Days of the last two years with 25 (longer) or 23 local hours."""
    found = []
    for offset in range(1, 700):
        day = today - timedelta(days=offset)
        start = datetime.combine(day, datetime.min.time()).replace(tzinfo=TZ)
        end = datetime.combine(day + timedelta(days=1), datetime.min.time()).replace(tzinfo=TZ)
        hours = (end.astimezone(UTC) - start.astimezone(UTC)) / timedelta(hours=1)
        if hours == (25 if longer else 23):
            found.append(day)
    return found


async def test_accounts_and_meters(client: SewClient) -> None:
    accounts = await client.get_accounts()
    assert [a.account_number for a in accounts] == [HOME_ACCOUNT, CABIN_ACCOUNT]
    assert accounts[0].utility_account_number == HOME_UTILITY_ACCOUNT
    assert accounts[0].is_default
    assert accounts[0].address is not None
    assert HOME_ACCOUNT not in repr(accounts[0])
    _, electric, water = await home(client)
    assert (electric.meter_number, electric.service, electric.unit) == (
        ELECTRIC_METER,
        ServiceType.ELECTRIC,
        "kWh",
    )
    assert electric.net_metered
    assert (water.meter_number, water.service, water.unit) == (
        WATER_METER,
        ServiceType.WATER,
        "gal",
    )
    assert not water.net_metered


async def test_hourly_usage_of_a_final_day(
    client: SewClient, sew_cloud: SewCloud, today: date
) -> None:
    account, electric, _ = await home(client)
    day = today - timedelta(days=10)
    usage = await client.get_hourly_usage(account, electric, day)
    expected = day_readings(sim_meter(sew_cloud, ELECTRIC_METER), TIME_ZONE, day)
    assert len(usage.rows) == len(expected)
    for row, slot in zip(usage.rows, expected, strict=True):
        assert row.start == slot.start
        assert row.end - row.start == timedelta(hours=1)
        assert row.final
        assert row.quantity == pytest.approx(slot.imported)
        assert row.returned == pytest.approx(slot.exported)
        assert row.cost == pytest.approx(slot.imported * ELECTRIC_PRICE, abs=0.006)
    assert usage.summary is not None


async def test_net_meter_returns_energy_on_a_summer_day(client: SewClient, today: date) -> None:
    account, electric, _ = await home(client)
    june = date(today.year if today.month > 6 else today.year - 1, 6, 21)
    rows = (await client.get_hourly_usage(account, electric, june)).rows
    noon = [row for row in rows if row.start.astimezone(TZ).hour == 13]
    night = [row for row in rows if row.start.astimezone(TZ).hour == 2]
    assert sum(row.returned or 0 for row in rows) > 1
    assert noon[0].returned is not None
    assert night[0].returned == 0
    assert (night[0].quantity or 0) > 0


async def test_water_hourly_has_no_return(client: SewClient, today: date) -> None:
    account, _, water = await home(client)
    usage = await client.get_hourly_usage(account, water, today - timedelta(days=10))
    assert len(usage.rows) >= 23
    assert all(row.returned is None for row in usage.rows)
    assert sum(row.quantity or 0 for row in usage.rows) > 0


async def test_unpublished_day_yields_no_rows(
    client: SewClient, sew_cloud: SewCloud, today: date
) -> None:
    """The server answers the latest published day instead; the client drops those rows."""
    account, electric, _ = await home(client)
    usage = await client.get_hourly_usage(account, electric, today)
    assert usage.rows == []
    assert sew_cloud.backend.usage_requests[-1]["strDate"] == f"{today:%m/%d/%Y}"


async def test_late_estimated_data_is_corrected(
    client: SewClient, sew_cloud: SewCloud, simulator: Simulator, today: date
) -> None:
    account, electric, _ = await home(client)
    day = today - timedelta(days=1)
    expected = day_readings(sim_meter(sew_cloud, ELECTRIC_METER), TIME_ZONE, day)
    seen_out_of_order = False
    counts = []
    for _ in range(40):
        rows = (await client.get_hourly_usage(account, electric, day)).rows
        counts.append(len(rows))
        hours = [expected.index(next(s for s in expected if s.start == r.start)) for r in rows]
        if rows and hours != list(range(len(hours))):
            seen_out_of_order = True  # a later hour arrived before an earlier one
        assert all(not row.final for row in rows) or len(rows) == len(expected)
        simulator.clock.advance(2 * 3600)
    assert counts == sorted(counts)
    assert counts[-1] == len(expected)
    assert seen_out_of_order
    final = (await client.get_hourly_usage(account, electric, day)).rows
    assert all(row.final for row in final)
    assert [row.quantity for row in final] == pytest.approx([slot.imported for slot in expected])


@pytest.mark.parametrize("longer", [True, False], ids=["fall_back", "spring_forward"])
async def test_daylight_saving_days(
    client: SewClient, sew_cloud: SewCloud, today: date, longer: bool
) -> None:
    account, electric, _ = await home(client)
    days = dst_days(today, longer=longer)
    assert days, "two years of data hold DST changes"
    day = days[0]
    usage = await client.get_hourly_usage(account, electric, day)
    expected = day_readings(sim_meter(sew_cloud, ELECTRIC_METER), TIME_ZONE, day)
    assert len(usage.rows) == len(expected) == (25 if longer else 23)
    starts = [row.start for row in usage.rows]
    assert all(b - a == timedelta(hours=1) for a, b in itertools.pairwise(starts))
    assert sum(row.quantity or 0 for row in usage.rows) == pytest.approx(
        sum(slot.imported for slot in expected)
    )


async def test_daily_usage(client: SewClient, sew_cloud: SewCloud, today: date) -> None:
    account, _, water = await home(client)
    end = today - timedelta(days=5)
    usage = await client.get_daily_usage(account, water, end)
    assert len(usage.rows) == 30
    assert usage.rows[-1].start.astimezone(TZ).date() == end
    assert all(row.final for row in usage.rows)
    day = usage.rows[-1]
    expected = day_readings(sim_meter(sew_cloud, WATER_METER), TIME_ZONE, end)
    assert day.quantity == pytest.approx(sum(slot.imported for slot in expected))


async def test_monthly_usage(client: SewClient, sew_cloud: SewCloud, today: date) -> None:
    account, electric, _ = await home(client)
    usage = await client.get_monthly_usage(account, electric, today)
    assert len(usage.rows) >= 24
    # The first cycle starts the day service started (the first day with data)...
    assert usage.rows[0].start.astimezone(TZ).date() == sew_cloud.backend.book.first_day
    # ...the others on the utility's cycle day.
    for row in usage.rows[1:]:
        local = row.start.astimezone(TZ)
        assert (local.day, local.hour) == (5, 0)
    assert not usage.rows[-1].final
    assert usage.summary is not None
    assert usage.summary.so_far is not None
    assert usage.summary.projected is not None
    assert usage.summary.projected >= usage.summary.so_far


async def test_bill(client: SewClient, sew_cloud: SewCloud) -> None:
    account, _, _ = await home(client)
    bill = await client.get_bill(account)
    assert bill.amount is not None
    assert bill.amount > 0
    assert bill.balance == bill.amount
    assert bill.due_date is not None
    assert bill.bill_date is not None
    assert bill.due_date > bill.bill_date
    sew_cloud.backend.paid_accounts.add(HOME_ACCOUNT)
    assert (await client.get_bill(account)).balance == 0


@pytest.mark.parametrize("flavor", [Flavor.PORTAL], indirect=True)
async def test_outage_where_licensed(client: SewClient, sew_cloud: SewCloud) -> None:
    account, _, _ = await home(client)
    assert not (await client.get_outage(account)).active
    sew_cloud.backend.outage_accounts.add(HOME_ACCOUNT)
    status = await client.get_outage(account)
    assert status.active
    assert status.message


@pytest.mark.parametrize("flavor", [Flavor.API], indirect=True)
async def test_outage_not_licensed(client: SewClient) -> None:
    account, _, _ = await home(client)
    with pytest.raises(SewModuleNotLicensedError):
        await client.get_outage(account)


async def test_outage_skipped_where_the_registry_says_unlicensed(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    utility = get_utility("hidroelectrica").with_endpoint(
        simulator.host_url("sew", "api_b"), Flavor.API
    )
    client = SewClient(http, utility, USERNAME, PASSWORD)
    account = (await client.get_accounts())[0]
    sent = client.requests
    with pytest.raises(SewModuleNotLicensedError):
        await client.get_outage(account)
    assert client.requests == sent
