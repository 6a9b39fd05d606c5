"""A recorder read outlives the cancellation of the task that waits for it (recorder_jobs.py)."""

from __future__ import annotations

import asyncio
import threading

from homeassistant.core import HomeAssistant
import pytest

from custom_components.home_energy_cloud.recorder_jobs import async_recorder_read


async def test_a_read_returns_its_result(hass: HomeAssistant) -> None:
    """The read runs in the recorder's thread and hands back what it returned."""
    assert await async_recorder_read(hass, lambda a, b: a + b, 2, 3) == 5


async def test_a_cancelled_read_ends_before_its_task_does(hass: HomeAssistant) -> None:
    """Home Assistant closes the database once cancelled tasks have ended: the read must be over.

    Without the wait, the cancelled task ends at once while the read goes on in the recorder's
    thread, and the recorder's shutdown closes the connection under it.
    """
    started = threading.Event()
    release = threading.Event()
    ended: list[str] = []

    def read() -> str:
        started.set()
        release.wait(10)
        ended.append(threading.current_thread().name)
        return "rows"

    task = asyncio.ensure_future(async_recorder_read(hass, read))
    assert await hass.async_add_executor_job(started.wait, 10)
    task.cancel()
    for _ in range(20):  # many loop turns: a task that ignored the read would be done by now
        await asyncio.sleep(0)
    assert not task.done()
    assert ended == []

    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert len(ended) == 1
    assert ended[0].startswith("DbWorker")  # the recorder's executor
