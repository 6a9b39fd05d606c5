"""Fake of the Electra Smart (Israel) cloud: ``POST /mobile/mobilecommand`` plus controls.

Modules: :mod:`.cloud` (endpoint and Python API), :mod:`.dispatch` and the ``*_commands``
modules (one handler per cmd), :mod:`.sessions` (OTP, tokens, sids, lockout), :mod:`.units`
and :mod:`.families` (AC models and their telemetry), :mod:`.timers` (events),
:mod:`.scenario` (the default accounts and units), :mod:`.control` (``/_sim/electra/`` routes).
"""

from .cloud import ElectraCloud
from .scenario import (
    CENTRAL_ID,
    INVERTER_ID,
    MIDEA_ID,
    NEVER_ONLINE_ID,
    PRIMARY_PHONE,
    SECOND_PHONE,
    SECOND_UNIT_ID,
)
from .units import REPORT_INTERVAL

__all__ = [
    "CENTRAL_ID",
    "INVERTER_ID",
    "MIDEA_ID",
    "NEVER_ONLINE_ID",
    "PRIMARY_PHONE",
    "REPORT_INTERVAL",
    "SECOND_PHONE",
    "SECOND_UNIT_ID",
    "ElectraCloud",
]
