"""The Derapi fake's control API over HTTP, as the demo and scripts use it."""

from __future__ import annotations

from typing import Any

import aiohttp

from simulator import Simulator


async def _call(
    session: aiohttp.ClientSession, simulator: Simulator, method: str, path: str, body: Any = None
) -> tuple[int, Any]:
    url = f"{simulator.url}/_sim/derapi/{path}"
    kwargs: dict[str, Any] = {} if body is None else {"json": body}
    async with session.request(method, url, **kwargs) as response:
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()


async def test_controls_change_the_fake_and_refuse_bad_bodies(simulator: Simulator) -> None:
    async with aiohttp.ClientSession() as session:
        status, settings = await _call(session, simulator, "GET", "settings")
        assert status == 200
        status, _ = await _call(session, simulator, "POST", "settings", {"nonsense": 1})
        assert status == 400
        status, _ = await _call(session, simulator, "POST", "settings", None)
        assert status == 400

        status, failures = await _call(
            session, simulator, "POST", "vendor_failures", {"vendor": "solis", "failure": "timeout"}
        )
        assert (status, failures) == (200, {"solis": "timeout"})
        status, _ = await _call(session, simulator, "POST", "vendor_failures", {"vendor": 3})
        assert status == 400
        status, _ = await _call(
            session, simulator, "POST", "vendor_failures", {"vendor": "sma", "failure": "boom"}
        )
        assert status == 400
        status, failures = await _call(session, simulator, "DELETE", "vendor_failures")
        assert (status, failures) == (200, {})

        status, queued = await _call(
            session, simulator, "POST", "problems", {"status": 429, "retry_after": 7}
        )
        assert (status, queued) == (200, {"queued": 1})
        for bad in ({"count": 1}, {"status": 200}, {"status": 500, "count": 0}):
            status, _ = await _call(session, simulator, "POST", "problems", bad)
            assert status == 400, bad

        status, expired = await _call(session, simulator, "POST", "expire_tokens")
        assert (status, expired) == (200, {"expired": True})

        status, large = await _call(
            session, simulator, "POST", "scenario", {"devices": 20, "sites": 4}
        )
        assert status == 200
        assert large["sites"] == 4
        assert large["solar_inverters"] + large["batteries"] == 20
        for bad in ({"devices": 1}, {"devices": -1, "sites": 1}, {"devices": 1, "sites": 0}):
            status, _ = await _call(session, simulator, "POST", "scenario", bad)
            assert status == 400, bad
        status, default = await _call(session, simulator, "DELETE", "scenario")
        assert status == 200
        assert default["sites"] != 4

        status, stats = await _call(session, simulator, "GET", "stats")
        assert status == 200
        assert isinstance(stats, dict)
        assert settings  # the defaults came back as a JSON object
