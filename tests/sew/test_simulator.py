"""Rules of the SEW fake that the client never breaks on purpose, checked on the wire."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import aiohttp
import pytest

from simulator import Simulator
from simulator.clock import SimClock
from simulator.sew import (
    ELECTRIC_METER,
    HOME_ACCOUNT,
    PASSWORD,
    TFA_PASSWORD,
    TFA_USERNAME,
    USERNAME,
    WATER_METER,
    SewCloud,
)
from simulator.sew.readings import unit_noise
from simulator.sew.scenario import SHORT_HISTORY


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


async def test_short_history_scenario_survives_a_reset(sim_clock: SimClock) -> None:
    """The browser suite's scenario: every meter's data starts a week back, reset or not."""
    sim = Simulator(sim_clock, scenarios={"sew": SHORT_HISTORY})
    cloud: SewCloud = sim.cloud("sew")
    today = cloud.backend.book.today(sim_clock.time())
    assert cloud.scenario == SHORT_HISTORY
    assert cloud.backend.book.first_day == today - timedelta(days=7)
    sim.reset()
    assert cloud.backend.book.first_day == today - timedelta(days=7)
    with pytest.raises(ValueError, match="unknown SEW scenario"):
        cloud.use_scenario("a decade")
    with pytest.raises(ValueError, match="no named scenarios"):
        Simulator(sim_clock, scenarios={"electra": SHORT_HISTORY})


async def test_daily_only_meters_have_no_hourly_rows(
    simulator: Simulator, sew_cloud: SewCloud
) -> None:
    root = simulator.url + "/_sim/sew"
    base = simulator.host_url("sew", "api_b")
    async with aiohttp.ClientSession() as http:
        settings = await (
            await http.post(f"{root}/settings", json={"daily_only_meters": [ELECTRIC_METER]})
        ).json()
        assert settings["daily_only_meters"] == [ELECTRIC_METER]
        assert settings["scenario"] == "default"
        user = await _api_login(http, base, USERNAME, PASSWORD)
        auth = base64.b64encode(f"{user['UserID']}:{user['SessionToken']}".encode()).decode()
        headers = {"Authorization": f"Basic {auth}"}
        meters = await (
            await http.post(
                f"{base}/Service/Usage/GetMultiMeter",
                json={"AccountNumber": HOME_ACCOUNT},
                headers=headers,
            )
        ).json()
        ami = {m["MeterNumber"]: m["IsAMI"] for m in meters["result"]["Data"]["MeterDetails"]}
        assert ami[ELECTRIC_METER] is False
        assert ami[WATER_METER] is True
        yesterday = sew_cloud.backend.book.today(simulator.clock.time()) - timedelta(days=1)
        for mode, has_rows in (("H", False), ("D", True)):
            reply = await (
                await http.post(
                    f"{base}/Service/Usage/GetUsageGeneration",
                    json={
                        "AccountNumber": HOME_ACCOUNT,
                        "MeterNumber": ELECTRIC_METER,
                        "Mode": mode,
                        "strDate": f"{yesterday:%m/%d/%Y}",
                    },
                    headers=headers,
                )
            ).json()
            data = reply["result"]["Data"]
            assert bool(data["objUsageGenerationResultSetTwo"]) is has_rows, mode
            assert data["getTentativeData"][0]["SoFar"] > 0


def test_readings_do_not_depend_on_the_date_class() -> None:
    """Under a frozen clock dates are a subclass with another repr; the data stays the same."""

    class OtherDate(date):
        pass

    day = date(2026, 6, 17)
    assert unit_noise("E1000001", OtherDate(2026, 6, 17), 3) == unit_noise("E1000001", day, 3)
