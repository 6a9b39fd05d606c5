"""Fake of one SEW "Smart Customer Mobile" utility, served by both mobile API flavors.

Modules: :mod:`.cloud` (hosts and Python API), :mod:`.portal_host` (flavor A, PortalService,
AES envelope), :mod:`.api_host` (flavor B, /API/ + /Service/), :mod:`.backend` (logins,
accounts, meters, bills), :mod:`.usage_service` (publication, usage rows), :mod:`.readings`
(deterministic hourly data), :mod:`.sessions`, :mod:`.envelope`, :mod:`.scenario`,
:mod:`.control` (``/_sim/sew/`` routes).
"""

from .cloud import SewCloud
from .scenario import (
    CABIN_ACCOUNT,
    CABIN_METER,
    CABIN_UTILITY_ACCOUNT,
    ELECTRIC_METER,
    ELECTRIC_PRICE,
    HOME_ACCOUNT,
    HOME_UTILITY_ACCOUNT,
    PASSWORD,
    SECURE_ACCOUNT,
    SECURE_METER,
    TFA_DESTINATION,
    TFA_PASSWORD,
    TFA_USER_ID,
    TFA_USERNAME,
    TIME_ZONE,
    USER_ID,
    USERNAME,
    WATER_METER,
    WATER_PRICE,
)

__all__ = [
    "CABIN_ACCOUNT",
    "CABIN_METER",
    "CABIN_UTILITY_ACCOUNT",
    "ELECTRIC_METER",
    "ELECTRIC_PRICE",
    "HOME_ACCOUNT",
    "HOME_UTILITY_ACCOUNT",
    "PASSWORD",
    "SECURE_ACCOUNT",
    "SECURE_METER",
    "TFA_DESTINATION",
    "TFA_PASSWORD",
    "TFA_USERNAME",
    "TFA_USER_ID",
    "TIME_ZONE",
    "USERNAME",
    "USER_ID",
    "WATER_METER",
    "WATER_PRICE",
    "SewCloud",
]
