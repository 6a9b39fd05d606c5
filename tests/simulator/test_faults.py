"""Fault injection and the generic control API, seen by a raw client of the Electra endpoint."""

from __future__ import annotations

import json
import time
from typing import Any

import aiohttp
import pytest

from simulator import SimClock, Simulator
from simulator.electra import PRIMARY_PHONE, ElectraCloud

IMEI = "2b95000012345678"
SEND_OTP = {"id": 5, "cmd": "SEND_OTP", "data": {"imei": IMEI, "phone": PRIMARY_PHONE}}
UA = {"User-Agent": "Electra Client"}


def endpoint(simulator: Simulator) -> str:
    return f"{simulator.base_url('electra')}/mobile/mobilecommand"


async def set_faults(
    session: aiohttp.ClientSession, simulator: Simulator, spec: Any
) -> aiohttp.ClientResponse:
    async with session.post(f"{simulator.url}/_sim/electra/faults", json=spec) as resp:
        await resp.read()
        return resp


async def send_otp(session: aiohttp.ClientSession, simulator: Simulator) -> dict[str, Any]:
    async with session.post(endpoint(simulator), json=SEND_OTP, headers=UA) as resp:
        assert resp.status == 200
        answer: dict[str, Any] = await resp.json()
        return answer


async def test_latency(simulator: Simulator) -> None:
    async with aiohttp.ClientSession() as s:
        assert (await set_faults(s, simulator, {"latency": 0.3})).status == 200
        started = time.monotonic()
        answer = await send_otp(s, simulator)
        elapsed = time.monotonic() - started
    assert elapsed >= 0.3
    assert answer["data"]["res"] == 0


async def test_http_errors(simulator: Simulator) -> None:
    async with aiohttp.ClientSession() as s:
        await set_faults(s, simulator, {"http_errors": 2, "http_error_status": 502})
        for _ in range(2):
            async with s.post(endpoint(simulator), json=SEND_OTP, headers=UA) as resp:
                assert resp.status == 502
        assert (await send_otp(s, simulator))["status"] == 0
    # Refused requests never reached the cloud.
    assert [cmd for cmd, _, _ in simulator.cloud("electra").requests] == ["SEND_OTP"]


async def test_malformed_body(simulator: Simulator) -> None:
    async with aiohttp.ClientSession() as s:
        await set_faults(s, simulator, {"malformed": 1})
        async with s.post(endpoint(simulator), json=SEND_OTP, headers=UA) as resp:
            assert resp.status == 200
            assert resp.content_type == "application/json"
            text = await resp.text()
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)
        assert (await send_otp(s, simulator))["status"] == 0


async def test_disconnect(simulator: Simulator) -> None:
    async with aiohttp.ClientSession() as s:
        await set_faults(s, simulator, {"disconnects": 1})
        with pytest.raises(aiohttp.ClientConnectionError):
            async with s.post(endpoint(simulator), json=SEND_OTP, headers=UA) as resp:
                await resp.read()
        # The next request gets through on a new connection.
        assert (await send_otp(s, simulator))["status"] == 0


async def test_faults_apply_in_order(simulator: Simulator) -> None:
    async with aiohttp.ClientSession() as s:
        await set_faults(s, simulator, {"disconnects": 1, "http_errors": 1, "malformed": 1})
        with pytest.raises(aiohttp.ClientConnectionError):
            async with s.post(endpoint(simulator), json=SEND_OTP, headers=UA) as resp:
                await resp.read()
        async with s.post(endpoint(simulator), json=SEND_OTP, headers=UA) as resp:
            assert resp.status == 503
        async with s.post(endpoint(simulator), json=SEND_OTP, headers=UA) as resp:
            with pytest.raises(json.JSONDecodeError):
                json.loads(await resp.text())
        assert (await send_otp(s, simulator))["status"] == 0


async def test_faults_control_api(simulator: Simulator) -> None:
    url = f"{simulator.url}/_sim/electra/faults"
    async with aiohttp.ClientSession() as s:
        async with s.get(url) as resp:
            assert await resp.json() == {
                "latency": 0.0,
                "http_error_status": 503,
                "http_errors": 0,
                "malformed": 0,
                "disconnects": 0,
                "requests": 0,
                "open_websockets": 0,
            }
        async with s.post(url, json={"latency": 0.01, "http_errors": 3}) as resp:
            assert resp.status == 200
            body = await resp.json()
            assert body["latency"] == 0.01
            assert body["http_errors"] == 3
        async with s.delete(url) as resp:
            body = await resp.json()
            assert body["latency"] == 0.0
            assert body["http_errors"] == 0
        await send_otp(s, simulator)
        async with s.get(url) as resp:
            assert (await resp.json())["requests"] == 1
        # The control API itself is never subject to faults.
        assert simulator.faults("electra").requests == 1


