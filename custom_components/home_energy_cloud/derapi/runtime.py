"""What a loaded Derapi entry holds in ``entry.runtime_data``."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.config_entries import ConfigEntry

from ..api.derapi import DerapiClient
from ..vendor_spec import VendorRuntime
from .coordinator import DerapiDetailsCoordinator, DerapiTopologyCoordinator
from .health import VendorHealth
from .statistics import DerapiStatisticsCoordinator


@dataclass(kw_only=True)
class DerapiRuntime(VendorRuntime):
    """The account's client, vendor health and coordinators."""

    client: DerapiClient
    health: VendorHealth
    topology: DerapiTopologyCoordinator
    details: DerapiDetailsCoordinator
    statistics: DerapiStatisticsCoordinator


type DerapiConfigEntry = ConfigEntry[DerapiRuntime]
