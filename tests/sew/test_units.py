"""Units of SEW meters in Home Assistant's spelling, never guessed."""

from __future__ import annotations

from homeassistant.const import UnitOfEnergy, UnitOfVolume

from custom_components.home_energy_cloud.api.sew.models import ServiceType, SewMeter
from custom_components.home_energy_cloud.api.sew.registry import get_utility
from custom_components.home_energy_cloud.sew.units import energy_unit_class, meter_unit


def test_an_unreported_unit_is_only_assumed_for_electricity() -> None:
    other = get_utility("other")
    electric = SewMeter(meter_number="1", service=ServiceType.ELECTRIC, unit=None)
    water = SewMeter(meter_number="2", service=ServiceType.WATER, unit=None)
    assert meter_unit(other, electric) == UnitOfEnergy.KILO_WATT_HOUR
    assert meter_unit(other, water) is None


def test_statistics_unit_classes() -> None:
    assert energy_unit_class(UnitOfEnergy.KILO_WATT_HOUR) == "energy"
    assert energy_unit_class(UnitOfVolume.GALLONS) == "volume"
    assert energy_unit_class("furlongs") is None
    assert energy_unit_class(None) is None
