"""SEW Smart Customer Mobile utilities: PortalService (flavor A) and /API/ (flavor B) client."""

from .client import SewClient
from .crypto import PasswordDigest, decrypt_query, encrypt_query, password_digest
from .dates import parse_clock, parse_date
from .exceptions import (
    SewAuthError,
    SewCodeRequiredError,
    SewConnectionError,
    SewEncryptionMismatchError,
    SewInvalidCodeError,
    SewMaintenanceError,
    SewModuleNotLicensedError,
    SewProtocolError,
    SewResponseError,
    SewSessionExpiredError,
    SewTimeoutError,
)
from .models import (
    Flavor,
    Resolution,
    ServiceType,
    SewAccount,
    SewBill,
    SewCodeRequired,
    SewLoginResult,
    SewMeter,
    SewOutageStatus,
    SewUsageRow,
)
from .portal import PortalSettings
from .registry import (
    OTHER_UTILITY_ID,
    SewUtility,
    get_utility,
    load_utilities,
    parse_registry,
    search_utilities,
)
from .usage import SewUsage, SewUsageSummary, parse_usage

__all__ = [
    "OTHER_UTILITY_ID",
    "Flavor",
    "PasswordDigest",
    "PortalSettings",
    "Resolution",
    "ServiceType",
    "SewAccount",
    "SewAuthError",
    "SewBill",
    "SewClient",
    "SewCodeRequired",
    "SewCodeRequiredError",
    "SewConnectionError",
    "SewEncryptionMismatchError",
    "SewInvalidCodeError",
    "SewLoginResult",
    "SewMaintenanceError",
    "SewMeter",
    "SewModuleNotLicensedError",
    "SewOutageStatus",
    "SewProtocolError",
    "SewResponseError",
    "SewSessionExpiredError",
    "SewTimeoutError",
    "SewUsage",
    "SewUsageRow",
    "SewUsageSummary",
    "SewUtility",
    "decrypt_query",
    "encrypt_query",
    "get_utility",
    "load_utilities",
    "parse_clock",
    "parse_date",
    "parse_registry",
    "parse_usage",
    "password_digest",
    "search_utilities",
]
