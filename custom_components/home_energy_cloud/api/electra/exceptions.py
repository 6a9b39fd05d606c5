"""Electra Smart errors; each subclasses one of the shared API error classes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..exceptions import ApiAuthError, ApiConnectionError, ApiError, ApiResponseError


class ElectraAuthError(ApiAuthError):
    """The token is unusable; a new OTP login is needed."""


class ElectraLockoutError(ElectraAuthError):
    """VALIDATE_TOKEN answered "Intruder lockout" (too many session requests)."""


class ElectraTokenNotFoundError(ElectraAuthError):
    """VALIDATE_TOKEN answered "Token not found" (token/IMEI mismatch or revoked)."""


class ElectraHttpError(ApiConnectionError):
    """The cloud answered with an HTTP error status."""

    def __init__(self, status: int) -> None:
        """Keep the HTTP status for callers that want to tell 4xx from 5xx."""
        super().__init__(f"Electra cloud answered HTTP {status}")
        self.status = status


class _ElectraResultError(ApiResponseError):
    """A well-formed answer whose status or res says the command failed."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        res: int | None = None,
        res_desc: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.res = res
        self.res_desc = res_desc


class ElectraInvalidPhoneError(_ElectraResultError):
    """SEND_OTP refused the phone number (unknown or unregistered)."""


class ElectraInvalidCodeError(_ElectraResultError):
    """CHECK_OTP refused the code."""


class ElectraResponseError(_ElectraResultError):
    """Any other refusal: status != 0 or data.res != 0 (or no data at all)."""


class ElectraServiceError(ElectraResponseError, ApiConnectionError):
    """A failure answer that does not say why (e.g. `status 99, data: null`): retry later.

    Only `status 1` means a refused session (notes §3); anything else without a result is the
    cloud's own glitch, so it is transient (an ApiConnectionError) and costs no VALIDATE_TOKEN.
    """


class ElectraClientClosedError(ApiError):
    """The client was closed (`ElectraClient.close`); it sends nothing any more."""

    def __init__(self) -> None:
        """One fixed message: there is nothing else to say."""
        super().__init__("Electra client is closed")


class ElectraDeviceOfflineError(ElectraResponseError):
    """The unit reports no OPER state, so there is nothing to read-modify-write."""


class ElectraCommandNotAppliedError(ApiResponseError):
    """SEND_COMMAND was accepted but the unit never reported the requested values."""

    def __init__(self, device_id: int, mismatched: Mapping[str, tuple[Any, Any]]) -> None:
        """`mismatched` maps each key that did not stick to (requested, last reported)."""
        keys = ", ".join(sorted(mismatched))
        super().__init__(f"Electra unit {device_id} did not apply: {keys}")
        self.device_id = device_id
        self.mismatched = dict(mismatched)

    @property
    def keys(self) -> tuple[str, ...]:
        """The OPER keys that did not stick, sorted."""
        return tuple(sorted(self.mismatched))
