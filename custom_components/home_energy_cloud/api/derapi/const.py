"""Constants of the Derapi API (protocol notes §2, §3, §5, §9, §10)."""

from __future__ import annotations

from typing import Final

API_VERSION: Final = "v2024-09-01"

# Production and sandbox ("virtual mode") use the same Derapi hosts; the mode is a property of
# the client credentials (notes §2). The vendors' own sandboxes have hosts of their own.
DEFAULT_API_URL: Final = "https://api.derapi.com"
DEFAULT_AUTH_URL: Final = "https://auth.derapi.com"
SANDBOX_API_URL: Final = DEFAULT_API_URL
SANDBOX_AUTH_URL: Final = DEFAULT_AUTH_URL

DEFAULT_SMA_AUTH_URL: Final = "https://auth.smaapis.de"
SANDBOX_SMA_AUTH_URL: Final = "https://sandbox-auth.smaapis.de"
DEFAULT_ENPHASE_AUTH_URL: Final = "https://api.enphaseenergy.com"
DEFAULT_TESLA_AUTH_URL: Final = "https://fleet-auth.prd.vn.cloud.tesla.com"

DERAPI_TOKEN_PATH: Final = "/oauth2/token"
SMA_TOKEN_PATH: Final = "/oauth2/token"
SMA_SCOPE: Final = "monitoringApi:read"
ENPHASE_TOKEN_PATH: Final = "/oauth/token"
TESLA_TOKEN_PATH: Final = "/oauth2/v3/token"

# Renew an access token this long before it expires: SMA tokens live only 300 s, and a token
# that expires while a request is in flight costs a 401 and a retry.
TOKEN_RENEW_MARGIN: Final = 60.0

DEFAULT_PAGE_SIZE: Final = 50
# 1,000 devices at 100 ms: ceil(1000/40) = 25 round trips (about 2.5 s, inside the 3 s target;
# 32 took 3.6 s, scripts/bench derapi), while a vendor still sees a bounded burst.
DEFAULT_CONCURRENCY: Final = 40
DEFAULT_REQUEST_TIMEOUT: Final = 30.0
# A server that keeps answering with page tokens is cut off here rather than looped on forever.
MAX_PAGES: Final = 10_000

VENDORS: Final = (
    "enphase",
    "enphasevpp",
    "sma",
    "smasbox",
    "solaredge",
    "solis",
    "tesla",
    "virtual",
)

SUMMARY_LEVELS: Final = ("15mins", "hour", "day", "month")
BATTERY_MODES: Final = ("Self Consumption", "Savings", "Backup")
BATTERY_COMMANDS: Final = ("charge", "discharge", "idle")

# The cue in a list's `errors` map that a vendor credential needs re-authorising (notes §8.1).
UNAUTHORIZED_PREFIX: Final = "unauthorized"

PROBLEM_CONTENT_TYPE: Final = "application/problem+json"
