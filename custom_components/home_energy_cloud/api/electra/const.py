"""Constants of the Electra Smart cloud protocol (see the protocol notes, sections 1-3)."""

from __future__ import annotations

from typing import Final

DEFAULT_BASE_URL: Final = "https://app.ecpiot.co.il"
API_PATH: Final = "/mobile/mobilecommand"

# Every known client sends this; the cloud is believed to check it on the sid commands.
USER_AGENT: Final = "Electra Client"

PROVIDER_ID: Final = 1
OS_NAME: Final = "android"
OS_VERSION: Final = "M4B30Z"

IMEI_PREFIX: Final = "2b950000"
IMEI_RANDOM_DIGITS: Final = 8

# The server keeps a SID for about 15 minutes; renewing at 13 leaves headroom for clock skew.
SID_MAX_AGE: Final = 13 * 60.0
# More frequent VALIDATE_TOKEN calls get the token locked out ("Intruder lockout"). Renewals
# 5 minutes apart have been locked out (nitaybz/homebridge-electra-smart#4, where the plugin
# then moved to 10 minutes and the reports stopped), so 5 minutes is no guard; nothing shows a
# lockout at 10. The 13-minute renewal above is well clear of it.
VALIDATE_TOKEN_MIN_INTERVAL: Final = 10 * 60.0

# A unit whose last report (timeDelta, notes §2.7) is older than this has stopped reporting:
# the cloud still serves its last telemetry, but that is no longer the unit's state. Units
# report about once a minute even when idle (seed samples 53 and 70 s); Home Assistant core
# uses 120 s, the notes advise minutes, so a few missed reports are tolerated.
STALE_REPORT_AGE: Final = 5 * 60.0

# A cached OPER younger than this is trusted as the base of a read-modify-write.
FRESH_STATE_MAX_AGE: Final = 1.0

CMD_SEND_OTP: Final = "SEND_OTP"
CMD_CHECK_OTP: Final = "CHECK_OTP"
CMD_VALIDATE_TOKEN: Final = "VALIDATE_TOKEN"
CMD_GET_DEVICES: Final = "GET_DEVICES"
CMD_GET_LAST_TELEMETRY: Final = "GET_LAST_TELEMETRY"
CMD_SEND_COMMAND: Final = "SEND_COMMAND"
CMD_GET_EVENTS: Final = "GET_EVENTS"
CMD_SET_EVENT: Final = "SET_EVENT"
CMD_DELETE_EVENT: Final = "DELETE_EVENT"
CMD_SET_DEVICE_EVENTS_FLAG: Final = "SET_DEVICE_EVENTS_FLAG"

GROUP_OPER: Final = "OPER"
GROUP_DIAG: Final = "DIAG_L2"
GROUP_HB: Final = "HB"
TELEMETRY_GROUPS: Final = f"{GROUP_OPER},{GROUP_DIAG},{GROUP_HB}"

# Telemetry groups arrive as these placeholders when the unit has not reported them.
NULL_GROUP_VALUES: Final = frozenset({"", "null", "none"})

# Substrings of VALIDATE_TOKEN's res_desc that mean the token itself is unusable.
RES_DESC_LOCKOUT: Final = "intruder lockout"
RES_DESC_TOKEN_NOT_FOUND: Final = "token not found"

# OPER keys and values (the one place that names them; the Home Assistant glue imports these)
AC_MODE: Final = "AC_MODE"
TURN_ON_OFF: Final = "TURN_ON_OFF"
AC_STSRC: Final = "AC_STSRC"
SPT: Final = "SPT"
FANSPD: Final = "FANSPD"
VSWING: Final = "VSWING"
HSWING: Final = "HSWING"
IFEEL: Final = "IFEEL"
SLEEP: Final = "SLEEP"
TURBO: Final = "TURBO"
SHABAT: Final = "SHABAT"
CLEAR_FILT: Final = "CLEAR_FILT"
ON: Final = "ON"
OFF: Final = "OFF"
STBY: Final = "STBY"
STSRC_WIFI: Final = "WI-FI"

# Keys the client writes for the cloud's sake, not the caller's; the unit does not necessarily
# echo the value back, so they are never part of the read-back check.
UNVERIFIED_KEYS: Final = frozenset({AC_STSRC})
