"""Database reads in the recorder's executor that end before the database closes.

When Home Assistant stops, it cancels the entries' background tasks (and with them a statistics
import waiting on a read), then the recorder closes its database connection. Cancelling the task
does not stop the read already running in the recorder's thread; if the connection is closed
under it, SQLite crashes the interpreter (seen in this project's CI with Python 3.13). So every
recorder read of this integration goes through :func:`async_recorder_read`, which lets the
cancellation through only once the read has ended: Home Assistant waits for cancelled tasks
before its final-write stage, so the database is closed after the read, never during it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from homeassistant.components.recorder import get_instance
from homeassistant.core import HomeAssistant


async def async_recorder_read[T](hass: HomeAssistant, target: Callable[..., T], *args: object) -> T:
    """Run `target(*args)` in the recorder's executor; if cancelled, first wait for it to end."""
    read = get_instance(hass).async_add_executor_job(target, *args)
    try:
        return await asyncio.shield(read)
    except asyncio.CancelledError:
        await asyncio.wait([read])
        raise
