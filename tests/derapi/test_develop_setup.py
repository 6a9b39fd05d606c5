"""The demo's Derapi set-up (scripts/develop) fills the real config flow over the REST API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.home_energy_cloud.const import DOMAIN
from scripts.develop_setup import Flow, HomeAssistantApi, SimIndex, derapi
from simulator import Simulator

pytestmark = pytest.mark.usefixtures("derapi_client_timing")


class _TestApi(HomeAssistantApi):
    """Home Assistant's REST API through the test client instead of a network session."""

    def __init__(self, client: Any) -> None:
        super().__init__(aiohttp.ClientSession(), "http://test")
        self.client = client

    async def call(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        form: Mapping[str, str] | None = None,
        auth: bool = True,
    ) -> Any:
        response = await self.client.request(method, path, json=body)
        assert response.status < 400, await response.text()
        return await response.json()


async def test_demo_adds_a_derapi_entry(
    hass: HomeAssistant, hass_client: ClientSessionGenerator, simulator: Simulator
) -> None:
    assert await async_setup_component(hass, "config", {})
    api = _TestApi(await hass_client())
    try:
        result = await api.call("POST", "/api/config/config_entries/flow", {"handler": DOMAIN})
        result = await api.call(
            "POST",
            f"/api/config/config_entries/flow/{result['flow_id']}",
            {"next_step_id": "derapi"},
        )
        sim = SimIndex("http://unused", {}, {"derapi": simulator.host_urls("derapi")})
        result = await derapi(Flow(api, sim, "derapi", result))
    finally:
        await api.session.close()
    assert result["type"] == "create_entry"
    await hass.async_block_till_done()
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    assert set(entry.data["vendor_credentials"]) == {
        "sma",
        "solis",
        "solaredge",
        "enphase",
        "tesla",
    }
