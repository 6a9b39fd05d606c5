"""Rules of the SEW fake that the client never breaks on purpose, checked on the wire."""

from __future__ import annotations

import base64

import aiohttp

from simulator import Simulator
from simulator.sew import (
    ELECTRIC_METER,
    HOME_ACCOUNT,
    PASSWORD,
    TFA_PASSWORD,
    TFA_USERNAME,
    USERNAME,
    SewCloud,
)


async def _api_login(http: aiohttp.ClientSession, base: str, username: str, password: str) -> dict:
    reply = await (await http.post(f"{base}/API/UserLogin/GetId", json={})).json()
    pair = reply["result"]["Data"]
    basic = base64.b64encode(f"{pair['key']}:{pair['tokenId']}".encode()).decode()
    reply = await (
        await http.post(
            f"{base}/API/UserLogin/ValidateUserLogin",
            json={"UserId": username, "password": password},
            headers={"Authorization": f"Basic {basic}"},
        )
    ).json()
    return reply["result"]["Data"]["Table"][0]


async def test_hourly_requests_are_limited_to_one_day(simulator: Simulator) -> None:
    base = simulator.host_url("sew", "api_b")
    async with aiohttp.ClientSession() as http:
        user = await _api_login(http, base, USERNAME, PASSWORD)
        auth = base64.b64encode(f"{user['UserID']}:{user['SessionToken']}".encode()).decode()
        params = {
            "AccountNumber": HOME_ACCOUNT,
            "MeterNumber": ELECTRIC_METER,
            "Mode": "H",
            "DateFromDaily": "2026-01-01",
            "DateToDaily": "2026-01-03",
        }
        reply = await (
            await http.post(
                f"{base}/Service/Usage/GetUsageGeneration",
                json=params,
                headers={"Authorization": f"Basic {auth}"},
            )
        ).json()
    assert reply["result"]["Status"] == 0
    assert "one day" in reply["result"]["Message"]


async def test_control_routes(simulator: Simulator, sew_cloud: SewCloud) -> None:
    root = simulator.url + "/_sim/sew"
    async with aiohttp.ClientSession() as http:
        settings = await (await http.get(f"{root}/settings")).json()
        assert settings["portal_a"]["encrypted"] is True
        assert settings["api_b"]["encrypted"] is False
        changed = await (
            await http.post(
                f"{root}/settings",
                json={"portal_a": {"envelope": "I"}, "token_lifetime": 60, "maintenance": True},
            )
        ).json()
        assert changed["portal_a"]["envelope"] == "I"
        assert changed["token_lifetime"] == 60
        assert sew_cloud.backend.maintenance
        bad = await http.post(f"{root}/settings", json={"nonsense": 1})
        assert bad.status == 400
        assert (await http.get(f"{root}/otp", params={"user": TFA_USERNAME})).status == 404
        sew_cloud.backend.maintenance = False
        await _api_login(http, simulator.host_url("sew", "api_b"), TFA_USERNAME, TFA_PASSWORD)
        code = await (await http.get(f"{root}/otp", params={"user": TFA_USERNAME})).json()
        assert code == {"code": sew_cloud.otp_for(TFA_USERNAME)}
        expired = await (await http.post(f"{root}/expire_sessions")).json()
        assert expired == {"expired": 0}
        stats = await (await http.get(f"{root}/stats")).json()
        assert stats["calls"]["api_b:UserLogin.GetId"] == 1
        await http.post(simulator.url + "/_sim/reset")
    assert not sew_cloud.backend.maintenance
    assert sew_cloud.host_settings("portal_a").envelope == "A"


async def test_every_host_is_listed(simulator: Simulator) -> None:
    assert set(simulator.host_urls("sew")) == {"portal_a", "api_b"}
    assert simulator.base_url("sew") == simulator.host_url("sew", "portal_a")
