"""Electra sessions outlive their clients: in memory across reloads, on disk across restarts.

Each new client would otherwise start with a VALIDATE_TOKEN, and two of those within 5 minutes
(a reload after a reconfigure, two quick restarts) get the token locked out.
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


def _same_session(saved: dict[str, Any] | None, record: dict[str, Any]) -> bool:
    """Whether two records hold the same session (ages drift by a fraction of a second)."""
    if saved is None:
        return False

    def same_moment(key: str) -> bool:
        old, new = saved.get(key), record[key]
        if old is None or new is None:
            return old is new
        return abs(float(old) - float(new)) < 2

    return (
        saved.get("token") == record["token"]
        and saved.get("sid") == record["sid"]
        and same_moment("sid_at")
        and same_moment("validate_at")
    )


class ElectraSessions:
    """The sessions of every Electra account, by config entry id (private storage)."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Create the store; :meth:`async_load` reads it."""
        self._store: Store[dict[str, dict[str, Any]]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.electra_sessions", private=True
        )
        self._data: dict[str, dict[str, Any]] = {}
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
        """Hand the entry's last session to a new client, if it was for the same token."""
        saved = self._data.get(entry_id)
        if not saved or client.token is None or saved.get("token") != _fingerprint(client.token):
            return
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
    def remember(self, entry_id: str, client: ElectraClient) -> None:
        """Record the client's session if it changed; written to disk a moment later.

        Called after every poll, so it must cost nothing when nothing changed: the file is
        only rewritten for a new sid or a new VALIDATE_TOKEN (flash wear on SD-card installs).
        """
        if client.token is None:
            return
        session = client.session_snapshot()
        now = time.time()
        record = {
            "token": _fingerprint(client.token),
            "sid": session.sid,
            "sid_at": now - session.sid_age,
            "validate_at": None if session.validate_age is None else now - session.validate_age,
        }
        if not _same_session(self._data.get(entry_id), record):
            self._data[entry_id] = record
            self._store.async_delay_save(lambda: self._data, SAVE_DELAY)

    @callback
    def forget(self, entry_id: str) -> None:
        """Drop a removed entry's session."""
        if self._data.pop(entry_id, None) is not None:
            self._store.async_delay_save(lambda: self._data, SAVE_DELAY)
