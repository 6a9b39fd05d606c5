"""Solarwatt / Kiwigrid constants of the Home Assistant side."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from ..api.kiwigrid import Portal

VENDOR_KEY: Final = "kiwigrid"

# entry.data keys
CONF_PORTAL: Final = "portal"
"""A key of ``PORTALS`` (a cloud account) or ``PORTAL_LOCAL`` (an Energy Manager on the LAN)."""
CONF_USERNAME: Final = "username"
CONF_PASSWORD: Final = "password"
CONF_HOST: Final = "host"

PORTAL_LOCAL: Final = "local"

# The REST cloud refreshes its energy flow about every 15 s; the local manager every few
# seconds, but 10 s is plenty for dashboards and leaves the little gateway alone.
HEMS_INTERVAL: Final = timedelta(seconds=15)
LOCAL_INTERVAL: Final = timedelta(seconds=10)
# Polling over the open kiwibus socket when pushes are refused, and the push fallback.
BUS_POLL_INTERVAL: Final = timedelta(seconds=15)
# Analytics period totals feed the energy accumulator; they change slowly (the Energy
# Manager uploads in batches) and every call costs the cloud a query over the whole day.
ENERGY_TOTALS_INTERVAL: Final = timedelta(minutes=5)
# How far back the accumulator catches up after Home Assistant was off (the analytics API
# answers periods of at most 7 days).
ENERGY_CATCH_UP_DAYS: Final = 7


def endpoint_key(portal: Portal, host: str) -> str:
    """The entry.data key (and form field) of one portal host."""
    return f"{portal.key}_{host}_url"


def portal_endpoint_keys(portal: Portal) -> tuple[str, ...]:
    """The endpoint keys of one portal, in its host order."""
    return tuple(endpoint_key(portal, host) for host in portal.hosts)


# Secrets and personal data: never in logs, diagnostics or attributes.
REDACT_KEYS: Final = frozenset(
    {
        CONF_USERNAME,
        CONF_PASSWORD,
        CONF_HOST,
        "access_token",
        "accessToken",
        "token",
        "cookie",
        "cookies",
        "webcore_sid",
        "session_id",
        "user_id",
        "unique_id",
        "title",
        "serial_number",
        "IdSerialNumber",
        "guid",
        "IdName",
        "latitude",
        "longitude",
        "Location",
    }
)
