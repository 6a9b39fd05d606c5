"""The shared push coordinator: pushes, polling as the fallback, reconnects, errors, stop.

A minimal vendor drives it: its "connection" is a queue the test feeds, which is the only way
to decide exactly when a connection drops; vendors test it against their simulators too.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from datetime import timedelta

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.home_energy_cloud.api.exceptions import (
    ApiAuthError,
    ApiConnectionError,
    ApiError,
)
from custom_components.home_energy_cloud.const import DOMAIN
from custom_components.home_energy_cloud.coordinator import HomeEnergyCloudPushCoordinator

END = object()


class QueuePush(HomeEnergyCloudPushCoordinator[int]):
    """Pushes what the test puts in ``events``; polls answer ``poll_value`` or raise it."""

    def __init__(self, hass: HomeAssistant, entry: MockConfigEntry) -> None:
        super().__init__(
            hass,
            entry,
            name="queue",
            poll_interval=timedelta(seconds=15),
            # No backoff: the tests freeze time, and a real sleep would never end.
            reconnect_delay=0,
            reconnect_cap=0,
        )
        self.events: asyncio.Queue[object] = asyncio.Queue()
        self.poll_value: int | ApiError = 0
        self.polls = 0
        self.connections = 0
        self.closed = 0

    async def _async_fetch(self) -> int:
        self.polls += 1
        if isinstance(self.poll_value, ApiError):
            raise self.poll_value
        return self.poll_value

    async def _async_listen(self) -> None:
        self.connections += 1
        while True:
            event = await self.events.get()
            if event is END:
                return
            if isinstance(event, ApiError):
                raise event
            assert isinstance(event, int)
            self.async_push(event)

    async def _async_close_connection(self) -> None:
        self.closed += 1


@pytest.fixture
async def pushing(hass: HomeAssistant) -> AsyncGenerator[tuple[MockConfigEntry, QueuePush]]:
    """A started push coordinator of an entry (reauth goes to the Electra steps)."""
    entry = MockConfigEntry(domain=DOMAIN, data={"vendor": "electra", "phone": "0501234567"})
    entry.add_to_hass(hass)
    coordinator = QueuePush(hass, entry)
    await coordinator.async_refresh()
    unsubscribe = coordinator.async_add_listener(lambda: None)  # as an entity would
    coordinator.async_start_push()
    await asyncio.sleep(0)
    yield entry, coordinator
    unsubscribe()
    await entry._async_process_on_unload(hass)


async def settle(hass: HomeAssistant) -> None:
    """Let the listener and the coordinator run (time stands still under the freezer)."""
    for _ in range(10):
        await asyncio.sleep(0)
        await hass.async_block_till_done()


async def test_pushes_postpone_polls(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, pushing: tuple[MockConfigEntry, QueuePush]
) -> None:
    _, coordinator = pushing
    polls = coordinator.polls
    for value in range(1, 4):
        await coordinator.events.put(value)
        await settle(hass)
        freezer.tick(timedelta(seconds=10))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
    assert coordinator.data == 3
    assert coordinator.polls == polls  # each push came before the poll was due

    freezer.tick(timedelta(seconds=20))  # pushes stopped: polling takes over
    coordinator.poll_value = 9
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert coordinator.polls == polls + 1
    assert coordinator.data == 9


async def test_a_dropped_connection_reconnects(
    hass: HomeAssistant, pushing: tuple[MockConfigEntry, QueuePush]
) -> None:
    _, coordinator = pushing
    await coordinator.events.put(1)
    await coordinator.events.put(ApiConnectionError("socket closed"))
    await settle(hass)
    assert coordinator.connections == 2
    await coordinator.events.put(END)  # the server ends it cleanly: reconnect too
    await settle(hass)
    assert coordinator.connections == 3
    await coordinator.events.put(5)
    await settle(hass)
    assert coordinator.data == 5
    assert coordinator.last_update_success


async def test_failing_polls_keep_the_last_state_within_the_grace_period(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, pushing: tuple[MockConfigEntry, QueuePush]
) -> None:
    _, coordinator = pushing
    await coordinator.events.put(7)
    await settle(hass)
    coordinator.poll_value = ApiConnectionError("down")

    freezer.tick(timedelta(seconds=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert coordinator.last_update_success
    assert coordinator.data == 7

    # Past the grace period a failing poll makes the entities unavailable.
    coordinator._last_success -= 120
    freezer.tick(timedelta(seconds=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert not coordinator.last_update_success

    await coordinator.events.put(8)  # a push brings them back
    await settle(hass)
    assert coordinator.last_update_success
    assert coordinator.data == 8


async def test_an_auth_error_asks_for_reauth_and_stops_reconnecting(
    hass: HomeAssistant, pushing: tuple[MockConfigEntry, QueuePush]
) -> None:
    entry, coordinator = pushing
    await coordinator.events.put(ApiAuthError("token refused"))
    await settle(hass)
    assert not coordinator.last_update_success
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert coordinator.connections == 1
    await settle(hass)
    assert coordinator.connections == 1
    assert entry.entry_id == flows[0]["context"]["entry_id"]


async def test_stopping_home_assistant_ends_the_listener(
    hass: HomeAssistant, pushing: tuple[MockConfigEntry, QueuePush]
) -> None:
    _, coordinator = pushing
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await settle(hass)
    await coordinator.events.put(ApiConnectionError("would reconnect"))
    await settle(hass)
    assert coordinator.connections == 1
    assert coordinator.closed == 1  # the connection is closed too, not only the task


async def test_unloading_ends_the_listener(
    hass: HomeAssistant, pushing: tuple[MockConfigEntry, QueuePush]
) -> None:
    entry, coordinator = pushing
    await entry._async_process_on_unload(hass)
    await coordinator.events.put(ApiConnectionError("would reconnect"))
    await settle(hass)
    assert coordinator.connections == 1
    assert coordinator.closed == 1
    await entry._async_process_on_unload(hass)  # a second stop closes nothing twice
    assert coordinator.closed == 1
