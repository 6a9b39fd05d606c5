"""Shared fixtures: the simulator on a free loopback port, and Home Assistant plumbing."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
import contextlib
from dataclasses import replace
from functools import partial
from typing import Any
from unittest.mock import patch

from homeassistant.components.recorder import Recorder
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.home_energy_cloud.api.electra import ElectraClient
from custom_components.home_energy_cloud.const import DOMAIN
from custom_components.home_energy_cloud.electra import ELECTRA
from simulator import SimClock, Simulator
from simulator.electra import PRIMARY_PHONE, ElectraCloud

from .helpers import electra_login


@pytest.fixture
def mock_recorder_before_hass(async_test_recorder: Any) -> None:
    """Prepare the recorder before ``hass`` is created, as the recorder fixtures require."""


@pytest.fixture(autouse=True)
def auto_recorder(recorder_mock: Recorder) -> None:
    """The integration depends on the recorder (Derapi imports statistics): every test has one."""


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load the integration from custom_components/."""


@pytest.fixture
def entity_registry_enabled_by_default() -> Generator[None]:
    """Create entities that are disabled by default as enabled (for snapshots)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        return_value=True,
    ):
        yield


@pytest.fixture
def sim_clock() -> SimClock:
    """The simulator's clock, shared with clients under test so both see the same time."""
    return SimClock()


@pytest.fixture
async def simulator(socket_enabled: None, sim_clock: SimClock) -> AsyncGenerator[Simulator]:
    """Every vendor cloud on a free port of 127.0.0.1 (sockets are otherwise blocked in tests)."""
    sim = Simulator(sim_clock)
    await sim.start("127.0.0.1", 0)
    try:
        yield sim
    finally:
        await sim.stop()


# --- Electra Smart -------------------------------------------------------------------------------

ELECTRA_PHONE = PRIMARY_PHONE


@pytest.fixture
def merge_window() -> float:
    """How long the client waits to merge writes; tests that freeze time need 0."""
    return 0.05


@pytest.fixture
def electra_client_timing(sim_clock: SimClock, merge_window: float) -> Generator[None]:
    """Clients the integration builds share the simulator's clock and skip real-time waits.

    Time passing is the one thing the simulator cannot do for the client; everything else the
    client does is real (loopback HTTP to the simulator).
    """
    fast_client = partial(
        ElectraClient, clock=sim_clock.monotonic, confirm_delay=0, merge_window=merge_window
    )
    with patch("custom_components.home_energy_cloud.electra.ElectraClient", fast_client):
        yield


@pytest.fixture
def cloud(simulator: Simulator) -> ElectraCloud:
    """The Electra cloud fake."""
    cloud: ElectraCloud = simulator.cloud("electra")
    return cloud


@pytest.fixture
async def electra_entry(
    hass: HomeAssistant, simulator: Simulator, electra_client_timing: None
) -> MockConfigEntry:
    """An Electra Smart entry, logged in to the simulator's primary account."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Electra Smart (050-•••-4567)",
        unique_id=f"electra:{ELECTRA_PHONE}",
        data=await electra_login(simulator),
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
def platforms() -> list[Platform] | None:
    """Which platforms to load (None: all of the vendor's); snapshot tests load one each."""
    return None


@pytest.fixture
async def setup_electra(
    hass: HomeAssistant, electra_entry: MockConfigEntry, platforms: list[Platform] | None
) -> MockConfigEntry:
    """The Electra Smart entry, set up."""
    with contextlib.ExitStack() as stack:
        if platforms is not None:
            # The registry record is frozen: swap in a copy that loads only these platforms.
            only = replace(ELECTRA, platforms=tuple(platforms))
            stack.enter_context(
                patch.dict("custom_components.home_energy_cloud.vendors.VENDORS", {"electra": only})
            )
        assert await hass.config_entries.async_setup(electra_entry.entry_id)
        await hass.async_block_till_done()
    return electra_entry
