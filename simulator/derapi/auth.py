"""Derapi's token host: OAuth client credentials, tokens valid for an hour (notes §3)."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from .state import DerapiState
from .vendor_auth import basic_credentials, oauth_error


class DerapiAuth:
    """``POST /oauth2/token``: HTTP Basic client id/secret, ``grant_type=client_credentials``."""

    def __init__(self, state_of: Callable[[], DerapiState]) -> None:
        """`state_of` returns the current state (a reset replaces it)."""
        self._state_of = state_of

    def setup(self, app: web.Application) -> None:
        """Register the token route."""
        app.router.add_post("/oauth2/token", self._handle_token)

    async def _handle_token(self, request: web.Request) -> web.Response:
        state = self._state_of()
        credentials = basic_credentials(request.headers.get("Authorization"))
        client = state.clients.get(credentials[0]) if credentials else None
        if credentials is None or client is None or client.secret != credentials[1]:
            return oauth_error(401, "invalid_client")
        form = await request.post()
        if form.get("grant_type") != "client_credentials":
            return oauth_error(400, "unsupported_grant_type")
        lifetime = state.settings.token_lifetime
        state.token_mints += 1
        return web.json_response(
            {
                "access_token": state.tokens.issue(credentials[0], lifetime),
                "expires_in": int(lifetime),
                "token_type": "Bearer",
                "expires_at": state.clock.time() + lifetime,
            }
        )
