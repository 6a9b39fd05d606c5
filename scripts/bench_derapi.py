"""Derapi refresh benchmark: the API client against the simulator, with added latency.

The simulator runs in a child process (`python -m simulator`), so the figures are the client's
own: wall time and requests of one refresh (topology: site list pages plus one GET per site;
details: one GET per device), the round trips that implies at the client's concurrency, and the
peak Python memory the refresh allocates (tracemalloc).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator
import contextlib
from dataclasses import dataclass
import math
import re
import sys
import time
import tracemalloc

import aiohttp

from custom_components.home_energy_cloud.api.derapi import DerapiClient, DerapiHosts
from simulator.derapi import scenario as sc

PAGE_SIZE = 50


@dataclass
class Result:
    """Figures for one account size."""

    devices: int
    sites: int
    concurrency: int
    requests: int
    topology_s: float
    details_s: float
    bound_round_trips: int
    latency: float
    peak_kib: float

    def row(self) -> str:
        """A Markdown table row."""
        bound_s = self.bound_round_trips * self.latency
        return (
            f"| {self.devices} | {self.sites} | {self.concurrency} | {self.requests} | "
            f"{self.topology_s:.2f} | {self.details_s:.2f} | "
            f"{self.topology_s + self.details_s:.2f} | {self.bound_round_trips} "
            f"({bound_s:.1f} s) | {self.peak_kib / 1024:.2f} |"
        )


@contextlib.asynccontextmanager
async def simulator_process() -> AsyncIterator[tuple[str, dict[str, str]]]:
    """`python -m simulator --port 0`; yields the control root and the Derapi host URLs."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulator", "--port", "0", stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    root, hosts = "", dict[str, str]()
    try:
        while len(hosts) < 5:
            line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
            if not line:
                raise RuntimeError("the simulator exited before listing its hosts")
            if match := re.match(r"Simulator control API: (\S+)/_sim", line):
                root = match.group(1)
            if match := re.match(r"\s+derapi (\w+) host: (\S+)", line):
                hosts[match.group(1)] = match.group(2)
        yield root, hosts
    finally:
        process.terminate()
        await process.wait()


async def run_size(
    http: aiohttp.ClientSession,
    root: str,
    hosts: dict[str, str],
    devices: int,
    sites: int,
    concurrency: int,
    latency: float,
) -> Result:
    """One account size: a warm client (token held), then one full refresh measured."""
    control = f"{root}/_sim/derapi"
    async with http.post(f"{control}/scenario", json={"devices": devices, "sites": sites}):
        pass
    async with http.post(f"{root}/_sim/derapi/faults", json={"latency": latency}):
        pass
    client = DerapiClient(
        http,
        client_id=sc.STORED_CLIENT_ID,
        client_secret=sc.STORED_CLIENT_SECRET,
        hosts=DerapiHosts(api_url=hosts["api"], auth_url=hosts["auth"]),
        concurrency=concurrency,
        page_size=PAGE_SIZE,
    )
    await client.tokens.async_get_token()  # a running integration holds a token already
    tracemalloc.start()
    started = time.perf_counter()
    topology = await client.async_get_topology()
    listed = time.perf_counter()
    details = await client.async_get_details(topology.solar_inverter_ids, topology.battery_ids)
    finished = time.perf_counter()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    found = len(details.solar_inverters) + len(details.batteries)
    if found != devices or details.failures:
        raise RuntimeError(f"refresh found {found} of {devices} devices: {details.failures}")
    list_pages = math.ceil(sites / PAGE_SIZE)
    bound = list_pages + math.ceil(sites / concurrency) + math.ceil(devices / concurrency)
    return Result(
        devices=devices,
        sites=sites,
        concurrency=concurrency,
        requests=client.stats.requests,
        topology_s=listed - started,
        details_s=finished - listed,
        bound_round_trips=bound,
        latency=latency,
        peak_kib=peak / 1024,
    )


def parse_sizes(text: str) -> list[tuple[int, int]]:
    """ "1:1,100:10,1000:100" -> [(devices, sites), ...]."""
    sizes = []
    for item in text.split(","):
        devices, _, sites = item.partition(":")
        sizes.append((int(devices), int(sites or 1)))
    return sizes


async def main() -> None:
    """Parse arguments, run every size, print a Markdown table."""
    parser = argparse.ArgumentParser(prog="scripts/bench derapi", description=__doc__)
    parser.add_argument(
        "--sizes",
        default="1:1,100:10,1000:10,1000:100",
        help="devices:sites pairs (default 1:1,100:10,1000:10,1000:100)",
    )
    parser.add_argument("--concurrency", default="40", help="detail concurrency, e.g. 32,48")
    parser.add_argument("--latency", type=float, default=0.1, help="added latency in s")
    args = parser.parse_args()
    print(f"Derapi refresh, {args.latency * 1000:.0f} ms added latency per request\n")
    print(
        "| devices | sites | concurrency | requests | topology s | details s | refresh s "
        "| bound round trips | peak MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    async with simulator_process() as (root, hosts), aiohttp.ClientSession() as http:
        for concurrency in (int(c) for c in args.concurrency.split(",")):
            for devices, sites in parse_sizes(args.sizes):
                result = await run_size(
                    http, root, hosts, devices, sites, concurrency, args.latency
                )
                print(result.row(), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
