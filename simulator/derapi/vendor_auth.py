"""The vendors' side of authorization: their token endpoints and Derapi's header checks.

Token endpoints (each its own host, as for real):

* SMA ``POST /oauth2/token`` (Basic client id/secret): ``client_credentials`` with
  ``scope=monitoringApi:read`` gives a 300 s access token and a refresh token that idles out
  after 1800 s; ``refresh_token`` grants a new pair (seed doc, notes §10).
* Enphase ``POST /oauth/token?grant_type=refresh_token&refresh_token=…`` (Basic client
  id/secret): a 1-day access token and a new refresh token; the spent one is refused.
* Tesla ``POST /oauth2/v3/token`` (form: ``grant_type=refresh_token``, ``client_id``,
  ``refresh_token``): an 8 h access token and a new single-use refresh token.

Derapi's checks of ``X-Authorization-<vendor>`` (seed doc, notes §9.1): SMA, Enphase and Tesla
want ``Bearer <valid access token>``, Enphase also ``X-enphase-api-key``; Solis ``Basic
base64(key_id:key_secret)`` (with or without the trailing newline the doc's ``base64 <<<``
example adds); SolarEdge the bare key.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any, Final

from aiohttp import web

from ..clock import SimClock
from . import scenario
from .tokens import RefreshChain, TokenStore

SMA_ACCESS_LIFETIME: Final = 300.0
SMA_REFRESH_LIFETIME: Final = 1800.0
ENPHASE_ACCESS_LIFETIME: Final = 86_400.0
ENPHASE_REFRESH_LIFETIME: Final = 30 * 86_400.0
TESLA_ACCESS_LIFETIME: Final = 8 * 3600.0
TESLA_REFRESH_LIFETIME: Final = 90 * 86_400.0

HEADER_VENDORS: Final = ("sma", "solis", "solaredge", "enphase", "tesla")


def oauth_error(status: int, error: str) -> web.Response:
    """An RFC 6749 §5.2 error answer."""
    return web.json_response({"error": error}, status=status)


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(user, password) of an HTTP Basic header, or None."""
    if not header or not header.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.removesuffix("\n").partition(":")
    return (user, password) if sep else None


def bearer(header: str | None) -> str | None:
    """The token of an RFC 6750 Bearer header, or None."""
    if not header or not header.startswith("Bearer "):
        return None
    return header[7:].strip() or None


