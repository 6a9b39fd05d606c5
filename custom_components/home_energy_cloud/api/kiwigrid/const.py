"""Constants of the Kiwigrid protocols (protocol notes §1-§5), named once."""

from __future__ import annotations

from typing import Final

# Device classes (notes §5.1); a device lists several, matched by membership.
CLASS_LOCATION: Final = "com.kiwigrid.devices.location.Location"
CLASS_ENERGY_MANAGER: Final = "com.kiwigrid.devices.em.EnergyManager"
CLASS_INVERTER: Final = "com.kiwigrid.devices.inverter.Inverter"
CLASS_BATTERY: Final = "com.kiwigrid.devices.batteryconverter.BatteryConverter"
CLASS_POWER_METER: Final = "com.kiwigrid.devices.powermeter.PowerMeter"
CLASS_EV_STATION: Final = "com.kiwigrid.devices.evstation.EVStation"

# The local Energy Manager (notes §4).
LOCAL_DEVICES_PATH: Final = "/rest/kiwigrid/wizard/devices"

# kiwibus (notes §2): SockJS + vert.x 2 event-bus bridge.
BUS_SERVICE_DEVICES: Final = "deviceservice"
BUS_PAGE_SIZE: Final = 50
BUS_PING_INTERVAL: Final = 5.0
BUS_REQUEST_TIMEOUT: Final = 10.0
BUS_CODE_OK: Final = 200
BUS_CODE_TOKEN_EXPIRED: Final = 419

# HEMS REST (notes §3); the version changed often, so it is one constant (and a portal field).
HEMS_API_VERSION: Final = "v11"
# Refresh a JWT this long before its ``exp`` (the enviaM client uses 30 s).
TOKEN_REFRESH_MARGIN: Final = 30.0
DEFAULT_REFRESH_TOKEN_PATH: Final = "/rest/auth/refreshAccessToken"
