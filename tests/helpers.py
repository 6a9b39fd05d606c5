"""Helpers shared by the tests and the benchmarks (scripts/bench_electra.py)."""

from __future__ import annotations

import aiohttp

from custom_components.home_energy_cloud.api.electra import ElectraClient, generate_imei
from custom_components.home_energy_cloud.const import CONF_BASE_URL, CONF_VENDOR
from simulator import Simulator
from simulator.electra import PRIMARY_PHONE, ElectraCloud


async def electra_login(simulator: Simulator, phone: str = PRIMARY_PHONE) -> dict[str, str]:
    """Log in over the simulator's OTP flow, as the config flow would; returns entry data."""
    cloud: ElectraCloud = simulator.cloud("electra")
    async with aiohttp.ClientSession() as session:
        client = ElectraClient(
            session,
            imei=generate_imei(),
            base_url=simulator.base_url("electra"),
            clock=simulator.clock.monotonic,
        )
        await client.send_otp(phone)
        code = cloud.otp_for(phone)
        assert code is not None
        token = await client.check_otp(phone, code)
    return {
        CONF_VENDOR: "electra",
        "phone": phone,
        "imei": client.imei,
        "token": token,
        CONF_BASE_URL: simulator.base_url("electra"),
    }
