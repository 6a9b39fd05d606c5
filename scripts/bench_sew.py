"""SEW backfill benchmark against the simulator: the HA-free client and planner, or (``--ha``)
the integration with its statistics importer and a real recorder.

Client mode: for each flavor it logs in to the fake utility (with added latency per request),
backfills two years of hourly usage for every meter of the home account (one request per day,
bounded concurrency), then moves the simulated clock six hours on and runs a routine refresh
from each meter's last final point. It reports wall time, requests, hourly rows and the
statistics rows they make (consumption and cost, plus return on net meters), and the peak
Python memory.

``--ha``: a test Home Assistant with the recorder on a temporary SQLite file sets up the home
account's entry; the first refresh's import (both meters) is timed until the recorder has
written it, then a routine refresh (the days not yet final read again). It reports requests,
statistics rows in the database and time.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
import tempfile
import time
import tracemalloc
from unittest.mock import patch

import aiohttp

from custom_components.home_energy_cloud.api.sew import (
    Flavor,
    SewAccount,
    SewClient,
    SewMeter,
    fetch_days,
    get_utility,
    is_day_final,
    plan_import,
)
from custom_components.home_energy_cloud.api.sew.planner import HISTORY_DAYS, Pacer, local_midnight
from simulator import Simulator
from simulator.sew import HOME_ACCOUNT, PASSWORD, TIME_ZONE, USERNAME, SewCloud

HOSTS = {Flavor.PORTAL: "portal_a", Flavor.API: "api_b"}


@dataclass
class Import:
    """What one import of one meter did."""

    requests: int
    usage_requests: int
    hourly_rows: int
    stat_rows: int
    last_final: datetime | None


async def import_meter(
    cloud: SewCloud,
    client: SewClient,
    account: SewAccount,
    meter: SewMeter,
    last_final: datetime | None,
    today: date,
    *,
    days: int,
    concurrency: int,
    pace: float,
) -> Import:
    """One import as the integration runs it: a backfill first asks where the meter's data
    starts (its billing cycles); a refresh first reads the newest day (the month-to-date
    figures come with it) and the import reuses that reply. Then plan, fetch, and find the new
    last final point."""
    before, usage_before = client.requests, len(cloud.backend.usage_requests)
    data_start = prefetched = None
    if last_final is None:
        cycles = await client.get_monthly_usage(account, meter, today)
        data_start = cycles.rows[0].start.astimezone(client.time_zone).date()
    else:
        newest = today - timedelta(days=1)
        prefetched = {newest: await client.get_hourly_usage(account, meter, newest)}
    plan = plan_import(
        last_final, today, client.time_zone, history_days=days, data_start=data_start
    )
    result = await fetch_days(
        plan.days,
        lambda day: client.get_hourly_usage(account, meter, day),
        concurrency=concurrency,
        pacer=Pacer(pace, time.monotonic) if pace else None,
        prefetched=prefetched,
    )
    if result.error is not None:
        raise result.error
    rows = stats = 0
    final_so_far = True
    for day, usage in result.results:
        rows += len(usage.rows)
        per_row = 3 if meter.net_metered else 2
        stats += len(usage.rows) * per_row
        if final_so_far and is_day_final(day, usage.rows, today, client.time_zone):
            last_final = local_midnight(day + timedelta(days=1), client.time_zone)
        else:
            final_so_far = False
    usage_requests = len(cloud.backend.usage_requests) - usage_before
    return Import(client.requests - before, usage_requests, rows, stats, last_final)


async def run(flavor: Flavor, args: argparse.Namespace) -> list[str]:
    """Backfill and refresh every meter of the home account on one flavor."""
    simulator = Simulator()
    await simulator.start("127.0.0.1", 0)
    try:
        cloud: SewCloud = simulator.cloud("sew")
        simulator.faults("sew").update({"latency": args.latency})
        utility = get_utility("other").with_endpoint(
            simulator.host_url("sew", HOSTS[flavor]), flavor
        )
        lines = []
        async with aiohttp.ClientSession() as http:
            client = SewClient(
                http,
                utility,
                USERNAME,
                PASSWORD,
                default_time_zone=TIME_ZONE,
                clock=simulator.clock.monotonic,
            )
            accounts = await client.get_accounts()
            account = next(a for a in accounts if a.account_number == HOME_ACCOUNT)
            meters = await client.get_meters(account)
            today = cloud.backend.book.today(simulator.clock.time())
            for meter in meters:
                tracemalloc.start()
                started = time.perf_counter()
                backfill = await import_meter(
                    cloud, client, account, meter, None, today, days=args.days,
                    concurrency=args.concurrency, pace=args.pace,
                )  # fmt: skip
                backfill_s = time.perf_counter() - started
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                simulator.clock.advance(6 * 3600)
                later = cloud.backend.book.today(simulator.clock.time())
                refresh = await import_meter(
                    cloud, client, account, meter, backfill.last_final, later, days=args.days,
                    concurrency=args.concurrency, pace=args.pace,
                )  # fmt: skip
                lines.append(
                    f"| {flavor.name.lower()} | {meter.service.value} | {backfill.requests} | "
                    f"{backfill_s:.1f} s | {backfill.hourly_rows} | {backfill.stat_rows} | "
                    f"{peak / 1e6:.1f} MB | {refresh.usage_requests} + "
                    f"{refresh.requests - refresh.usage_requests} |"
                )
        return lines
    finally:
        await simulator.stop()


async def run_ha(flavor: Flavor, args: argparse.Namespace) -> str:
    """The integration's first import and a routine refresh, into a real recorder."""
    # Imported here: the client mode needs no Home Assistant.
    from homeassistant.components.recorder import get_instance  # noqa: PLC0415
    from homeassistant.components.recorder.statistics import (  # noqa: PLC0415
        list_statistic_ids,
        statistics_during_period,
    )
    from homeassistant.helpers import recorder as recorder_helper  # noqa: PLC0415
    from homeassistant.setup import async_setup_component  # noqa: PLC0415
    from pytest_homeassistant_custom_component.common import (  # noqa: PLC0415
        MockConfigEntry,
        async_test_home_assistant,
    )

    from custom_components.home_energy_cloud.const import DOMAIN  # noqa: PLC0415
    from tests.sew.glue.conftest import REGISTRY_UTILITY, sew_entry_data  # noqa: PLC0415

    simulator = Simulator()
    await simulator.start("127.0.0.1", 0)
    cloud: SewCloud = simulator.cloud("sew")
    simulator.faults("sew").update({"latency": args.latency})
    http = aiohttp.ClientSession()
    try:
        with tempfile.TemporaryDirectory() as config_dir:
            async with async_test_home_assistant(config_dir=config_dir) as hass:
                hass.data.pop("custom_components", None)  # let the loader see custom_components/
                await hass.config.async_set_time_zone(TIME_ZONE)
                db_url = f"sqlite:///{config_dir}/bench.db"
                recorder_helper.async_initialize_recorder(hass)
                recorder_config = {"recorder": {"db_url": db_url}}
                assert await async_setup_component(hass, "recorder", recorder_config)
                recorder = get_instance(hass)

                async def stat_rows() -> int:
                    await recorder.async_block_till_done()
                    ids = await recorder.async_add_executor_job(list_statistic_ids, hass)
                    ours = {i["statistic_id"] for i in ids if i["source"] == DOMAIN}
                    rows = await recorder.async_add_executor_job(
                        statistics_during_period, hass,
                        datetime(2000, 1, 1, tzinfo=UTC), None, ours, "hour", None, {"sum"},
                    )  # fmt: skip
                    return sum(len(found) for found in rows.values())

                entry = MockConfigEntry(
                    domain=DOMAIN,
                    data=sew_entry_data(simulator, flavor),
                    unique_id=f"sew:{REGISTRY_UTILITY[flavor]}:bench",
                )
                entry.add_to_hass(hass)
                with (
                    # A plain session: the shared one wants zeroconf, which a bare test
                    # instance lacks; the HTTP traffic is the same.
                    patch(
                        "custom_components.home_energy_cloud.sew.async_get_clientsession",
                        lambda _hass: http,
                    ),
                    patch("custom_components.home_energy_cloud.sew.HISTORY_DAYS", args.days),
                    patch("custom_components.home_energy_cloud.sew.REQUEST_PACE", args.pace),
                    patch(
                        "custom_components.home_energy_cloud.sew.IMPORT_CONCURRENCY",
                        args.concurrency,
                    ),
                ):
                    started = time.perf_counter()
                    assert await hass.config_entries.async_setup(entry.entry_id)
                    await hass.async_block_till_done(wait_background_tasks=True)
                    backfill_rows = await stat_rows()
                    backfill_s = time.perf_counter() - started
                    backfill_requests = len(cloud.backend.usage_requests)
                    started = time.perf_counter()
                    await entry.runtime_data.coordinator.async_refresh()
                    await hass.async_block_till_done(wait_background_tasks=True)
                    refresh_rows = await stat_rows() - backfill_rows
                    refresh_s = time.perf_counter() - started
                    refresh_requests = len(cloud.backend.usage_requests) - backfill_requests
                    meters = len(entry.runtime_data.coordinator.data.meters)
                    await hass.config_entries.async_unload(entry.entry_id)
                await hass.async_stop(force=True)
    finally:
        await http.close()
        await simulator.stop()
    return (
        f"| {flavor.name.lower()} | {meters} | {backfill_requests} | {backfill_s:.1f} s | "
        f"{backfill_rows} | {refresh_requests} ({refresh_requests / meters:.1f}/meter) | "
        f"{refresh_s:.2f} s | {refresh_rows} |"
    )


