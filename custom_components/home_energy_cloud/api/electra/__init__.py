"""Electra Smart (Israel) cloud client: OTP login, sessions, telemetry, commands and timers."""

from .client import ElectraClient, build_oper, generate_imei, normalize_phone
from .const import DEFAULT_BASE_URL
from .exceptions import (
    ElectraAuthError,
    ElectraCommandNotAppliedError,
    ElectraDeviceOfflineError,
    ElectraHttpError,
    ElectraInvalidCodeError,
    ElectraInvalidPhoneError,
    ElectraLockoutError,
    ElectraResponseError,
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
    "ElectraAuthError",
    "ElectraClient",
    "ElectraCommandNotAppliedError",
    "ElectraDevice",
    "ElectraDeviceOfflineError",
    "ElectraHttpError",
    "ElectraInvalidCodeError",
    "ElectraInvalidPhoneError",
    "ElectraLockoutError",
    "ElectraResponseError",
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