class VendorAuthority:
    """Tokens issued by SMA, Enphase and Tesla, and the check of each vendor header."""

    def __init__(self, clock: SimClock) -> None:
        """Fresh token stores; the users' initial refresh tokens are registered."""
        self.sma_access = TokenStore(clock, "sma-at-")
        self.sma_refresh = TokenStore(clock, "sma-rt-")
        self.enphase_access = TokenStore(clock, "enph-at-")
        self.enphase_refresh = RefreshChain(clock, "enph-rt-", ENPHASE_REFRESH_LIFETIME)
        self.enphase_refresh.seed("enphase-owner", scenario.ENPHASE_REFRESH_TOKEN)
        self.tesla_access = TokenStore(clock, "tsla-at-")
        self.tesla_refresh = RefreshChain(clock, "tsla-rt-", TESLA_REFRESH_LIFETIME)
        self.tesla_refresh.seed("tesla-owner", scenario.TESLA_REFRESH_TOKEN)
        self.token_requests: dict[str, int] = {"sma": 0, "enphase": 0, "tesla": 0}
        self.sma_grants: dict[str, int] = {"client_credentials": 0, "refresh_token": 0}

    # -- token endpoints ---------------------------------------------------------------------

    async def handle_sma_token(self, request: web.Request) -> web.Response:
        """SMA's token endpoint."""
        self.token_requests["sma"] += 1
        if basic_credentials(request.headers.get("Authorization")) != (
            scenario.SMA_CLIENT_ID,
            scenario.SMA_CLIENT_SECRET,
        ):
            return oauth_error(401, "invalid_client")
        form = await request.post()
        grant = form.get("grant_type")
        if grant == "client_credentials":
            if "monitoringApi:read" not in str(form.get("scope", "")).split():
                return oauth_error(400, "invalid_scope")
        elif grant == "refresh_token":
            old = str(form.get("refresh_token", ""))
            if self.sma_refresh.subject(old) is None:
                return oauth_error(400, "invalid_grant")
            self.sma_refresh.revoke(old)
        else:
            return oauth_error(400, "unsupported_grant_type")
        self.sma_grants[grant] += 1
        return web.json_response(
            {
                "access_token": self.sma_access.issue("sma", SMA_ACCESS_LIFETIME),
                "expires_in": int(SMA_ACCESS_LIFETIME),
                "refresh_expires_in": int(SMA_REFRESH_LIFETIME),
                "refresh_token": self.sma_refresh.issue("sma", SMA_REFRESH_LIFETIME),
                "token_type": "Bearer",
                "scope": "monitoringApi:read",
            }
        )

    async def handle_enphase_token(self, request: web.Request) -> web.Response:
        """Enphase's token endpoint (parameters in the query string, as Enphase documents)."""
        self.token_requests["enphase"] += 1
        if basic_credentials(request.headers.get("Authorization")) != (
            scenario.ENPHASE_CLIENT_ID,
            scenario.ENPHASE_CLIENT_SECRET,
        ):
            return oauth_error(401, "invalid_client")
        if request.query.get("grant_type") != "refresh_token":
            return oauth_error(400, "unsupported_grant_type")
        rotated = self.enphase_refresh.rotate(request.query.get("refresh_token", ""))
        if rotated is None:
            return oauth_error(400, "invalid_grant")
        subject, refresh_token = rotated
        return web.json_response(
            {
                "access_token": self.enphase_access.issue(subject, ENPHASE_ACCESS_LIFETIME),
                "token_type": "bearer",
                "refresh_token": refresh_token,
                "expires_in": int(ENPHASE_ACCESS_LIFETIME),
                "scope": "read write",
            }
        )

    async def handle_tesla_token(self, request: web.Request) -> web.Response:
        """Tesla's Fleet API token endpoint (form body)."""
        self.token_requests["tesla"] += 1
        form = await request.post()
        if form.get("grant_type") != "refresh_token":
            return oauth_error(400, "unsupported_grant_type")
        if form.get("client_id") != scenario.TESLA_CLIENT_ID:
            return oauth_error(401, "invalid_client")
        rotated = self.tesla_refresh.rotate(str(form.get("refresh_token", "")))
        if rotated is None:
            return oauth_error(401, "login_required")
        subject, refresh_token = rotated
        return web.json_response(
            {
                "access_token": self.tesla_access.issue(subject, TESLA_ACCESS_LIFETIME),
                "refresh_token": refresh_token,
                "id_token": "tesla-id-token",
                "expires_in": int(TESLA_ACCESS_LIFETIME),
                "token_type": "Bearer",
            }
        )

    # -- Derapi's view of the vendor headers -------------------------------------------------

    def check_headers(self, headers: Mapping[str, str]) -> dict[str, bool]:
        """For each vendor the request carries a header for: whether that header is valid.

        Vendors without a header are absent from the result (Derapi does not query them).
        """
        found: dict[str, bool] = {}
        for vendor in HEADER_VENDORS:
            value = headers.get(f"X-Authorization-{vendor}")
            if value is None:
                continue
            found[vendor] = self._valid(vendor, value, headers)
        return found

    def _valid(self, vendor: str, value: str, headers: Mapping[str, str]) -> bool:
        match vendor:
            case "sma":
                return self.sma_access.subject(bearer(value)) is not None
            case "tesla":
                return self.tesla_access.subject(bearer(value)) is not None
            case "enphase":
                return (
                    self.enphase_access.subject(bearer(value)) is not None
                    and headers.get("X-enphase-api-key") == scenario.ENPHASE_API_KEY
                )
            case "solis":
                return basic_credentials(value) == (
                    scenario.SOLIS_KEY_ID,
                    scenario.SOLIS_KEY_SECRET,
                )
            case "solaredge":
                return value.strip() == scenario.SOLAREDGE_API_KEY
        return False

    def stats(self) -> dict[str, Any]:
        """Token requests and refresh-token rotations, for tests and benchmarks."""
        return {
            "token_requests": dict(self.token_requests),
            "sma_grants": dict(self.sma_grants),
            "rotations": {
                "enphase": self.enphase_refresh.rotations,
                "tesla": self.tesla_refresh.rotations,
            },
        }
