"""SEW errors; each subclasses one of the shared API error classes."""

from __future__ import annotations

from ..exceptions import (
    ApiAuthError,
    ApiConnectionError,
    ApiProtocolError,
    ApiResponseError,
    ApiTimeoutError,
)


class SewAuthError(ApiAuthError):
    """The utility refused the username or password (or the session right after a login)."""


class SewCodeRequiredError(SewAuthError):
    """The utility wants a second-factor code; only the user can give it (reauth)."""


class SewInvalidCodeError(SewAuthError):
    """The second-factor code was refused (wrong or expired); ask for it again."""


class SewSessionExpiredError(ApiAuthError):
    """The session token is no longer accepted; the client logs in again and retries once."""


class SewConnectionError(ApiConnectionError):
    """The utility was unreachable or answered with a server error; try again later."""

    def __init__(self, message: str, status: int | None = None) -> None:
        """Keep the HTTP status (None when the request never got an answer)."""
        super().__init__(message)
        self.status = status


class SewMaintenanceError(SewConnectionError):
    """The utility says it is down for maintenance."""


class SewProtocolError(ApiProtocolError):
    """The reply is not what the SEW API sends (not JSON, missing or malformed fields)."""


class SewEncryptionMismatchError(SewProtocolError):
    """The reply did not decrypt or parse under this utility's encryption setting.

    Either the utility switched encryption off (or on), or it uses another key or envelope:
    the config flow suggests trying the other setting.
    """


class SewResponseError(ApiResponseError):
    """The utility understood the request and refused it (a business-level error)."""


class SewModuleNotLicensedError(SewResponseError):
    """The utility does not run the module this call needs (e.g. no Outage module)."""


class SewTimeoutError(ApiTimeoutError, SewConnectionError):
    """The utility did not answer in time."""
