"""Session (SID) bookkeeping shared by every call of one client (protocol notes §3).

Two cloud rules shape this: a SID dies after about 15 minutes, and asking for SIDs too often
(renewals 5 minutes apart have been seen to) gets the token locked out ("Intruder lockout"),
after which only a new OTP login helps. So one SID is shared, renewed early, and renewals are
serialised and rate limited.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import logging

import aiohttp

from ..exceptions import ApiConnectionError
from .const import SID_MAX_AGE, VALIDATE_TOKEN_MIN_INTERVAL
from .exceptions import ElectraAuthError, ElectraResponseError
from .models import ElectraSession, ElectraStats

_LOGGER = logging.getLogger(__name__)


class SessionManager:
    """Hands out the current SID and renews it through VALIDATE_TOKEN when allowed."""

    def __init__(
        self,
        clock: Callable[[], float],
        validate: Callable[[], Awaitable[str]],
        stats: ElectraStats,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        """`validate` sends one VALIDATE_TOKEN and returns the new SID.

        `on_change` is called synchronously whenever what :meth:`snapshot` returns changed in a
        way worth saving: a new SID, or a VALIDATE_TOKEN sent (its time feeds the lockout guard,
        so even a refused one must survive a restart).
        """
        self._clock = clock
        self._validate = validate
        self._stats = stats
        self._on_change = on_change
        self._lock = asyncio.Lock()
        self._sid: str | None = None
        self._sid_at = 0.0
        self._last_validate_at: float | None = None
        self._last_auth_error: ElectraAuthError | None = None

    @property
    def has_sid(self) -> bool:
        """Whether a SID is held (it may be stale)."""
        return self._sid is not None

    def adopt(self, sid: str) -> None:
        """Take the SID that came with a new token (CHECK_OTP): a fresh session, new guard."""
        self._sid = sid
        self._sid_at = self._clock()
        self._last_validate_at = None
        self._last_auth_error = None
        self._on_change()

    def snapshot(self) -> ElectraSession:
        """The session and the rate-limit state, for a later client to :meth:`restore`."""
        now = self._clock()
        return ElectraSession(
            sid=self._sid,
            sid_age=now - self._sid_at,
            validate_age=None if self._last_validate_at is None else now - self._last_validate_at,
        )

    def restore(self, session: ElectraSession) -> None:
        """Continue a session of an earlier client with the same token.

        Without this, every reload or restart would begin with a VALIDATE_TOKEN, and two close
        together can lock the token out.
        """
        now = self._clock()
        self._sid = session.sid
        self._sid_at = now - max(0.0, session.sid_age)
        if session.validate_age is not None:
            self._last_validate_at = now - max(0.0, session.validate_age)

    async def get_sid(self) -> str:
        """Return the SID to use now, renewing it first when it is missing or old."""
        sid = self._sid
        # A renewal in progress means the held SID is about to be replaced: wait for it.
        if sid is not None and not self._is_stale() and not self._lock.locked():
            return sid
        async with self._lock:
            if self._sid is not None and not self._is_stale():
                return self._sid
            if self._may_validate():
                return await self._validate_locked()
            self._stats.renewals_throttled += 1
            if self._sid is not None:
                _LOGGER.debug("Electra SID is old but renewal is rate limited; keeping it")
                return self._sid
            raise self._throttled_error()

    async def renew_after_failure(self, failed_sid: str) -> str | None:
        """Return a SID to retry with after `failed_sid` was refused (None: do not retry)."""
        async with self._lock:
            if self._sid is not None and self._sid != failed_sid:
                # Another caller already renewed while this one was failing.
                return self._sid
            if not self._may_validate():
                self._stats.renewals_throttled += 1
                _LOGGER.debug("Electra session refused, renewal rate limited; not retrying")
                return None
            return await self._validate_locked()

    def _is_stale(self) -> bool:
        return self._clock() - self._sid_at >= SID_MAX_AGE

    def _may_validate(self) -> bool:
        return (
            self._last_validate_at is None
            or self._clock() - self._last_validate_at >= VALIDATE_TOKEN_MIN_INTERVAL
        )

    def _throttled_error(self) -> Exception:
        if self._last_auth_error is not None:
            # The token was refused within the guard window; it is still refused.
            return type(self._last_auth_error)(str(self._last_auth_error))
        return ElectraResponseError(
            "no Electra session and VALIDATE_TOKEN is rate limited (once per 10 minutes)"
        )

    async def _validate_locked(self) -> str:
        previous_attempt = self._last_validate_at
        self._last_validate_at = self._clock()
        self._stats.validate_token_calls += 1
        try:
            sid = await self._validate()
        except ElectraAuthError as err:
            # The token is dead: using its older SID would only hide that from the caller.
            self._sid = None
            self._last_auth_error = err
            self._on_change()
            raise
        except ApiConnectionError as err:
            if isinstance(err.__cause__, aiohttp.ClientConnectorError):
                # The request never left this host, so it cannot count towards a lockout.
                self._last_validate_at = previous_attempt
            else:
                self._on_change()
            raise
        except BaseException:
            # Sent (or maybe sent): the guard must remember it across a restart.
            self._on_change()
            raise
        self._sid = sid
        self._sid_at = self._clock()
        self._last_auth_error = None
        self._stats.session_renewals += 1
        _LOGGER.debug("Electra session renewed")
        self._on_change()
        return sid
