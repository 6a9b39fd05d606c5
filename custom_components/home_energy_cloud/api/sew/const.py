"""Constants of the SEW Smart Customer Mobile API (protocol notes §1, §2)."""

from __future__ import annotations

from typing import Final

DEFAULT_ENCRYPTION_KEY: Final = "PasswordPassword"
"""AES key and IV of the PortalService envelope (the seed's recipe)."""

PORTAL_PREFIX: Final = "/PortalService"
API_PREFIX: Final = "/API"
SERVICE_PREFIX: Final = "/Service"

# Flavor A method names carry this suffix in the mobile apps (`ValidateUserLoginMob`).
MOBILE_METHOD_SUFFIX: Final = "Mob"

# Usage request parameters (notes §2).
MODE_INTERVAL: Final = "MI"
MODE_HOURLY: Final = "H"
MODE_DAILY: Final = "D"
MODE_MONTHLY: Final = "M"
HOURLY_TYPE_HOURLY: Final = "H"
HOURLY_TYPE_QUARTER: Final = "Q"
TYPE_KWH: Final = "K"
TYPE_DOLLARS: Final = "D"
TYPE_GALLONS: Final = "G"
TYPE_HCF: Final = "W"

# The request header flavor B's app sends: 0 for the login steps, 1 for data calls.
SOURCE_TYPE_LOGIN: Final = "0"
SOURCE_TYPE_DATA: Final = "1"
USER_AGENT: Final = "okhttp/4.12.0"

# Which module and method serve each call, per flavor. Flavor B's come from the Hidroelectrica
# clients (notes §1.2); flavor A reuses them under its `<Module>.svc/<Method>Mob` pattern with
# the module names the blog lists (AdminBilling for bills). None of flavor A's data methods
# are publicly confirmed.
CALL_ACCOUNTS: Final = "accounts"
CALL_METERS: Final = "meters"
CALL_USAGE: Final = "usage"
CALL_BILL: Final = "bill"
CALL_OUTAGE: Final = "outage"
CALL_LOGIN: Final = "login"
CALL_SUBMIT_CODE: Final = "submit_code"

PORTAL_CALLS: Final[dict[str, tuple[str, str]]] = {
    CALL_LOGIN: ("UserLogin", "ValidateUserLogin"),
    CALL_SUBMIT_CODE: ("UserLogin", "ValidateTFACode"),
    CALL_ACCOUNTS: ("UserLogin", "GetUserSetting"),
    CALL_METERS: ("Usage", "GetMultiMeter"),
    CALL_USAGE: ("Usage", "GetUsageGeneration"),
    CALL_BILL: ("AdminBilling", "GetBill"),
    CALL_OUTAGE: ("Outage", "GetOutageStatus"),
}

# Flavor B: (path prefix, module, method); the login steps live under /API/, data under /Service/.
API_CALLS: Final[dict[str, tuple[str, str, str]]] = {
    "get_id": (API_PREFIX, "UserLogin", "GetId"),
    CALL_LOGIN: (API_PREFIX, "UserLogin", "ValidateUserLogin"),
    CALL_SUBMIT_CODE: (API_PREFIX, "UserLogin", "ValidateTFACode"),
    CALL_ACCOUNTS: (API_PREFIX, "UserLogin", "GetUserSetting"),
    CALL_METERS: (SERVICE_PREFIX, "Usage", "GetMultiMeter"),
    CALL_USAGE: (SERVICE_PREFIX, "Usage", "GetUsageGeneration"),
    CALL_BILL: (SERVICE_PREFIX, "Billing", "GetBill"),
    CALL_OUTAGE: (SERVICE_PREFIX, "Outage", "GetOutageStatus"),
}

MODULE_OUTAGE: Final = "Outage"

# Texts in a JSON reply that mean the session died (NB Power's WidgetAPI, notes §1.4, §8).
EXPIRED_MESSAGES: Final = ("token has been expired", "session expired", "invalid token")
MAINTENANCE_MESSAGES: Final = ("maintenance",)
