"""Fixtures of the Electra Smart platform tests."""

from __future__ import annotations

from collections.abc import Generator
from functools import partial
from unittest.mock import patch

import pytest

from custom_components.home_energy_cloud.api.electra import ElectraClient
from simulator import SimClock, Simulator
from simulator.electra import ElectraCloud


@pytest.fixture
def merge_window() -> float:
    """How long the client waits to merge writes; tests that freeze time need 0."""
    return 0.05


@pytest.fixture
def electra_client_timing(sim_clock: SimClock, merge_window: float) -> Generator[None]:
    """As the shared fixture, with the merge window each test asks for."""
    fast_client = partial(
        ElectraClient, clock=sim_clock.monotonic, confirm_delay=0, merge_window=merge_window
    )
    with patch("custom_components.home_energy_cloud.electra.ElectraClient", fast_client):
        yield


@pytest.fixture
def cloud(simulator: Simulator) -> ElectraCloud:
    """The Electra cloud fake."""
    return simulator.cloud("electra")
