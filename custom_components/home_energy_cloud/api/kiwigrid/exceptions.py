"""Kiwigrid / Solarwatt errors; each subclasses one of the shared API error classes.

The Home Assistant side needs to tell apart: credentials refused (reauth), the portal or a
socket being down (retry later), the login page having changed shape (a client update is
needed: neither a retry nor a new password helps), a token that expired (refresh, no user
action) and a connection lost mid-stream (reconnect).
"""

from __future__ import annotations

from ..exceptions import (
    ApiAuthError,
    ApiConnectionError,
    ApiProtocolError,
    ApiResponseError,
)


class KiwigridAuthError(ApiAuthError):
    """The portal refused the username or password (only the user can fix this)."""


class KiwigridConnectionError(ApiConnectionError):
    """A portal, API or Energy Manager host could not be reached or answered HTTP 5xx."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        """Keep the HTTP status (None when no answer arrived at all)."""
        super().__init__(message)
        self.status = status


class KiwigridConnectionLostError(KiwigridConnectionError):
    """An open kiwibus websocket closed (server close frame, ping timeout, network)."""


class KiwigridProtocolError(ApiProtocolError):
    """An answer we cannot parse: not JSON, wrong shape, a broken SockJS frame."""


class KiwigridLoginPageChangedError(KiwigridProtocolError):
    """The login flow no longer looks as expected (form, redirect or token missing)."""


class KiwigridTokenExpiredError(ApiResponseError):
    """The access token expired (bus code 419, REST 401) and could not be renewed in place."""


class KiwigridRequestError(ApiResponseError):
    """The bus or the REST API refused a request with an error code other than 419."""

    def __init__(self, message: str, *, code: int | None = None) -> None:
        """Keep the service's code (the bus's ``code`` or the HTTP status)."""
        super().__init__(message)
        self.code = code
