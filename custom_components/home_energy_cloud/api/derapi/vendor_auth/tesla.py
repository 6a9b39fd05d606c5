"""Tesla Fleet API: Bearer tokens from single-use, rotating refresh tokens (notes §10).

Every refresh returns a new refresh token and kills the old one, so the new one is reported to
the listener before the access token is used (the Home Assistant side saves it in the entry).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..const import TESLA_TOKEN_PATH
from ..oauth import OAuthToken, request_token
from .base import RotatingTokenProvider, VendorCredentials


@dataclass(frozen=True, slots=True, kw_only=True)
class TeslaCredentials(VendorCredentials):
    """A Tesla developer app's client id and the owner's current refresh token."""

    kind = "tesla"
    client_id: str
    refresh_token: str = field(repr=False)


class TeslaProvider(RotatingTokenProvider):
    """`X-Authorization-tesla: Bearer <Fleet API access token>`."""

    async def async_headers(self) -> dict[str, str]:
        """The Tesla header."""
        return {"X-Authorization-tesla": f"Bearer {await self.async_access_token()}"}

    async def _obtain(self, now: float) -> OAuthToken:
        credentials = self._credentials
        assert isinstance(credentials, TeslaCredentials)
        token = await request_token(
            self._http,
            self._token_url(TESLA_TOKEN_PATH),
            who="Tesla",
            vendor=self.vendor,
            form={
                "grant_type": "refresh_token",
                "client_id": credentials.client_id,
                "refresh_token": credentials.refresh_token,
            },
            timeout=self._timeout,
        )
        self._adopt_refresh_token(token.refresh_token)
        return token