@pytest.mark.parametrize(
    "spec",
    [
        {"latncy": 1},
        {"latency": -1},
        {"latency": "slow"},
        {"http_errors": 1.5},
        {"http_errors": True},
        {"http_error_status": 200},
        [1, 2],
        "latency",
    ],
)
async def test_bad_fault_settings(simulator: Simulator, spec: Any) -> None:
    async with aiohttp.ClientSession() as s:
        # A valid key next to a bad one must not be applied either.
        payload = {**spec, "malformed": 2} if isinstance(spec, dict) else spec
        resp = await set_faults(s, simulator, payload)
        assert resp.status == 400
        async with s.post(
            f"{simulator.url}/_sim/electra/faults", data=b"{oops", headers=UA
        ) as bad_json:
            assert bad_json.status == 400
    assert simulator.faults("electra").malformed == 0
    assert simulator.faults("electra").latency == 0.0


async def test_index_and_websockets(simulator: Simulator) -> None:
    async with aiohttp.ClientSession() as s:
        async with s.get(f"{simulator.url}/_sim") as resp:
            assert resp.status == 200
            body = await resp.json()
        assert body["vendors"] == {key: simulator.base_url(key) for key in simulator.vendors}
        assert body["hosts"] == {key: simulator.host_urls(key) for key in simulator.vendors}
        assert body["hosts"]["electra"] == {"api": simulator.base_url("electra")}
        assert list(body["hosts"]["derapi"]) == [
            "api",
            "auth",
            "sma_auth",
            "enphase_auth",
            "tesla_auth",
        ]
        assert set(body["clock"]) == {"monotonic", "time"}
        async with s.post(f"{simulator.url}/_sim/electra/drop_websockets") as resp:
            assert await resp.json() == {"dropped": 0}
    assert simulator.vendors == ["electra", "kiwigrid", "sew", "derapi"]
    with pytest.raises(KeyError):
        simulator.base_url("daikin")


async def test_clock_advance(simulator: Simulator, sim_clock: SimClock) -> None:
    url = f"{simulator.url}/_sim/clock/advance"
    before = sim_clock.time()
    async with aiohttp.ClientSession() as s:
        async with s.post(url, json={"seconds": 3600}) as resp:
            assert resp.status == 200
            assert (await resp.json())["time"] >= before + 3600
        assert sim_clock.time() >= before + 3600
        for bad in ({"seconds": -1}, {"seconds": "soon"}, {}, [3600], {"seconds": None}):
            async with s.post(url, json=bad) as resp:
                assert resp.status == 400
        async with s.post(url, data=b"NaN-ish{") as resp:
            assert resp.status == 400
        async with s.post(url, data=b'{"seconds": NaN}') as resp:
            assert resp.status == 400
    assert sim_clock.time() < before + 3600 + 60


async def test_clock_advance_expires_electra_sessions(simulator: Simulator) -> None:
    cloud = simulator.cloud("electra")
    assert isinstance(cloud, ElectraCloud)
    async with aiohttp.ClientSession() as s:
        await send_otp(s, simulator)
        body = {
            "cmd": "CHECK_OTP",
            "data": {
                "imei": IMEI,
                "phone": PRIMARY_PHONE,
                "code": cloud.otp_for(PRIMARY_PHONE),
            },
        }
        async with s.post(endpoint(simulator), json=body, headers=UA) as resp:
            sid = (await resp.json())["data"]["sid"]
        async with s.post(f"{simulator.url}/_sim/clock/advance", json={"seconds": 900}):
            pass
        async with s.post(
            endpoint(simulator), json={"cmd": "GET_DEVICES", "sid": sid}, headers=UA
        ) as resp:
            assert (await resp.json())["status"] == 1


async def test_reset_clears_faults(simulator: Simulator) -> None:
    async with aiohttp.ClientSession() as s:
        await set_faults(s, simulator, {"http_errors": 5})
        async with s.post(f"{simulator.url}/_sim/reset") as resp:
            assert await resp.json() == {"reset": True}
        assert (await send_otp(s, simulator))["status"] == 0
