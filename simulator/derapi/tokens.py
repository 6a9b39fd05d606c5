"""Expiring bearer tokens and single-use refresh-token chains, on the SimClock's wall time."""

from __future__ import annotations

from dataclasses import dataclass
import secrets

from ..clock import SimClock


@dataclass(slots=True)
class Grant:
    """Who a token was issued to and until when (SimClock wall time)."""

    subject: str
    expires_at: float


class TokenStore:
    """Opaque tokens with an expiry; an unknown or expired token is simply refused."""

    def __init__(self, clock: SimClock, prefix: str) -> None:
        """`prefix` makes tokens of different issuers tell apart in logs and tests."""
        self._clock = clock
        self._prefix = prefix
        self._grants: dict[str, Grant] = {}
        self.issued = 0

    def issue(self, subject: str, lifetime: float) -> str:
        """A new token for `subject`, valid `lifetime` seconds."""
        token = f"{self._prefix}{secrets.token_urlsafe(18)}"
        self._grants[token] = Grant(subject, self._clock.time() + lifetime)
        self.issued += 1
        return token

    def subject(self, token: str | None) -> str | None:
        """Whose token it is, or None when unknown or expired."""
        grant = self._grants.get(token or "")
        if grant is None or self._clock.time() >= grant.expires_at:
            return None
        return grant.subject

    def register(self, token: str, subject: str, lifetime: float) -> None:
        """Accept a token issued elsewhere (a user's initial refresh token)."""
        self._grants[token] = Grant(subject, self._clock.time() + lifetime)

    def revoke(self, token: str) -> None:
        """Refuse this token from now on (a rotated refresh token)."""
        self._grants.pop(token, None)

    def expire_all(self) -> None:
        """Every token issued so far is refused from now on."""
        self._grants.clear()


class RefreshChain:
    """Single-use refresh tokens: using one issues the next and revokes it (Tesla, Enphase)."""

    def __init__(self, clock: SimClock, prefix: str, lifetime: float) -> None:
        """`lifetime` is how long an unused refresh token stays valid."""
        self._store = TokenStore(clock, prefix)
        self._lifetime = lifetime
        self.rotations = 0

    def seed(self, subject: str, token: str) -> None:
        """Register the refresh token a user starts with (from the vendor's OAuth consent)."""
        self._store.register(token, subject, self._lifetime)

    def rotate(self, token: str) -> tuple[str, str] | None:
        """Spend `token`: (subject, next refresh token), or None if it is unknown or spent."""
        subject = self._store.subject(token)
        if subject is None:
            return None
        self._store.revoke(token)
        self.rotations += 1
        return subject, self._store.issue(subject, self._lifetime)
