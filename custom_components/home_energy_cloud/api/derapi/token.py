"""The Derapi access token: client credentials, cached until shortly before expiry (notes §3).

There is no refresh token; a new one is simply requested. Requests are serialised so that many
concurrent detail fetches on a cold start cost one token request, not one each.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

import aiohttp

from .const import DERAPI_TOKEN_PATH, TOKEN_RENEW_MARGIN
from .oauth import request_token


@dataclass(slots=True)
class _CachedToken:
    value: str = field(repr=False)
    expires_at: float


class DerapiTokenManager:
    """Hands out a valid Derapi bearer token, minting one when needed."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        *,
        client_id: str,
        client_secret: str,
        auth_url: str,
        clock: Callable[[], float],
        timeout: float,
    ) -> None:
        """`clock` is monotonic seconds (injected so tests can move time)."""
        self._http = http
        self._client_id = client_id
        self._client_secret = client_secret
        self._url = auth_url.rstrip("/") + DERAPI_TOKEN_PATH
        self._clock = clock
        self._timeout = timeout
        self._lock = asyncio.Lock()
        self._token: _CachedToken | None = None
        self.mint_count = 0

    def __repr__(self) -> str:
        """Never show the secret or the token."""
        return f"DerapiTokenManager(client_id={self._client_id!r})"

    async def async_get_token(self) -> str:
        """Return the cached token, or mint one if there is none or it is about to expire."""
        cached = self._token
        if cached is not None and self._is_fresh(cached):
            return cached.value
        async with self._lock:
            if self._token is not None and self._is_fresh(self._token):
                return self._token.value
            return await self._mint()

    async def async_renew_after_refusal(self, refused: str) -> str:
        """Return a token to retry with after `refused` got a 401 (a new one unless already)."""
        async with self._lock:
            if self._token is not None and self._token.value != refused:
                return self._token.value
            return await self._mint()

    def _is_fresh(self, token: _CachedToken) -> bool:
        return self._clock() < token.expires_at - TOKEN_RENEW_MARGIN

    async def _mint(self) -> str:
        self._token = None
        received_at = self._clock()
        answer = await request_token(
            self._http,
            self._url,
            who="Derapi",
            vendor=None,
            form={"grant_type": "client_credentials"},
            basic_auth=(self._client_id, self._client_secret),
            timeout=self._timeout,
        )
        self.mint_count += 1
        self._token = _CachedToken(answer.access_token, received_at + answer.expires_in)
        return answer.access_token
