"""Electra sessions outlive their clients: in memory across reloads, on disk across restarts.

Each new client would otherwise start with a VALIDATE_TOKEN, and more than one per 10 minutes
(a reload after a reconfigure, two quick restarts) risks the token's lockout; the client then
waits out its guard instead. A new entry starts on the session its config flow signed in with.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util.hass_dict import HassKey

from ..api.electra import ElectraClient, ElectraSession
from ..const import DOMAIN

STORAGE_VERSION = 1
# Short: a crash between a new session and its save costs a VALIDATE_TOKEN at the next start.
SAVE_DELAY = 1
DATA_SESSIONS: HassKey[ElectraSessions] = HassKey(f"{DOMAIN}_electra_sessions")


def _fingerprint(token: str) -> str:
    """Which token a session belongs to, without storing the token a second time."""
    return hashlib.sha256(token.encode()).hexdigest()[:16]


class ElectraSessions:
    """The sessions of every Electra account, by config entry id (private storage)."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Create the store; :meth:`async_load` reads it."""
        self._store: Store[dict[str, dict[str, Any]]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.electra_sessions", private=True
        )
        self._data: dict[str, dict[str, Any]] = {}
        # Sessions a config flow signed in with, by token fingerprint, until an entry takes one.
        self._handed_over: dict[str, dict[str, Any]] = {}
        self._loaded = False
        self._lock = asyncio.Lock()

    @classmethod
    async def async_get(cls, hass: HomeAssistant) -> ElectraSessions:
        """The one instance, loaded."""
        sessions = hass.data.get(DATA_SESSIONS)
        if sessions is None:
            sessions = hass.data[DATA_SESSIONS] = cls(hass)
        async with sessions._lock:
            if not sessions._loaded:
                sessions._data = await sessions._store.async_load() or {}
                sessions._loaded = True
        return sessions

    def restore(self, entry_id: str, client: ElectraClient) -> None:
        """Hand the entry's session to a new client, if it was for the same token.

        That is the entry's last session, or else the one its config flow signed in with.
        """
        if client.token is None:
            return
        fingerprint = _fingerprint(client.token)
        saved = self._data.get(entry_id)
        if not saved or saved.get("token") != fingerprint:
            if (saved := self._handed_over.pop(fingerprint, None)) is None:
                return
            self._data[entry_id] = saved
            self._store.async_delay_save(lambda: self._data, SAVE_DELAY)
        now = time.time()
        try:
            validate_at = saved["validate_at"]
            session = ElectraSession(
                sid=saved["sid"],
                sid_age=now - float(saved["sid_at"]),
                validate_age=None if validate_at is None else now - float(validate_at),
            )
        except (KeyError, TypeError, ValueError):
            return  # an unreadable record only costs one VALIDATE_TOKEN
        client.restore_session(session)

    @callback
    def hand_over(self, token: str, session: ElectraSession) -> None:
        """Keep the session a config flow signed in with, for the entry it creates or updates.

        The entry's client then starts with the sid that came with the token instead of a
        VALIDATE_TOKEN, so its one VALIDATE_TOKEN per 10 minutes stays free for when the
        cloud refuses that sid (a revoked token is then noticed at once, not 10 minutes on).
        Kept in memory only: after a restart the entry simply validates once.
        """
        self._handed_over[_fingerprint(token)] = _record(token, session)

    @callback
    def remember(self, entry_id: str, token: str, session: ElectraSession) -> None:
        """Record a session the moment it changes (the client's ``on_session_change``).

        Only then: rewriting the file on every poll wears the flash of SD-card installs.
        """
        self._data[entry_id] = _record(token, session)
        self._store.async_delay_save(lambda: self._data, SAVE_DELAY)

    @callback
    def forget(self, entry_id: str) -> None:
        """Drop a removed entry's session."""
        if self._data.pop(entry_id, None) is not None:
            self._store.async_delay_save(lambda: self._data, SAVE_DELAY)


def _record(token: str, session: ElectraSession) -> dict[str, Any]:
    """A session as stored: absolute times, and the token only as a fingerprint."""
    now = time.time()
    return {
        "token": _fingerprint(token),
        "sid": session.sid,
        "sid_at": now - session.sid_age,
        "validate_at": None if session.validate_age is None else now - session.validate_age,
    }