def main() -> None:
    """Parse the command line, run, print a Markdown table."""
    parser = argparse.ArgumentParser(prog="scripts/bench sew", description=__doc__)
    parser.add_argument("--latency", type=float, default=0.1, help="added per request (s)")
    parser.add_argument("--days", type=int, default=HISTORY_DAYS, help="backfill length")
    parser.add_argument("--concurrency", type=int, default=4, help="requests at once")
    parser.add_argument("--pace", type=float, default=0.0, help="min seconds between starts")
    parser.add_argument("--flavor", choices=["A", "B", "both"], default="both")
    parser.add_argument(
        "--ha", action="store_true", help="run the integration and its recorder import instead"
    )
    args = parser.parse_args()
    flavors = [Flavor.PORTAL, Flavor.API] if args.flavor == "both" else [Flavor(args.flavor)]
    if args.ha:
        print(f"Home Assistant: latency {args.latency * 1000:.0f} ms, {args.days} days, "
              f"concurrency {args.concurrency}, pace {args.pace} s")  # fmt: skip
        print(
            "| flavor | meters | backfill usage requests | backfill time (to the database) |"
            " statistics rows | refresh usage requests | refresh time | rows added |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for flavor in flavors:
            print(asyncio.run(run_ha(flavor, args)), flush=True)
        return
    print(f"latency {args.latency * 1000:.0f} ms, {args.days} days, concurrency {args.concurrency}")
    print("| flavor | meter | backfill requests | backfill time | hourly rows | "
          "statistics rows | peak memory | refresh requests (usage + login) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for flavor in flavors:
        for line in asyncio.run(run(flavor, args)):
            print(line, flush=True)


if __name__ == "__main__":
    main()
