"""One OAuth token request, shared by the Derapi token and every vendor token endpoint.

Derapi, SMA, Enphase and Tesla all answer RFC 6749 token responses; only the request differs
(client authentication, grant, where the parameters go), so the callers build that and this
module sends it and reads the answer into :class:`OAuthToken`.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
import json
import logging

import aiohttp

from .exceptions import (
    DerapiAuthError,
    DerapiConnectionError,
    DerapiProtocolError,
    DerapiTimeoutError,
    DerapiVendorAuthError,
)
from .parsing import as_object, opt_num, opt_str, req_str

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OAuthToken:
    """A token endpoint's answer; lifetimes are seconds from when it was received."""

    access_token: str = field(repr=False)
    expires_in: float
    refresh_token: str | None = field(default=None, repr=False)
    refresh_expires_in: float | None = None


def parse_token_response(body: object, who: str) -> OAuthToken:
    """Parse an RFC 6749 §5.1 token response."""
    what = f"{who} token response"
    data = as_object(body, what)
    expires_in = opt_num(data, "expires_in", what)
    if expires_in is None or expires_in <= 0:
        raise DerapiProtocolError(f"{what}: `expires_in` must be a positive number")
    refresh_expires_in = opt_num(data, "refresh_expires_in", what)
    return OAuthToken(
        access_token=req_str(data, "access_token", what),
        expires_in=expires_in,
        refresh_token=opt_str(data, "refresh_token", what) or None,
        refresh_expires_in=refresh_expires_in,
    )


async def request_token(
    http: aiohttp.ClientSession,
    url: str,
    *,
    who: str,
    vendor: str | None,
    form: Mapping[str, str] | None = None,
    query: Mapping[str, str] | None = None,
    basic_auth: tuple[str, str] | None = None,
    timeout: float,  # noqa: ASYNC109 - one total per request, like ClientTimeout takes it
) -> OAuthToken:
    """POST one token request; refused credentials raise the auth error of `vendor`.

    `vendor` None means the Derapi account itself (DerapiAuthError: reauth of the entry);
    otherwise DerapiVendorAuthError naming the vendor (a repair issue for that credential).
    """
    headers = {"Accept": "application/json"}
    if basic_auth is not None:
        pair = f"{basic_auth[0]}:{basic_auth[1]}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    try:
        async with http.post(
            url,
            data=dict(form) if form is not None else None,
            params=dict(query) if query is not None else None,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            text = (await response.read()).decode("utf-8", errors="replace")
            status = response.status
    except TimeoutError as err:
        raise DerapiTimeoutError(f"{who} token endpoint timed out", vendor=vendor) from err
    except aiohttp.ClientError as err:
        raise DerapiConnectionError(
            f"{who} token endpoint unreachable: {type(err).__name__}", vendor=vendor
        ) from err
    except asyncio.CancelledError:
        raise
    if status in (400, 401, 403):
        # invalid_client / invalid_grant / unauthorized_client: only new credentials help.
        # The body is not quoted: token endpoints have been seen to echo the secret back.
        error_class = DerapiAuthError if vendor is None else DerapiVendorAuthError
        raise error_class(
            f"{who} refused the credentials (HTTP {status}{_oauth_error(text)})",
            status=status,
            vendor=vendor,
        )
    if status >= 400:
        raise DerapiConnectionError(
            f"{who} token endpoint answered HTTP {status}", status=status, vendor=vendor
        )
    try:
        body = json.loads(text)
    except ValueError:
        raise DerapiProtocolError(f"{who} token response is not JSON", vendor=vendor) from None
    token = parse_token_response(body, who)
    _LOGGER.debug("%s token obtained, valid %.0f s", who, token.expires_in)
    return token


def _oauth_error(text: str) -> str:
    """The RFC 6749 `error` code of a refusal, when the body has one (it holds no secret)."""
    try:
        data = json.loads(text)
    except ValueError:
        return ""
    code = data.get("error") if isinstance(data, dict) else None
    if isinstance(code, str) and code.replace("_", "").isalnum() and len(code) < 64:
        return f": {code}"
    return ""
