"""Helpers of the Kiwigrid tests: controls over HTTP and moving the clock to a local hour."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import aiohttp

from simulator import Simulator
from simulator.kiwigrid.site import TIMEZONE


async def control(simulator: Simulator, path: str, body: dict[str, Any] | None = None) -> Any:
    """POST (or GET without a body) to ``/_sim/kiwigrid/<path>``; returns the JSON answer."""
    async with aiohttp.ClientSession() as session:
        url = f"{simulator.url}/_sim/kiwigrid/{path}"
        method = "POST" if body is not None or path != "stats" else "GET"
        async with session.request(method, url, json=body) as response:
            assert response.status == 200, await response.text()
            return await response.json()


def advance_to_hour(simulator: Simulator, hour: float) -> datetime:
    """Move the simulated clock forward to the next ``hour`` (local time of the site)."""
    now = datetime.fromtimestamp(simulator.clock.time(), TIMEZONE)
    target = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(hours=hour)
    if target <= now:
        target += timedelta(days=1)
    simulator.clock.advance(target.timestamp() - simulator.clock.time())
    return target
