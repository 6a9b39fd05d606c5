"""Derapi constants: entry keys, polling cadence, display names and what diagnostics hide."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

VENDOR_KEY: Final = "derapi"

# entry.data keys (the endpoint keys are the DerapiHosts field names)
CONF_CLIENT_ID: Final = "client_id"
CONF_CLIENT_SECRET: Final = "client_secret"
CONF_ENVIRONMENT: Final = "environment"
CONF_VENDOR_CREDENTIALS: Final = "vendor_credentials"
"""Credential kind -> ``VendorCredentials.to_dict()``; absent or empty: stored at Derapi."""
CONF_API_URL: Final = "api_url"
CONF_AUTH_URL: Final = "auth_url"
CONF_SMA_AUTH_URL: Final = "sma_auth_url"
CONF_ENPHASE_AUTH_URL: Final = "enphase_auth_url"
CONF_TESLA_AUTH_URL: Final = "tesla_auth_url"

# entry.options keys
CONF_DETAILS_INTERVAL: Final = "details_interval"

ENVIRONMENT_PRODUCTION: Final = "production"
ENVIRONMENT_SANDBOX: Final = "sandbox"

# Config-flow form keys
CONF_AUTHORIZATION: Final = "authorization"
AUTHORIZATION_STORED: Final = "stored"
AUTHORIZATION_HEADERS: Final = "headers"
CONF_VENDORS: Final = "vendors"
CONF_CHANGE: Final = "change"
CONF_SKIP: Final = "skip"

# Vendors cap and meter API calls (notes §8.3): devices every 5 minutes unless the user
# chooses slower; the topology and the hourly intervals change slowly anyway.
TOPOLOGY_INTERVAL: Final = timedelta(hours=1)
DEFAULT_DETAILS_MINUTES: Final = 5
MIN_DETAILS_MINUTES: Final = 5
MAX_DETAILS_MINUTES: Final = 60
INTERVALS_INTERVAL: Final = timedelta(hours=1)
# How far back statistics go when an entry is new (and after a gap longer than this).
BACKFILL: Final = timedelta(days=30)
# Every import reads these last hours again: vendors correct recent intervals (late uploads,
# fixed readings), and the notes suggest a 48-hour look-back (§13). One page at hour level.
REREAD: Final = timedelta(hours=48)

# Display names of Derapi's vendor keys (the manufacturer of their devices).
VENDOR_NAMES: Final = {
    "enphase": "Enphase",
    "enphasevpp": "Enphase VPP",
    "sma": "SMA",
    "smasbox": "SMA (sandbox)",
    "solaredge": "SolarEdge",
    "solis": "Solis",
    "tesla": "Tesla",
    "virtual": "Derapi virtual",
}


def vendor_name(vendor: str) -> str:
    """How a vendor key is shown to users (unknown vendors as Derapi names them)."""
    return VENDOR_NAMES.get(vendor, vendor)


# Secrets and personal data: never in logs, diagnostics or attributes.
REDACT_KEYS: Final = frozenset(
    {
        CONF_CLIENT_SECRET,
        CONF_VENDOR_CREDENTIALS,
        "client_secret",
        "key_secret",
        "key_id",
        "api_key",
        "refresh_token",
        "access_token",
        "token",
        "lat",
        "lon",
        "location",
        "serial_number",
    }
)
