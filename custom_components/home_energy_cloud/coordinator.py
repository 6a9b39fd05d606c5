"""The base coordinator every vendor's coordinators derive from."""

from __future__ import annotations

from abc import abstractmethod
import asyncio
import contextlib
from datetime import timedelta
import random
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api.exceptions import ApiAuthError, ApiError
from .const import LOGGER
from .errors import api_error_translation


class HomeEnergyCloudCoordinator[DataT](DataUpdateCoordinator[DataT]):
    """Polls one vendor account and turns client errors into Home Assistant's.

    Subclasses implement :meth:`_async_fetch` with client calls only; an auth error becomes a
    reauth request, any other client error a translated ``UpdateFailed`` (logged once by the
    base class when the cloud goes away and once when it returns).
    """

    config_entry: ConfigEntry[Any]

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        *,
        name: str,
        update_interval: timedelta | None,
    ) -> None:
        """Bind the coordinator to its entry (required from Home Assistant 2026.8)."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{name} ({entry.title})",
            update_interval=update_interval,
        )

    @abstractmethod
    async def _async_fetch(self) -> DataT:
        """Read the account's current data from the cloud."""

    async def _async_update_data(self) -> DataT:
        try:
            return await self._async_fetch()
        except ApiAuthError as err:
            raise ConfigEntryAuthFailed(**api_error_translation(err)) from err
        except ApiError as err:
            raise UpdateFailed(**api_error_translation(err)) from err


class HomeEnergyCloudPushCoordinator[DataT](HomeEnergyCloudCoordinator[DataT]):
    """Data pushed over a connection the coordinator supervises, with polling as the fallback.

    Subclasses implement :meth:`_async_fetch` (a full read: the first refresh and every poll)
    and :meth:`_async_listen` (connect, hand each pushed state to :meth:`async_push`, return or
    raise when the connection ends). Each push postpones the next poll (the base class
    reschedules on every update), so polls only run while pushes do not arrive.

    A dropped connection is reconnected with exponential backoff and jitter, capped at one
    minute; entities stay available on the last real state for ``grace`` after the last
    success (a reconnect usually takes seconds), then a failing poll makes them unavailable.
    An auth error at any point starts re-authentication and stops reconnecting. The listening
    task belongs to the entry: it ends on unload and when Home Assistant stops.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        *,
        name: str,
        poll_interval: timedelta,
        grace: timedelta = timedelta(seconds=60),
        reconnect_delay: float = 1.0,
        reconnect_cap: float = 60.0,
    ) -> None:
        """Set the fallback poll interval, the grace period and the reconnect backoff."""
        super().__init__(hass, entry, name=name, update_interval=poll_interval)
        self._grace = grace
        self._reconnect_delay = reconnect_delay
        self._reconnect_cap = reconnect_cap
        self._last_success = 0.0
        self._connected = False
        self._listener: asyncio.Task[None] | None = None

    @abstractmethod
    async def _async_listen(self) -> None:
        """Connect and push states until the connection ends.

        Return normally when the server ends the connection or refuses pushes (polling then
        carries on alone); raise ``ApiError`` when it fails.
        """

    @callback
    def async_push(self, data: DataT) -> None:
        """Publish a pushed state (call from :meth:`_async_listen`)."""
        if not self._connected:
            self._connected = True
            LOGGER.info("%s: push connection established", self.name)
        self._last_success = time.monotonic()
        self.async_set_updated_data(data)

    @callback
    def async_push_error(self, err: ApiError) -> None:
        """An error reported by the push side: reauth for auth, otherwise unavailable."""
        if isinstance(err, ApiAuthError):
            self.config_entry.async_start_reauth(self.hass)
        self.async_set_update_error(UpdateFailed(**api_error_translation(err)))

    @callback
    def async_start_push(self) -> None:
        """Start listening, for as long as the entry is loaded and Home Assistant runs."""
        self._listener = self.config_entry.async_create_background_task(
            self.hass, self._async_supervise(), f"{self.name} push"
        )
        self.config_entry.async_on_unload(self._async_stop_push)
        self.config_entry.async_on_unload(
            self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._async_stop_push)
        )

    async def _async_close_connection(self) -> None:
        """Close what :meth:`_async_listen` left open (the listener has ended); override.

        Cancelling the listener ends its task but not necessarily its socket: a client that
        keeps its connection between calls (so polls can use it) closes it here, on unload
        and when Home Assistant stops.
        """

    async def _async_stop_push(self, _event: Event | None = None) -> None:
        if (listener := self._listener) is not None:
            self._listener = None
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
            await self._async_close_connection()

    async def _async_supervise(self) -> None:
        failures = 0
        while True:
            started = time.monotonic()
            try:
                await self._async_listen()
            except ApiAuthError as err:
                self.async_push_error(err)
                return  # a new login is needed; reconnecting would only repeat the refusal
            except ApiError as err:
                if self._connected or failures == 0:
                    LOGGER.info("%s: push connection lost (%s); reconnecting", self.name, err)
            self._connected = False
            # A connection that held for a while starts the backoff afresh.
            failures = 0 if time.monotonic() - started > self._reconnect_cap else failures + 1
            delay = min(self._reconnect_cap, self._reconnect_delay * 2 ** max(failures - 1, 0))
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))  # noqa: S311 - jitter only

    async def _async_update_data(self) -> DataT:
        try:
            data = await super()._async_update_data()
        except UpdateFailed:
            within_grace = time.monotonic() - self._last_success < self._grace.total_seconds()
            if self.data is not None and self.last_update_success and within_grace:
                LOGGER.debug("%s: poll failed within the grace period", self.name)
                return self.data
            raise
        self._last_success = time.monotonic()
        return data
