"""Electra Smart constants."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

VENDOR_KEY: Final = "electra"

CONF_PHONE: Final = "phone"
CONF_IMEI: Final = "imei"
CONF_TOKEN: Final = "token"
CONF_CODE: Final = "code"
CONF_RESEND: Final = "resend"

# The vendor asked clients to poll telemetry every 1-2 minutes, not faster (protocol notes §3).
TELEMETRY_INTERVAL: Final = timedelta(seconds=60)
DEVICES_INTERVAL: Final = timedelta(hours=1)
TIMERS_INTERVAL: Final = timedelta(hours=1)

# Electra Smart units are sold and run in Israel; the cloud's timer times are local time there,
# whatever time zone Home Assistant itself is set to.
UNIT_TIME_ZONE: Final = "Asia/Jerusalem"

MIN_TEMP: Final = 16
MAX_TEMP: Final = 30

# Secrets and personal data: never in logs, diagnostics or attributes.
REDACT_KEYS: Final = frozenset(
    {
        CONF_PHONE,
        CONF_IMEI,
        CONF_TOKEN,
        "sid",
        "mac",
        "sn",
        "deviceToken",
        "mqttId",
        "OwnerUsername",
        "userId",
        "latitude",
        "longitude",
        "location",
        "DISPLAY_IP",
        "title",
        "connections",
    }
)
