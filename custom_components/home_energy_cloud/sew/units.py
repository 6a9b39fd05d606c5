"""Units as the utility reports them, mapped to Home Assistant's (never guessed)."""

from __future__ import annotations

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.const import UnitOfEnergy, UnitOfVolume

from ..api.sew import ServiceType, SewMeter, SewUtility

# Spellings seen in SEW ``UOM`` fields, folded to lower case without spaces or dots.
_UNITS: dict[str, str] = {
    "kwh": UnitOfEnergy.KILO_WATT_HOUR,
    "gal": UnitOfVolume.GALLONS,
    "gals": UnitOfVolume.GALLONS,
    "gallon": UnitOfVolume.GALLONS,
    "gallons": UnitOfVolume.GALLONS,
    "hcf": UnitOfVolume.CENTUM_CUBIC_FEET,
    "ccf": UnitOfVolume.CENTUM_CUBIC_FEET,
    "m3": UnitOfVolume.CUBIC_METERS,
    "m³": UnitOfVolume.CUBIC_METERS,
    "cf": UnitOfVolume.CUBIC_FEET,
    "ft3": UnitOfVolume.CUBIC_FEET,
}
_DEFAULTS = {ServiceType.ELECTRIC: UnitOfEnergy.KILO_WATT_HOUR}
_DEVICE_CLASSES = {
    ServiceType.ELECTRIC: SensorDeviceClass.ENERGY,
    ServiceType.WATER: SensorDeviceClass.WATER,
    ServiceType.GAS: SensorDeviceClass.GAS,
}


def meter_unit(utility: SewUtility, meter: SewMeter) -> str | None:
    """The meter's unit in Home Assistant's spelling: the registry's, else the API's.

    Electricity is kWh whatever the label; a water or gas unit nobody reported stays None
    (the sensors then carry no unit rather than a wrong one).
    """
    raw = utility.unit_for(meter.service, meter.unit)
    if raw is None:
        return _DEFAULTS.get(meter.service)
    folded = raw.strip().casefold().replace(" ", "").replace(".", "")
    return _UNITS.get(folded, raw)


def device_class(meter: SewMeter, unit: str | None) -> SensorDeviceClass | None:
    """The device class when the unit is one Home Assistant accepts for it, else None."""
    known = unit in _UNITS.values()
    return _DEVICE_CLASSES[meter.service] if known else None


def energy_unit_class(unit: str | None) -> str | None:
    """The statistics ``unit_class`` of a unit (2025.11+ metadata)."""
    if unit == UnitOfEnergy.KILO_WATT_HOUR:
        return "energy"
    if unit in _UNITS.values():
        return "volume"
    return None
