"""Electra Smart (Israel) cloud client: OTP login, sessions, telemetry, commands and timers."""

from .client import ElectraClient, build_oper, generate_imei, normalize_phone
from .const import DEFAULT_BASE_URL, STALE_REPORT_AGE
from .exceptions import (
    ElectraAuthError,
    ElectraClientClosedError,
    ElectraCommandNotAppliedError,
    ElectraDeviceOfflineError,
    ElectraHttpError,
    ElectraInvalidCodeError,
    ElectraInvalidPhoneError,
    ElectraLockoutError,
    ElectraResponseError,
    ElectraServiceError,
    ElectraTokenNotFoundError,
)
from .models import (
    ElectraDevice,
    ElectraSession,
    ElectraStats,
    ElectraTelemetry,
    ElectraTimer,
    ElectraTimers,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "STALE_REPORT_AGE",
    "ElectraAuthError",
    "ElectraClient",
    "ElectraClientClosedError",
    "ElectraCommandNotAppliedError",
    "ElectraDevice",
    "ElectraDeviceOfflineError",
    "ElectraHttpError",
    "ElectraInvalidCodeError",
    "ElectraInvalidPhoneError",
    "ElectraLockoutError",
    "ElectraResponseError",
    "ElectraServiceError",
    "ElectraSession",
    "ElectraStats",
    "ElectraTelemetry",
    "ElectraTimer",
    "ElectraTimers",
    "ElectraTokenNotFoundError",
    "build_oper",
    "generate_imei",
    "normalize_phone",
]
