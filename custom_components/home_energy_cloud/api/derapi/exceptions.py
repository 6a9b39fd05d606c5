"""Derapi errors; each subclasses one of the shared API error classes.

The Home Assistant glue maps them: :class:`DerapiAuthError` to reauth of the Derapi account,
:class:`DerapiVendorAuthError` to a repair issue for that vendor's credential, the connection
family to "unavailable, retry next cycle", :class:`DerapiNotFoundError` to "device gone".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..exceptions import (
    ApiAuthError,
    ApiConnectionError,
    ApiError,
    ApiProtocolError,
    ApiResponseError,
    ApiTimeoutError,
)

if TYPE_CHECKING:
    from .models import DerapiProblem


class DerapiError(ApiError):
    """Base of every Derapi error; keeps the HTTP status and problem+json body when known."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        problem: DerapiProblem | None = None,
        vendor: str | None = None,
    ) -> None:
        """`vendor` names the vendor the error concerns, when it concerns one."""
        super().__init__(message)
        self.status = status
        self.problem = problem
        self.vendor = vendor


class DerapiProtocolError(DerapiError, ApiProtocolError):
    """Derapi (or a vendor token endpoint) answered with a body we cannot parse."""


class DerapiAuthError(DerapiError, ApiAuthError):
    """The Derapi client id/secret were refused, or a fresh Derapi token was refused (401)."""


class DerapiVendorAuthError(DerapiError, ApiAuthError):
    """A vendor credential was refused: by the vendor's token endpoint, or by Derapi (403)."""


class DerapiForbiddenError(DerapiVendorAuthError):
    """HTTP 403: missing or invalid backend credentials for the resource (notes §8.2)."""


class DerapiNotFoundError(DerapiError, ApiResponseError):
    """HTTP 404: the resource is absent, or its vendor hides it from these credentials."""


class DerapiBadRequestError(DerapiError, ApiResponseError):
    """HTTP 400 (or another 4xx): Derapi understood the request and refused it."""


class DerapiConnectionError(DerapiError, ApiConnectionError):
    """Derapi could not be reached, or answered with a 5xx of its own."""


class DerapiTimeoutError(DerapiConnectionError, ApiTimeoutError):
    """Derapi did not answer in time."""


class DerapiVendorError(DerapiConnectionError):
    """HTTP 502: the vendor's backend failed behind Derapi."""


class DerapiVendorTimeoutError(DerapiVendorError, ApiTimeoutError):
    """HTTP 504: Derapi timed out talking to the vendor's backend."""


class DerapiRateLimitError(DerapiConnectionError):
    """HTTP 429: slow down; `retry_after` is the server's hint in seconds, when it gave one."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = 429,
        problem: DerapiProblem | None = None,
        vendor: str | None = None,
    ) -> None:
        """Keep the Retry-After hint next to the usual fields."""
        super().__init__(message, status=status, problem=problem, vendor=vendor)
        self.retry_after = retry_after
