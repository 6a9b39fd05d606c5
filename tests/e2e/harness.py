"""The processes the browser suite drives: the simulator and a real Home Assistant.

Both run as separate processes on free loopback ports, exactly as ``scripts/develop`` runs them;
the configuration, the packages and the onboarding come from :mod:`scripts.develop_setup`, so
the demo and the suite set Home Assistant up one way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
import json
from pathlib import Path
import re
import signal
import socket
import subprocess
import sys
import time
from typing import Any
import urllib.request

import aiohttp

from scripts import develop_setup
from scripts.develop_setup import HomeAssistantApi, SimIndex

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = develop_setup.DOMAIN
USERNAME = "e2e"
PASSWORD = "e2e-password"
SIMULATOR_SCENARIOS = ("sew=short_history",)
"""The SEW meters' data starts a week back, so a SEW entry's first import is a week of
requests, not two years at four a second (the integration stops at the meter's data start)."""


class HarnessError(Exception):
    """A process of the suite did not start or answer; the message says which."""


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 30 s (Home Assistant saves its stores on the way out)."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- the simulator --------------------------------------------------------------------------------


@dataclass
class SimulatorProcess:
    """``python -m simulator --port 0`` and what its control API says about it."""

    process: subprocess.Popen[bytes]
    log: Path
    url: str = ""

    @classmethod
    def start(cls, log: Path, timeout: float = 60) -> SimulatorProcess:
        """Start it and read the control API's URL from its first line of output."""
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "simulator",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                    *(arg for scenario in SIMULATOR_SCENARIOS for arg in ("--scenario", scenario)),
                ],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        sim = cls(process, log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if found := re.search(r"control API: (http://\S+)/_sim", log.read_text()):
                sim.url = found.group(1)
                return sim
            if process.poll() is not None:
                break
            time.sleep(0.2)
        _stop(process)
        raise HarnessError(f"the simulator did not start:\n{log.read_text()}")

    def stop(self) -> None:
        """Stop the process."""
        _stop(self.process)

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One call to the control API (``<root>/_sim/<path>``, or the index for ""); its JSON."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.url}/_sim" + (f"/{path}" if path else ""),
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.loads(reply.read())

    def base_url(self, vendor: str) -> str:
        """The simulator's stand-in for the vendor's main host."""
        return str(self.control("GET", "")["vendors"][vendor])


# --- Home Assistant -------------------------------------------------------------------------------


@dataclass
class HomeAssistantProcess:
    """``hass --skip-pip`` on a temporary config, onboarded, with an owner's access token."""

    process: subprocess.Popen[bytes]
    config: Path
    log: Path
    url: str
    token: str = field(default="", repr=False)

    @classmethod
    def start(cls, config: Path, log: Path, timeout: float = 300) -> HomeAssistantProcess:
        """Configure, install what it loads, start it and wait for its HTTP server."""
        port = free_port()
        develop_setup.write_config(config, "127.0.0.1", port)
        if failed := develop_setup.install_requirements(config):
            raise HarnessError("could not install: " + "; ".join(failed))
        hass = Path(sys.executable).with_name("hass")
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(hass), "-c", str(config), "--skip-pip"],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        ha = cls(process, config, log, f"http://127.0.0.1:{port}")
        if not develop_setup.wait_for(f"{ha.url}/api/onboarding", process.pid, timeout):
            _stop(process)
            raise HarnessError(f"Home Assistant did not start; see {log}")
        return ha

    def stop(self) -> None:
        """Stop the process."""
        _stop(self.process)

    def run[T](self, work: Callable[[HomeAssistantApi], Awaitable[T]]) -> T:
        """Run ``work`` with an API client logged in as the owner (a fresh session each time)."""

        async def call() -> T:
            timeout = aiohttp.ClientTimeout(total=120)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                api = HomeAssistantApi(session, self.url)
                api.token = self.token
                return await work(api)

        # Playwright's synchronous API keeps an event loop running in this thread.
        with ThreadPoolExecutor(max_workers=1) as worker:
            return worker.submit(asyncio.run, call()).result()

    def onboard(self, timeout: float = 120) -> None:
        """Create the owner, finish onboarding, wait until running; drop onboarding's leftovers."""

        async def onboard(api: HomeAssistantApi) -> None:
            await develop_setup.onboard_or_login(api, "E2E", USERNAME, PASSWORD)
            self.token = api.token
            await develop_setup.wait_running(api, timeout)
            await develop_setup.drop_failed_onboarding_entries(api, timeout)

        self.run(onboard)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One REST call as the owner."""
        return self.run(lambda api: api.call(method, path, body))

    def ws(self, message: dict[str, Any]) -> Any:
        """One websocket command as the owner."""
        return self.run(lambda api: api.ws(message))

    def state(self, entity_id: str) -> dict[str, Any]:
        """The entity's current state object."""
        state: dict[str, Any] = self.call("GET", f"/api/states/{entity_id}")
        return state

    def devices(self, entry_id: str) -> list[dict[str, Any]]:
        """The device registry's devices of one config entry."""
        registry: list[dict[str, Any]] = self.ws({"type": "config/device_registry/list"})
        return [device for device in registry if entry_id in device["config_entries"]]

    def entries(self) -> list[dict[str, Any]]:
        """The integration's config entries."""
        entries: list[dict[str, Any]] = self.call(
            "GET", f"/api/config/config_entries/entry?domain={DOMAIN}"
        )
        return entries

    def remove_entries(self) -> None:
        """Abort the integration's unfinished flows, delete its entries: a clean slate."""
        for progress in self.ws({"type": "config_entries/flow/progress"}):
            if progress.get("handler") == DOMAIN:
                self.call("DELETE", f"/api/config/config_entries/flow/{progress['flow_id']}")
        for entry in self.entries():
            self.call("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")

    def add_electra_entry(self, sim: SimulatorProcess, phone: str) -> dict[str, Any]:
        """Add an Electra Smart entry through the config-flow REST API, as the demo does."""

        async def add(api: HomeAssistantApi) -> dict[str, Any]:
            index = await SimIndex.fetch(api.session, sim.url)
            return await develop_setup.add_electra_entry(api, index, phone)

        return self.run(add)

    def add_vendor_entry(self, sim: SimulatorProcess, vendor: str) -> dict[str, Any]:
        """Add one vendor's demo entry through the config-flow REST API; the flow's last result."""

        async def add(api: HomeAssistantApi) -> dict[str, Any]:
            index = await SimIndex.fetch(api.session, sim.url)
            flow = await develop_setup.start_vendor_flow(api, index, vendor)
            return await develop_setup.VENDOR_SETUP[vendor](flow)

        return self.run(add)

    def add_demo_entries(self, sim: SimulatorProcess) -> list[str]:
        """Add one entry per vendor as ``scripts/develop`` does; what happened to each."""

        async def add(api: HomeAssistantApi) -> list[str]:
            index = await SimIndex.fetch(api.session, sim.url)
            return await develop_setup.add_vendor_entries(api, index)

        return self.run(add)

    def statistic_ids(self) -> set[str]:
        """The recorder's statistics with a sum (energy meters, imported ones included)."""
        listed = self.ws({"type": "recorder/list_statistic_ids", "statistic_type": "sum"})
        return {item["statistic_id"] for item in listed}

    def entity_ids(self, domain: str | None = None) -> list[str]:
        """The integration's entities (of one domain, if given), sorted."""
        registry = self.ws({"type": "config/entity_registry/list"})
        return sorted(
            item["entity_id"]
            for item in registry
            if item.get("platform") == DOMAIN
            and (domain is None or item["entity_id"].startswith(f"{domain}."))
        )


def wait_until[T](what: str, probe: Callable[[], T], timeout: float = 60, interval: float = 1) -> T:
    """Poll ``probe`` until it returns a true value (not None, False, 0 or empty); that value."""
    deadline = time.monotonic() + timeout
    while True:
        if value := probe():
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
