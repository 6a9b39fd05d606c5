"""Shared fixtures: the simulator on a free loopback port, and Home Assistant plumbing."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Generator
from unittest.mock import patch

import pytest

from simulator import SimClock, Simulator


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
