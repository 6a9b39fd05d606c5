"""Solarwatt / Kiwigrid benchmark: the real integration against the simulator.

Sets up the integration in a test Home Assistant twice (the legacy portal over the kiwibus
websocket, the current Solarwatt cloud over REST) and reports:

* push latency: from a change pushed by the simulator to the Home Assistant state change
  (wall time, median of ``--samples``);
* REST latency: one refresh, from the request to the state change; a change waits for the next
  poll on top of that (15 s interval: 7.5 s on average);
* requests per hour: what the simulator saw over ``--hours`` simulated hours of polling
  (REST: HTTP requests; legacy with pushes refused: bus messages, plus one ping every 5 s of
  real time, 720 an hour, which the jumping clock cannot show);
* reconnect time after a forced disconnect (wall time until the new socket's listener is
  registered, the supervisor's jittered backoff included);
* the energy-counter error after ``--hours`` simulated hours: the PV energy sensor's increase
  against the integral of the PV power (the simulated site's own ∫ power, and the trapezoid
  of the power sensor as Home Assistant saw it every 15 s). Target < 0.5 %.

The simulated clock jumps instead of sleeping, so a day takes about a minute.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Iterator
import contextlib
from dataclasses import dataclass
from datetime import datetime
import logging
import statistics
import tempfile
import time
from typing import Any
from unittest.mock import patch

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_test_home_assistant,
)

from custom_components.home_energy_cloud.const import DOMAIN
from custom_components.home_energy_cloud.kiwigrid.coordinator import KiwibusCoordinator
from simulator import Simulator
from simulator.kiwigrid import LOCATION_GUID, KiwigridCloud
from tests.kiwigrid.conftest import UNIQUE_IDS, entry_data

POLL_SECONDS = 15.0


@dataclass
class Figures:
    """What one connection type measured (None: not measured for it)."""

    connection: str
    latency_s: float
    requests_per_hour: float
    reconnect_s: float | None
    counter_vs_site_pct: float
    counter_vs_sensor_pct: float

    def row(self) -> str:
        """A Markdown table row."""
        reconnect = "-" if self.reconnect_s is None else f"{self.reconnect_s:.2f}"
        return (
            f"| {self.connection} | {self.latency_s * 1000:.1f} | {self.requests_per_hour:.0f}"
            f"{' (+720)' if self.reconnect_s is not None else ''} | "
            f"{reconnect} | {self.counter_vs_site_pct:.3f} | {self.counter_vs_sensor_pct:.3f} |"
        )


def _entity_id(hass: HomeAssistant, entry: MockConfigEntry, suffix: str) -> str:
    registry = er.async_get(hass)
    return next(
        item.entity_id
        for item in er.async_entries_for_config_entry(registry, entry.entry_id)
        if item.unique_id.endswith(suffix)
    )


def _number(hass: HomeAssistant, entity_id: str) -> float:
    state = hass.states.get(entity_id)
    assert state is not None
    return float(state.state)


def _state_changed(hass: HomeAssistant, entity_id: str) -> Callable[[], bool]:
    """Whether the entity has written a new state since this was called."""
    before = hass.states.get(entity_id)
    return lambda: hass.states.get(entity_id) is not before


def _reconnected(cloud: KiwigridCloud, coordinator: KiwibusCoordinator) -> Callable[[], bool]:
    """Whether a new socket has been opened and its listener registered since this was called."""
    opened = cloud.state.stats.websockets_opened
    return lambda: cloud.state.stats.websockets_opened > opened and coordinator.listening


async def _until(condition: Callable[[], bool], limit: float = 30.0) -> float:
    """Wall seconds until ``condition`` holds."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > limit:
            raise TimeoutError("the condition never held")
        await asyncio.sleep(0.0005)
    return time.perf_counter() - started


@contextlib.contextmanager
def _site_clock(sim: Simulator) -> Iterator[None]:
    def now() -> datetime:
        return datetime.fromtimestamp(sim.clock.time(), dt_util.get_default_time_zone())

    with patch("custom_components.home_energy_cloud.kiwigrid.coordinator.site_now", now):
        yield


async def _run_day(
    hass: HomeAssistant, sim: Simulator, entry: MockConfigEntry, location: str, hours: float
) -> tuple[float, float]:
    """Poll through ``hours`` simulated hours; the counter's error vs site and sensor (%)."""
    cloud: KiwigridCloud = sim.cloud("kiwigrid")
    energy_id = _entity_id(hass, entry, f"{location}_pv_energy")
    power_id = _entity_id(hass, entry, f"{location}_pv_power")
    coordinator = entry.runtime_data.coordinator
    accumulator = getattr(entry.runtime_data, "accumulator", None)
    # The REST counters move with the analytics (every 5 minutes): read them now, at both ends.
    if accumulator is not None:
        accumulator.last_read = None
    await coordinator.async_refresh()
    await hass.async_block_till_done()
    start_counter = _number(hass, energy_id)
    start_site = cloud.state.site.tag(LOCATION_GUID, "WorkProduced")
    previous_power = _number(hass, power_id)
    trapezoid_wh = 0.0
    for _ in range(int(hours * 3600 / POLL_SECONDS)):
        sim.clock.advance(POLL_SECONDS)
        await coordinator.async_refresh()
        await hass.async_block_till_done()
        power = _number(hass, power_id)
        trapezoid_wh += (previous_power + power) / 2 * POLL_SECONDS / 3600
        previous_power = power
    if accumulator is not None:
        accumulator.last_read = None
        await coordinator.async_refresh()
        await hass.async_block_till_done()
    counter_wh = (_number(hass, energy_id) - start_counter) * 1000
    site_wh = cloud.state.site.tag(LOCATION_GUID, "WorkProduced") - start_site
    return (
        abs(counter_wh - site_wh) / site_wh * 100,
        abs(counter_wh - trapezoid_wh) / trapezoid_wh * 100,
    )


