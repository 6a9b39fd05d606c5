"""OTP login, long-lived tokens, short-lived sids and the VALIDATE_TOKEN throttle.

* SEND_OTP stores a fresh 4-digit code for the phone, together with the IMEI it was asked for.
* CHECK_OTP needs that IMEI and code; it issues a token bound to the IMEI, plus a first sid.
  It does not count as a VALIDATE_TOKEN (Home Assistant validates right after the OTP step).
* VALIDATE_TOKEN gives a new sid; the :attr:`Auth.lockout_count`-th call for the same token
  within :attr:`Auth.lockout_window` seconds answers "Intruder lockout", and the token stays
  locked for good. The real rule is unknown: renewals 5 minutes apart were locked out
  (nitaybz/homebridge-electra-smart#4) and 10 minutes apart were not reported to be, so the
  default is the strictest rule that fits: a second call within 10 minutes. Sids already
  issued keep working until they expire (pyElectra carries on with its old sid, notes §3);
  only a new OTP login recovers.
* Sids live :attr:`Auth.sid_lifetime` seconds from issue, not extended by use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
import random
import secrets

from ..clock import SimClock

DEFAULT_SID_LIFETIME = 15 * 60.0
DEFAULT_LOCKOUT_WINDOW = 10 * 60.0
DEFAULT_LOCKOUT_COUNT = 2


@dataclass(slots=True)
class _PendingOtp:
    code: str
    imei: str


@dataclass(slots=True)
class _Token:
    phone: str
    imei: str
    validated_at: list[float] = field(default_factory=list)
    locked: bool = False


@dataclass(slots=True)
class _Session:
    phone: str
    issued: float


class Validation(Enum):
    """Why VALIDATE_TOKEN refused."""

    NOT_FOUND = "Token not found"
    LOCKOUT = "Intruder lockout"


class Auth:
    """The login and session state of every account."""

    def __init__(self, clock: SimClock, rng: random.Random) -> None:
        """Start with no logins; the clock measures sid age and the throttle."""
        self._clock = clock
        self._rng = rng
        self.sid_lifetime = DEFAULT_SID_LIFETIME
        self.lockout_window = DEFAULT_LOCKOUT_WINDOW
        self.lockout_count = DEFAULT_LOCKOUT_COUNT
        self.validate_calls = 0
        self.lockouts = 0
        self._otps: dict[str, _PendingOtp] = {}
        self._tokens: dict[str, _Token] = {}
        self._sessions: dict[str, _Session] = {}

    def send_otp(self, phone: str, imei: str) -> str:
        """Issue (and 'text') a new code; an older pending code for the phone is replaced."""
        code = f"{self._rng.randrange(10_000):04d}"
        self._otps[phone] = _PendingOtp(code, imei)
        return code

    def otp_for(self, phone: str) -> str | None:
        """Return the code waiting for CHECK_OTP, if any (used codes are gone)."""
        pending = self._otps.get(phone)
        return pending.code if pending else None

    def check_otp(self, phone: str, imei: str, code: str) -> tuple[str, str] | None:
        """``(token, sid)`` when the code and IMEI match the pending SEND_OTP, else None."""
        pending = self._otps.get(phone)
        if pending is None or pending.imei != imei or pending.code != code:
            return None
        del self._otps[phone]
        token = secrets.token_hex(16)
        self._tokens[token] = _Token(phone, imei)
        return token, self._new_sid(phone)

    def validate(self, token: str, imei: str) -> str | Validation:
        """Return a new sid, or the reason for refusing one."""
        self.validate_calls += 1
        entry = self._tokens.get(token)
        if entry is None or entry.imei != imei:
            return Validation.NOT_FOUND
        now = self._clock.monotonic()
        recent = [at for at in entry.validated_at if now - at < self.lockout_window]
        if entry.locked or len(recent) + 1 >= max(1, self.lockout_count):
            entry.locked = True
            self.lockouts += 1
            return Validation.LOCKOUT
        entry.validated_at = [*recent, now]
        return self._new_sid(entry.phone)

    def session_phone(self, sid: object) -> str | None:
        """Return the account phone of a live sid; None for a missing, unknown or expired one."""
        if not isinstance(sid, str):
            return None
        session = self._sessions.get(sid)
        if session is None:
            return None
        if self._clock.monotonic() - session.issued >= self.sid_lifetime:
            del self._sessions[sid]
            return None
        return session.phone

    def expire_sessions(self) -> int:
        """Kill every sid now; returns how many there were."""
        count = len(self._sessions)
        self._sessions.clear()
        return count

    def revoke(self, phone: str) -> int:
        """Forget the phone's tokens and sids, as when the app registers again; how many tokens.

        The next VALIDATE_TOKEN with a forgotten token answers "Token not found".
        """
        tokens = [token for token, entry in self._tokens.items() if entry.phone == phone]
        for token in tokens:
            del self._tokens[token]
        for sid in [sid for sid, session in self._sessions.items() if session.phone == phone]:
            del self._sessions[sid]
        return len(tokens)

    def _new_sid(self, phone: str) -> str:
        sid = secrets.token_hex(12)
        self._sessions[sid] = _Session(phone, self._clock.monotonic())
        return sid
