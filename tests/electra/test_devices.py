"""The device registry records of the air conditioners."""

from __future__ import annotations

from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator.electra import CENTRAL_ID, MIDEA_ID

from .common import find_device


async def test_device_records(
    device_registry: dr.DeviceRegistry, setup_electra: MockConfigEntry
) -> None:
    central = find_device(device_registry, setup_electra.entry_id, CENTRAL_ID)
    midea = find_device(device_registry, setup_electra.entry_id, MIDEA_ID)
    assert central is not None
    assert midea is not None
    # The cloud calls the central unit's maker "מיני מרכזי" (a product line); its id is Electra.
    assert central.manufacturer == "Electra"
    assert midea.manufacturer == "Midea"
    assert central.name == "סלון"
    assert central.model == "K074133343"
    assert central.sw_version == "611V4-C12"
    assert central.serial_number
    assert {kind for kind, _ in central.connections} == {dr.CONNECTION_NETWORK_MAC}
