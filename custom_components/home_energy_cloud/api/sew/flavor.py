"""What the client needs from a flavor, and the shared login-reply reading."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .exceptions import SewAuthError, SewProtocolError
from .models import SewSession, flag, text


@dataclass(frozen=True, slots=True)
class PendingCode:
    """A login waiting for its second-factor code."""

    user_id: str
    destination: str | None
    tfa_token: str = field(repr=False)
    login_auth: str | None = field(default=None, repr=False)
    """Flavor B: the GetId Basic credentials the code must be sent with."""


type LoginOutcome = SewSession | PendingCode
type Params = Mapping[str, str | bool | int]


class FlavorTransport(Protocol):
    """Flavor A (PortalService) or flavor B (/API/ + /Service/)."""

    async def login(self, username: str, password: str, device_id: str) -> LoginOutcome:
        """Log in; a utility with a second factor answers with a PendingCode."""

    async def submit_code(self, pending: PendingCode, code: str, device_id: str) -> SewSession:
        """Finish a login with the code the user received."""

    async def call(self, session: SewSession, call: str, params: Params) -> Any:
        """Send one data call (a key of the flavor's call table); returns ``result.Data``."""


def read_login(user: Mapping[str, Any], fallback_user: str, token_key: str) -> LoginOutcome:
    """Read one login record: a session, or the utility's request for a code."""
    user_id = text(user.get("UserID")) or text(user.get("UserId")) or fallback_user
    if flag(user.get("TFARequired")):
        tfa_token = text(user.get("TFAToken"))
        if tfa_token is None:
            raise SewProtocolError("the utility asks for a code but sent no TFAToken")
        return PendingCode(user_id, text(user.get("TFADestination")), tfa_token)
    token = text(user.get(token_key))
    if token is None:
        raise SewAuthError("the utility refused the login (no session token)")
    return SewSession(user_id, token, text(user.get("AccountNumber")))
