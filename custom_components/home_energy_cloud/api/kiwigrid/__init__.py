"""Solarwatt / Kiwigrid: the normalised site model and its three sources.

* :class:`HemsClient`: the current cloud (Keycloak login, ``/context``, HEMS v11 REST; polling).
* :class:`KiwibusClient`: the legacy cloud (the seed's login, ``js/context.js``, the kiwibus
  SockJS/vert.x websocket with pushes).
* :class:`LocalEnergyManagerClient`: an Energy Manager on the local network.

Every source returns a :class:`KiwigridSite`. No Home Assistant imports.
"""

from .bus import KiwibusClient
from .context import (
    PortalContext,
    parse_context_js,
    parse_context_json,
    token_expiry,
    token_subject,
)
from .eventbus import DeviceEvent, Envelope, Reply, parse_device_event, parse_envelope
from .exceptions import (
    KiwigridAuthError,
    KiwigridConnectionError,
    KiwigridConnectionLostError,
    KiwigridLoginPageChangedError,
    KiwigridProtocolError,
    KiwigridRequestError,
    KiwigridTokenExpiredError,
)
from .hems import LOCATION_GUID, HemsClient
from .hems_parsers import EnergyFlow, EnergyTotals
from .local import LocalEnergyManagerClient
from .models import (
    Battery,
    EnergyManager,
    EVStation,
    Inverter,
    KiwigridDevice,
    KiwigridSite,
    Location,
    PowerMeter,
    parse_local_devices,
)
from .portals import (
    ENVIAM,
    HOST_AUTH,
    HOST_BUS,
    HOST_HEMS,
    HOST_PORTAL,
    PORTALS,
    SOLARWATT,
    SOLARWATT_LEGACY,
    Generation,
    Portal,
)
from .sockjs import parse_frame

__all__ = [
    "ENVIAM",
    "HOST_AUTH",
    "HOST_BUS",
    "HOST_HEMS",
    "HOST_PORTAL",
    "LOCATION_GUID",
    "PORTALS",
    "SOLARWATT",
    "SOLARWATT_LEGACY",
    "Battery",
    "DeviceEvent",
    "EVStation",
    "EnergyFlow",
    "EnergyManager",
    "EnergyTotals",
    "Envelope",
    "Generation",
    "HemsClient",
    "Inverter",
    "KiwibusClient",
    "KiwigridAuthError",
    "KiwigridConnectionError",
    "KiwigridConnectionLostError",
    "KiwigridDevice",
    "KiwigridLoginPageChangedError",
    "KiwigridProtocolError",
    "KiwigridRequestError",
    "KiwigridSite",
    "KiwigridTokenExpiredError",
    "LocalEnergyManagerClient",
    "Location",
    "Portal",
    "PortalContext",
    "PowerMeter",
    "Reply",
    "parse_context_js",
    "parse_context_json",
    "parse_device_event",
    "parse_envelope",
    "parse_frame",
    "parse_local_devices",
    "token_expiry",
    "token_subject",
]
