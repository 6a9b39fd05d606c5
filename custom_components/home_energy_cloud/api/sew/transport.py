"""HTTP and the JSON result envelope both flavors share.

Both flavors answer ``{"status_code": n, "result": {"Status": 1|0, "Message": .., "Data": ..}}``
(notes §1.2; flavor A inside its ``<Method>Result``). An expired session shows up as HTTP 401,
``status_code`` 401 or an expiry message; maintenance as 5xx or a maintenance message.
"""

from __future__ import annotations

from collections.abc import Mapping
import json
import logging
from typing import Any

import aiohttp

from .const import EXPIRED_MESSAGES, MAINTENANCE_MESSAGES, USER_AGENT
from .exceptions import (
    SewConnectionError,
    SewMaintenanceError,
    SewModuleNotLicensedError,
    SewProtocolError,
    SewResponseError,
    SewSessionExpiredError,
    SewTimeoutError,
)

_LOGGER = logging.getLogger(__name__)
HTTP_UNAUTHORIZED = 401
HTTP_NOT_FOUND = 404
HTTP_SERVER_ERROR = 500


class Http:
    """POSTs JSON to one utility and maps transport failures to the SEW errors."""

    def __init__(self, session: aiohttp.ClientSession, request_timeout: float) -> None:
        """Use the caller's aiohttp session (TLS verification stays on, always)."""
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self.requests = 0

    async def post(
        self, url: str, body: object, headers: Mapping[str, str] | None = None
    ) -> tuple[int, str]:
        """Send one request; returns (status, body text) for 2xx-4xx other than 401 and 404."""
        self.requests += 1
        all_headers = {"User-Agent": USER_AGENT, **(headers or {})}
        try:
            async with self._session.post(
                url, json=body, headers=all_headers, timeout=self._timeout
            ) as response:
                status = response.status
                reply = await response.text(errors="replace")
        except TimeoutError as err:
            raise SewTimeoutError("the utility did not answer in time") from err
        except aiohttp.ClientError as err:
            raise SewConnectionError(f"cannot reach the utility: {type(err).__name__}") from err
        _LOGGER.debug("SEW %s -> HTTP %s", url.rsplit("/", 2)[-2:], status)
        if status == HTTP_UNAUTHORIZED:
            raise SewSessionExpiredError("the utility refused the session (HTTP 401)")
        if status == HTTP_NOT_FOUND:
            raise SewModuleNotLicensedError("the utility does not serve this call (HTTP 404)")
        if status >= HTTP_SERVER_ERROR:
            if any(word in reply.casefold() for word in MAINTENANCE_MESSAGES):
                raise SewMaintenanceError("the utility is down for maintenance", status)
            raise SewConnectionError(f"the utility answered HTTP {status}", status)
        return status, reply


def load_json(reply: str) -> Any:
    """Parse a reply body; raises SewProtocolError if it is not JSON."""
    try:
        return json.loads(reply)
    except ValueError as err:
        raise SewProtocolError("the reply is not JSON") from err


def unwrap_result(payload: object) -> Any:
    """Return ``result.Data`` of a result envelope, or raise the error it carries."""
    if not isinstance(payload, Mapping):
        raise SewProtocolError("the reply is not a JSON object")
    result = payload.get("result")
    if not isinstance(result, Mapping):
        raise SewProtocolError("the reply has no result object")
    message = str(result.get("Message") or "")
    folded = message.casefold()
    status_code = payload.get("status_code")
    if status_code == HTTP_UNAUTHORIZED or any(text in folded for text in EXPIRED_MESSAGES):
        raise SewSessionExpiredError("the utility says the session expired")
    if any(word in folded for word in MAINTENANCE_MESSAGES):
        raise SewMaintenanceError("the utility is down for maintenance")
    if isinstance(status_code, int) and status_code >= HTTP_SERVER_ERROR:
        raise SewConnectionError(f"the utility reported error {status_code}", status_code)
    if result.get("Status") in (0, "0", False):
        raise SewResponseError(f"the utility refused the request: {message[:200]}")
    return result.get("Data")
