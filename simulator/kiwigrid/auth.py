"""Accounts, login sessions, portal sessions and access tokens of the Kiwigrid fake.

Both token formats are issued: the 2018 one (base64 JSON with ``expiration`` in epoch ms, a dot,
a signature) for the legacy portal and JWTs (``exp`` in seconds) for the current one (notes
§2.1). Every lifetime is measured on the SimClock and is a setting, since the notes do not give
the real ones.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
import json
import secrets
from typing import Literal

from ..clock import SimClock

USERNAME = "demo@example.com"
PASSWORD = "solar-demo"
USER_ID = "5f0c1e6a-sim-user"

type TokenState = Literal["ok", "expired", "unknown"]


def _b64(data: bytes, *, url: bool) -> str:
    encoded = base64.urlsafe_b64encode(data) if url else base64.b64encode(data)
    return encoded.decode().rstrip("=") if url else encoded.decode()


DEFAULT_REALM = "solarwatt"


@dataclass
class AuthSettings:
    """What the notes leave open: lifetimes and the login realm.

    Lifetimes are in simulated seconds (unknown for the real cloud; tests shorten them).
    """

    legacy_token_lifetime: float = 3600.0
    jwt_lifetime: float = 600.0
    portal_session_lifetime: float = 7 * 86400.0
    keycloak_realm: str = DEFAULT_REALM
    """Solarwatt's realm by default (notes §1); a white-label portal may use another."""


@dataclass
class Auth:
    """Who may log in and which sessions and tokens are alive."""

    clock: SimClock
    settings: AuthSettings = field(default_factory=AuthSettings)
    accounts: dict[str, str] = field(default_factory=lambda: {USERNAME: PASSWORD})
    login_sessions: set[str] = field(default_factory=set)
    session_users: dict[str, str] = field(default_factory=dict)
    codes: dict[str, str] = field(default_factory=dict)
    portal_sessions: dict[str, float] = field(default_factory=dict)
    tokens: dict[str, float] = field(default_factory=dict)
    tokens_issued: int = 0
    logins_refused: int = 0

    def check_password(self, username: str, password: str) -> bool:
        """Whether the credentials match an account (counts refusals)."""
        ok = self.accounts.get(username) == password
        if not ok:
            self.logins_refused += 1
        return ok

    def new_login_session(self) -> str:
        """A login-host session (``session_id`` / ``AUTH_SESSION_ID``)."""
        session = secrets.token_hex(16)
        self.login_sessions.add(session)
        return session

    def new_code(self, username: str) -> str:
        """A one-time authorization code."""
        code = secrets.token_urlsafe(24)
        self.codes[code] = username
        return code

    def redeem_code(self, code: str) -> str | None:
        """A portal session for a code (None when unknown or used)."""
        if self.codes.pop(code, None) is None:
            return None
        sid = secrets.token_hex(16)
        self.portal_sessions[sid] = self.clock.time() + self.settings.portal_session_lifetime
        return sid

    def portal_session_ok(self, sid: str | None) -> bool:
        """Whether a portal session cookie is alive."""
        return sid is not None and self.portal_sessions.get(sid, 0.0) > self.clock.time()

    def new_token(self, *, jwt: bool) -> str:
        """A fresh access token in the format of the generation."""
        now = self.clock.time()
        self.tokens_issued += 1
        signature = _b64(secrets.token_bytes(32), url=True)
        if jwt:
            expires = now + self.settings.jwt_lifetime
            header = _b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode(), url=True)
            claims = {"exp": int(expires), "iat": int(now), "sub": USER_ID, "channel": "solarwatt"}
            token = f"{header}.{_b64(json.dumps(claims).encode(), url=True)}.{signature}"
        else:
            expires = now + self.settings.legacy_token_lifetime
            claims_2018 = {
                "client_id": "kiwigrid.desktop",
                "user_id": USER_ID,
                "client_type": "application",
                "session_id": secrets.token_hex(8),
                "session.type": "normal",
                "scope": ["read_devices", "read_tagvalue_history"],
                "expiration": int(expires * 1000),
                "channel": "solarwatt",
                "accessible_channels": ["solarwatt"],
            }
            token = f"{_b64(json.dumps(claims_2018).encode(), url=False)}.{signature}"
        self.tokens[token] = expires
        return token

    def token_state(self, token: object) -> TokenState:
        """Whether a token is known and alive."""
        if not isinstance(token, str) or token not in self.tokens:
            return "unknown"
        return "ok" if self.tokens[token] > self.clock.time() else "expired"

    def expire_tokens(self) -> int:
        """Every access token expires now (portal sessions stay, so a refresh works)."""
        now = self.clock.time()
        for token in self.tokens:
            self.tokens[token] = min(self.tokens[token], now)
        return len(self.tokens)

    def expire_portal_sessions(self) -> None:
        """Every portal session ends now (a refresh then fails; a full login is needed)."""
        self.portal_sessions.clear()
