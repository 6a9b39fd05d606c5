"""Login tokens (they expire), GetId key pairs, second-factor codes and trusted devices."""

from __future__ import annotations

from dataclasses import dataclass, field
import secrets

from ..clock import SimClock
from .scenario import User


@dataclass
class PendingCode:
    """A code 'sent' to a user, valid until used or superseded."""

    user: User
    code: str
    tfa_token: str


@dataclass
class Sessions:
    """Every token the fake has handed out, with the times they die."""

    clock: SimClock
    token_lifetime: float = 1200.0
    """Seconds a login token lives (SEW sessions expire quickly; notes §7)."""
    tokens: dict[str, tuple[User, float]] = field(default_factory=dict)
    key_pairs: set[tuple[str, str]] = field(default_factory=set)
    pending: dict[str, PendingCode] = field(default_factory=dict)
    logins: int = 0

    def issue(self, user: User) -> str:
        """A fresh login token for ``user``."""
        self.logins += 1
        token = secrets.token_hex(16)
        self.tokens[token] = (user, self.clock.monotonic() + self.token_lifetime)
        return token

    def user_for(self, token: str | None, user_id: str | None) -> User | None:
        """The user a live token belongs to (and matches ``user_id``); None otherwise."""
        entry = self.tokens.get(token or "")
        if entry is None:
            return None
        user, expires = entry
        if self.clock.monotonic() >= expires:
            del self.tokens[token or ""]
            return None
        if user_id is not None and user_id != user.user_id:
            return None
        return user

    def expire_all(self) -> int:
        """Kill every token now; returns how many were alive."""
        count = len(self.tokens)
        self.tokens.clear()
        return count

    def new_key_pair(self) -> tuple[str, str]:
        """GetId's ``key`` and ``tokenId``."""
        pair = (secrets.token_hex(8), secrets.token_hex(12))
        self.key_pairs.add(pair)
        return pair

    def send_code(self, user: User) -> PendingCode:
        """'Send' a six-digit code; an earlier pending code of the user dies."""
        pending = PendingCode(user, f"{secrets.randbelow(10**6):06d}", secrets.token_hex(12))
        self.pending[user.user_id] = pending
        return pending

    def check_code(self, user_id: str, tfa_token: str, code: str) -> User | None:
        """The user whose pending code this is; the code is used up either way when right."""
        pending = self.pending.get(user_id)
        if pending is None or pending.tfa_token != tfa_token or pending.code != code.strip():
            return None
        del self.pending[user_id]
        return pending.user

    def code_for(self, username: str) -> str | None:
        """The code last sent to ``username`` and not yet used."""
        for pending in self.pending.values():
            if pending.user.username.casefold() == username.casefold():
                return pending.code
        return None
