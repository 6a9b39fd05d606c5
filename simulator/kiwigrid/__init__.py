"""Fake of the Kiwigrid / Solarwatt clouds (both generations) and a local Energy Manager.

Modules: :mod:`.cloud` (hosts and Python API), :mod:`.site` (the simulated site and its
physics), :mod:`.auth` (accounts, sessions, tokens), :mod:`.legacy` (generation 1 login and
context.js), :mod:`.keycloak` (generation 2 login and ``/context``), :mod:`.rest` (HEMS v11 and
the local EM), :mod:`.bus` (the SockJS/vert.x websocket), :mod:`.control` (``/_sim/kiwigrid/``).
"""

from .auth import PASSWORD, USERNAME
from .cloud import KiwigridCloud
from .site import (
    APP_GUID,
    BATTERY_GUIDS,
    EM_GUID,
    EV_GUID,
    EXTRA_METER_PREFIX,
    GRID_METER_GUID,
    INVERTER_GUID,
    LOCATION_GUID,
)

__all__ = [
    "APP_GUID",
    "BATTERY_GUIDS",
    "EM_GUID",
    "EV_GUID",
    "EXTRA_METER_PREFIX",
    "GRID_METER_GUID",
    "INVERTER_GUID",
    "LOCATION_GUID",
    "PASSWORD",
    "USERNAME",
    "KiwigridCloud",
]
