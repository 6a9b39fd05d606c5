"""Enphase: a Bearer access token plus the application's API key (seed doc, notes §10).

Access tokens last about a day and are renewed with the refresh token (Enphase v4:
`POST /oauth/token?grant_type=refresh_token&refresh_token=…`, HTTP Basic client id/secret).
Each renewal may return a new refresh token; it replaces the stored one and is reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..const import ENPHASE_TOKEN_PATH
from ..oauth import OAuthToken, request_token
from .base import RotatingTokenProvider, VendorCredentials


@dataclass(frozen=True, slots=True, kw_only=True)
class EnphaseCredentials(VendorCredentials):
    """An Enphase developer app (client id/secret, API key) and the system owner's grant."""

    kind = "enphase"
    client_id: str
    client_secret: str = field(repr=False)
    api_key: str = field(repr=False)
    refresh_token: str = field(repr=False)


class EnphaseProvider(RotatingTokenProvider):
    """`X-Authorization-enphase: Bearer <token>` and `X-enphase-api-key: <api key>`."""

    async def async_headers(self) -> dict[str, str]:
        """Both Enphase headers."""
        credentials = self._credentials
        assert isinstance(credentials, EnphaseCredentials)
        return {
            "X-Authorization-enphase": f"Bearer {await self.async_access_token()}",
            "X-enphase-api-key": credentials.api_key,
        }

    async def _obtain(self, now: float) -> OAuthToken:
        credentials = self._credentials
        assert isinstance(credentials, EnphaseCredentials)
        token = await request_token(
            self._http,
            self._token_url(ENPHASE_TOKEN_PATH),
            who="Enphase",
            vendor=self.vendor,
            query={"grant_type": "refresh_token", "refresh_token": credentials.refresh_token},
            basic_auth=(credentials.client_id, credentials.client_secret),
            timeout=self._timeout,
        )
        self._adopt_refresh_token(token.refresh_token)
        return token
