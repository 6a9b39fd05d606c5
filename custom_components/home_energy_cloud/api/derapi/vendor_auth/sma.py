"""SMA: client-credentials tokens from SMA's token host, 300 s each (seed doc, notes §10).

SMA's answer also carries a refresh token (idle-expiring after `refresh_expires_in`, 1800 s);
while it lives it is used, which SMA prefers over a new grant; once it is gone or refused, a new
client-credentials grant is made. Nothing here needs persisting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

from ..const import SMA_SCOPE, SMA_TOKEN_PATH
from ..exceptions import DerapiVendorAuthError
from ..oauth import OAuthToken, request_token
from .base import TokenProvider, VendorCredentials


@dataclass(frozen=True, slots=True, kw_only=True)
class SmaCredentials(VendorCredentials):
    """An SMA API client (custom flow); `sandbox` selects SMA's sandbox (vendor `smasbox`)."""

    kind = "sma"
    client_id: str
    client_secret: str = field(repr=False)
    sandbox: bool = False

    @property
    def vendor(self) -> str:
        """`smasbox` for SMA's sandbox, else `sma`."""
        return "smasbox" if self.sandbox else "sma"


class SmaProvider(TokenProvider):
    """`X-Authorization-sma: Bearer <SMA access token>`."""

    def __init__(
        self,
        credentials: SmaCredentials,
        *,
        http: aiohttp.ClientSession,
        token_url: str,
        clock: Callable[[], float],
        timeout: float,
    ) -> None:
        """Nothing is requested until the first header is needed."""
        super().__init__(credentials, http=http, token_url=token_url, clock=clock, timeout=timeout)
        self._sma = credentials
        self._refresh_token: str | None = None
        self._refresh_expires_at = 0.0

    async def async_headers(self) -> dict[str, str]:
        """The SMA header."""
        return {f"X-Authorization-{self.vendor}": f"Bearer {await self.async_access_token()}"}

    async def _obtain(self, now: float) -> OAuthToken:
        token: OAuthToken | None = None
        if self._refresh_token is not None and now < self._refresh_expires_at:
            try:
                token = await self._grant(
                    {"grant_type": "refresh_token", "refresh_token": self._refresh_token}
                )
            except DerapiVendorAuthError:
                token = None  # refresh token revoked or idle-expired early: grant anew
        if token is None:
            token = await self._grant({"grant_type": "client_credentials", "scope": SMA_SCOPE})
        self._refresh_token = token.refresh_token
        self._refresh_expires_at = now + (token.refresh_expires_in or 0.0)
        return token

    async def _grant(self, form: dict[str, str]) -> OAuthToken:
        return await request_token(
            self._http,
            self._token_url(SMA_TOKEN_PATH),
            who="SMA",
            vendor=self.vendor,
            form=form,
            basic_auth=(self._sma.client_id, self._sma.client_secret),
            timeout=self._timeout,
        )
