"""Electra Smart load benchmark: the real integration against the simulator, in simulated time.

For each account size it sets up the integration in a test Home Assistant, then runs the
coordinators as Home Assistant's scheduler would over the simulated hours (telemetry every
minute, units and timers hourly), jumping the simulator's clock instead of sleeping. It reports
what the cloud saw (requests, VALIDATE_TOKEN calls, lockouts), the event-loop (CPU) time per
poll cycle, and how long a climate service call takes until the unit's state is confirmed (with
the client's production timing).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Iterator
import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
import logging
import statistics
import tempfile
import time
from unittest.mock import patch

import aiohttp
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.home_energy_cloud.api.electra import ElectraClient
from custom_components.home_energy_cloud.const import DOMAIN
from custom_components.home_energy_cloud.electra.coordinator import ElectraRuntime
from simulator import Simulator
from simulator.electra import ElectraCloud
from tests.helpers import electra_login

POLL = timedelta(seconds=60)


@dataclass
class Result:
    """Figures for one account size."""

    units: int
    hours: float
    requests: int
    validate_calls: int
    lockouts: int
    cycle_cpu_ms: float
    confirm_s: float

    def row(self) -> str:
        """A Markdown table row."""
        return (
            f"| {self.units} | {self.requests / self.hours:.0f} | "
            f"{self.validate_calls / self.hours:.2f} | {self.lockouts} | "
            f"{self.cycle_cpu_ms:.2f} | {self.confirm_s:.2f} |"
        )


@contextlib.contextmanager
def _simulated_utcnow(sim: Simulator) -> Iterator[None]:
    """Home Assistant's utcnow follows the simulator clock (the hourly device refresh reads it)."""
    start_wall = sim.clock.time()
    start = dt_util.utcnow()

    def utcnow() -> datetime:
        return start + timedelta(seconds=sim.clock.time() - start_wall)

    with patch("custom_components.home_energy_cloud.electra.coordinator.dt_util.utcnow", utcnow):
        yield


async def _measure_confirm(hass: HomeAssistant, runtime: ElectraRuntime, samples: int) -> float:
    """Median seconds from a set_temperature call to the read-back confirmation."""
    entity_id = next(
        state.entity_id
        for state in hass.states.async_all(Platform.CLIMATE)
        if state.state not in ("unavailable", "unknown")
    )
    durations = []
    for i in range(samples):
        started = time.perf_counter()
        await hass.services.async_call(
            "climate",
            "set_temperature",
            {"entity_id": entity_id, "temperature": 20 + i},
            blocking=True,
        )
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


async def bench(units: int, hours: float, latency: float, samples: int) -> Result:
    """Run one account size."""
    sim = Simulator()
    await sim.start("127.0.0.1", 0)
    cloud: ElectraCloud = sim.cloud("electra")
    cloud.set_unit_count(units)
    data = await electra_login(sim)
    with tempfile.TemporaryDirectory() as config_dir:
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            hass.data.pop("custom_components", None)  # let the loader see custom_components/
            sim.faults("electra").update({"latency": latency})
            # Production client timing, on the simulator's clock.
            client = partial(ElectraClient, clock=sim.clock.monotonic)
            # A plain session: Home Assistant's shared one wants zeroconf, which a bare test
            # instance lacks; the HTTP traffic is the same.
            http = aiohttp.ClientSession()
            with (
                _simulated_utcnow(sim),
                patch("custom_components.home_energy_cloud.electra.ElectraClient", client),
                patch(
                    "custom_components.home_energy_cloud.electra.async_get_clientsession",
                    lambda _hass: http,
                ),
            ):
                entry = MockConfigEntry(domain=DOMAIN, data=data, unique_id="electra:bench")
                entry.add_to_hass(hass)
                assert await hass.config_entries.async_setup(entry.entry_id)
                await hass.async_block_till_done()
                runtime = entry.runtime_data
                assert isinstance(runtime, ElectraRuntime)
                confirm = await _measure_confirm(hass, runtime, samples)

                requests_before = sum(cloud.stats()["requests"].values())
                validate_before = cloud.validate_calls
                cpu: list[float] = []
                cycles = int(hours * 3600 / POLL.total_seconds())
                for cycle in range(1, cycles + 1):
                    sim.clock.advance(POLL.total_seconds())
                    started = time.process_time()
                    await runtime.coordinator.async_refresh()
                    if cycle % 60 == 0:
                        await runtime.timers.async_refresh()
                    await hass.async_block_till_done()
                    cpu.append(time.process_time() - started)
                    if not runtime.coordinator.last_update_success:
                        logging.warning(
                            "cycle %s failed: %s", cycle, runtime.coordinator.last_exception
                        )
                result = Result(
                    units=units,
                    hours=hours,
                    requests=sum(cloud.stats()["requests"].values()) - requests_before,
                    validate_calls=cloud.validate_calls - validate_before,
                    lockouts=cloud.lockouts,
                    cycle_cpu_ms=statistics.mean(cpu) * 1000,
                    confirm_s=confirm,
                )
                await hass.config_entries.async_unload(entry.entry_id)
            await http.close()
            await hass.async_stop(force=True)
    await sim.stop()
    return result


async def main() -> None:
    """Parse arguments, run every size, print a Markdown table."""
    parser = argparse.ArgumentParser(prog="scripts/bench electra", description=__doc__)
    parser.add_argument("--hours", type=float, default=24.0, help="simulated hours (default 24)")
    parser.add_argument("--units", default="1,10,50", help="account sizes (default 1,10,50)")
    parser.add_argument("--latency", type=float, default=0.05, help="added latency in s")
    parser.add_argument("--samples", type=int, default=3, help="service calls timed per size")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    latency_ms = args.latency * 1000
    print(f"Electra Smart, {args.hours:g} simulated hours, {latency_ms:.0f} ms added latency\n")
    print(
        "| ACs | requests/h | VALIDATE_TOKEN/h | lockouts | loop CPU ms/cycle | call→confirmed s |"
    )
    print("|---|---|---|---|---|---|")
    for units in (int(n) for n in args.units.split(",")):
        result = await bench(units, args.hours, args.latency, args.samples)
        print(result.row(), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