async def _setup(hass: HomeAssistant, sim: Simulator, connection: str) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN, unique_id=UNIQUE_IDS[connection], data=entry_data(sim, connection)
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def bench_legacy(hass: HomeAssistant, sim: Simulator, hours: float, samples: int) -> Figures:
    """Pushes, reconnects, then polling with pushes refused."""
    cloud: KiwigridCloud = sim.cloud("kiwigrid")
    cloud.state.bus.ping_timeout = 1e9  # clock jumps are not missing pings
    entry = await _setup(hass, sim, "solarwatt_legacy")
    coordinator = entry.runtime_data.coordinator
    assert isinstance(coordinator, KiwibusCoordinator)
    await _until(lambda: coordinator.listening)
    energy_id = _entity_id(hass, entry, f"{LOCATION_GUID}_pv_energy")
    latencies = []
    for _ in range(samples):
        sim.clock.advance(60)
        changed = _state_changed(hass, energy_id)
        started = time.perf_counter()
        await cloud.push_updates()
        await _until(changed)
        latencies.append(time.perf_counter() - started)
    reconnects = []
    for _ in range(samples):
        reconnected = _reconnected(cloud, coordinator)
        started = time.perf_counter()
        await sim.faults("kiwigrid").drop_websockets()
        await _until(reconnected)
        reconnects.append(time.perf_counter() - started)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.config_entries.async_remove(entry.entry_id)

    # Requests per hour and the counter error, reading over the socket every 15 s.
    cloud.state.bus.listeners_supported = False
    entry = await _setup(hass, sim, "solarwatt_legacy")
    messages_before = sum(cloud.state.stats.bus_messages.values())
    started_at = sim.clock.time()
    vs_site, vs_sensor = await _run_day(hass, sim, entry, LOCATION_GUID, hours)
    elapsed_h = (sim.clock.time() - started_at) / 3600
    messages = sum(cloud.state.stats.bus_messages.values())
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.config_entries.async_remove(entry.entry_id)
    return Figures(
        connection="legacy portal (kiwibus)",
        latency_s=statistics.median(latencies),
        requests_per_hour=(messages - messages_before) / elapsed_h,
        reconnect_s=statistics.median(reconnects),
        counter_vs_site_pct=vs_site,
        counter_vs_sensor_pct=vs_sensor,
    )


async def bench_rest(hass: HomeAssistant, sim: Simulator, hours: float, samples: int) -> Figures:
    """Refresh latency, requests per hour and the accumulator's error."""
    cloud: KiwigridCloud = sim.cloud("kiwigrid")
    entry = await _setup(hass, sim, "solarwatt")
    coordinator = entry.runtime_data.coordinator
    power_id = _entity_id(hass, entry, "location_pv_power")
    latencies = []
    for _ in range(samples):
        sim.clock.advance(POLL_SECONDS)
        changed = _state_changed(hass, power_id)
        started = time.perf_counter()
        await coordinator.async_refresh()
        await _until(changed)
        latencies.append(time.perf_counter() - started)
    requests_before = sum(cloud.state.stats.requests.values())
    started_at = sim.clock.time()
    vs_site, vs_sensor = await _run_day(hass, sim, entry, "location", hours)
    elapsed_h = (sim.clock.time() - started_at) / 3600
    requests = sum(cloud.state.stats.requests.values()) - requests_before
    assert await hass.config_entries.async_unload(entry.entry_id)
    return Figures(
        connection="Solarwatt (REST)",
        latency_s=statistics.median(latencies),
        requests_per_hour=requests / elapsed_h,
        reconnect_s=None,
        counter_vs_site_pct=vs_site,
        counter_vs_sensor_pct=vs_sensor,
    )


async def main() -> None:
    """Parse arguments, run both generations, print a Markdown table."""
    parser = argparse.ArgumentParser(prog="scripts/bench kiwigrid", description=__doc__)
    parser.add_argument("--hours", type=float, default=24.0, help="simulated hours (default 24)")
    parser.add_argument("--samples", type=int, default=5, help="latency samples (default 5)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    sim = Simulator()
    await sim.start("127.0.0.1", 0)
    rows: list[Any] = []
    with tempfile.TemporaryDirectory() as config_dir:
        async with async_test_home_assistant(config_dir=config_dir) as hass:
            hass.data.pop("custom_components", None)  # let the loader see custom_components/
            await hass.config.async_set_time_zone("Europe/Berlin")
            # A plain session: Home Assistant's shared one wants zeroconf, which a bare test
            # instance lacks; the traffic is the same.
            http = aiohttp.ClientSession()
            with (
                _site_clock(sim),
                patch(
                    "custom_components.home_energy_cloud.kiwigrid.async_get_clientsession",
                    lambda _hass: http,
                ),
            ):
                rows.append(await bench_legacy(hass, sim, args.hours, args.samples))
                rows.append(await bench_rest(hass, sim, args.hours, args.samples))
            await http.close()
            await hass.async_stop(force=True)
    await sim.stop()
    print(f"Solarwatt / Kiwigrid, {args.hours:g} simulated hours, polls every 15 s\n")
    print(
        "| connection | change→state ms | requests/h (+ pings) | reconnect s | "
        "counter vs site ∫P % | counter vs sensor ∫P % |"
    )
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(row.row())


if __name__ == "__main__":
    asyncio.run(main())
