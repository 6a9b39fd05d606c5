"""The six site energy sensors are valid Energy dashboard sources (statistics metadata included).

Runs Home Assistant's own validation of the Energy dashboard's preferences, with the recorder
compiling real statistics of the sensors, on every supported Home Assistant version (the grid
source's shape differs between them).

House consumption has no source slot: Home Assistant computes the home's total itself from the
grid, solar and battery meters. On both versions the one place for a consumption meter is
``device_consumption`` (an individual device), and ``included_in_stat`` (there since 2025.4)
nests a sub-meter under it: the EV station's charged energy is part of the house consumption.
"""

from __future__ import annotations

from typing import Any

from homeassistant.components.energy import data as energy_data
from homeassistant.components.energy.validate import async_validate
from homeassistant.components.recorder import Recorder, get_instance
from homeassistant.components.recorder.statistics import get_metadata, validate_statistics
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
    do_adhoc_statistics,
    get_start_time,
)

from custom_components.home_energy_cloud.api.kiwigrid import LOCATION_GUID as HEMS_SITE_GUID
from simulator.kiwigrid import EV_GUID, LOCATION_GUID


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """The recorder must start before Home Assistant does (and so before the conftest's)."""


ENERGY_KEYS = (
    "pv_energy",
    "grid_import_energy",
    "grid_export_energy",
    "battery_charged_energy",
    "battery_discharged_energy",
    "house_consumption_energy",
)


def _grid_source(imported: str, exported: str) -> dict[str, Any]:
    if "stat_energy_from" in energy_data.GridSourceType.__annotations__:  # 2025.12 and later
        return {
            "type": "grid",
            "stat_energy_from": imported,
            "stat_energy_to": exported,
            "stat_cost": None,
            "entity_energy_price": None,
            "number_energy_price": None,
            "stat_compensation": None,
            "entity_energy_price_export": None,
            "number_energy_price_export": None,
            "cost_adjustment_day": 0.0,
        }
    return {
        "type": "grid",
        "flow_from": [
            {
                "stat_energy_from": imported,
                "stat_cost": None,
                "entity_energy_price": None,
                "number_energy_price": None,
            }
        ],
        "flow_to": [
            {
                "stat_energy_to": exported,
                "stat_compensation": None,
                "entity_energy_price": None,
                "number_energy_price": None,
            }
        ],
        "cost_adjustment_day": 0.0,
    }


def _sensor_id(registry: er.EntityRegistry, entry: MockConfigEntry, guid: str, key: str) -> str:
    scope = str(entry.unique_id).removeprefix("kiwigrid:")
    entity_id = registry.async_get_entity_id(
        "sensor", "home_energy_cloud", f"kiwigrid_{scope}_{guid}_{key}"
    )
    assert entity_id, key
    return entity_id


@pytest.mark.parametrize(
    ("connection", "site_guid", "with_ev_meter"),
    [
        # The local manager (and the legacy portal) count the EV station's energy too.
        ("local", LOCATION_GUID, True),
        # The REST portals: the six site counters come from the persistent accumulator.
        ("solarwatt", HEMS_SITE_GUID, False),
    ],
)
async def test_the_six_energy_sensors_fill_the_energy_dashboard(
    hass: HomeAssistant, setup_kiwigrid: MockConfigEntry, site_guid: str, with_ev_meter: bool
) -> None:
    registry = er.async_get(hass)
    sensors = {key: _sensor_id(registry, setup_kiwigrid, site_guid, key) for key in ENERGY_KEYS}
    house = sensors["house_consumption_energy"]
    devices: list[dict[str, Any]] = [{"stat_consumption": house}]
    if with_ev_meter:
        ev_meter = _sensor_id(registry, setup_kiwigrid, EV_GUID, "charged_energy")
        sensors["ev_charged_energy"] = ev_meter
        devices.append({"stat_consumption": ev_meter, "included_in_stat": house})
    await async_wait_recording_done(hass)
    do_adhoc_statistics(hass, start=get_start_time(dt_util.utcnow()))
    await async_wait_recording_done(hass)

    instance = get_instance(hass)
    metadata = await instance.async_add_executor_job(
        lambda: get_metadata(hass, statistic_ids=set(sensors.values()))
    )
    assert set(metadata) == set(sensors.values())
    for _, meta in metadata.values():
        assert meta["has_sum"]
        assert meta["unit_of_measurement"] == "kWh"
    assert not await instance.async_add_executor_job(validate_statistics, hass)

    manager = await energy_data.async_get_manager(hass)
    await manager.async_update(
        {
            "energy_sources": [
                {
                    "type": "solar",
                    "stat_energy_from": sensors["pv_energy"],
                    "config_entry_solar_forecast": None,
                },
                _grid_source(sensors["grid_import_energy"], sensors["grid_export_energy"]),
                {
                    "type": "battery",
                    "stat_energy_from": sensors["battery_discharged_energy"],
                    "stat_energy_to": sensors["battery_charged_energy"],
                },
            ],
            "device_consumption": devices,
        }
    )
    assert manager.data is not None
    assert manager.data["device_consumption"] == devices  # kept as given, nesting included
    validation = (await async_validate(hass)).as_dict()
    assert len(validation["energy_sources"]) == 3
    assert all(not issues for issues in validation["energy_sources"]), validation
    assert len(validation["device_consumption"]) == len(devices)
    assert all(not issues for issues in validation["device_consumption"]), validation
