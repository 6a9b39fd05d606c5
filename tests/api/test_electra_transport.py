"""ElectraClient's envelope handling, with a scripted aiohttp stand-in.

Only for answers the simulator cannot be made to give (bodies that are JSON but not a valid
envelope) and for checking the exact request body, which the fake does not record whole.
"""

from __future__ import annotations

from collections.abc import Callable
import json
from types import TracebackType
from typing import Any, Self, cast

import aiohttp
import pytest

from custom_components.home_energy_cloud.api.electra import (
    ElectraClient,
    ElectraInvalidCodeError,
    ElectraInvalidPhoneError,
    ElectraResponseError,
)
from custom_components.home_energy_cloud.api.exceptions import ApiProtocolError

Answer = tuple[int, bytes]


class _Response:
    def __init__(self, status: int, body: bytes) -> None:
        self.status = status
        self._body = body

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def read(self) -> bytes:
        return self._body


class ScriptedSession:
    """Answers each POST with the next scripted reply and keeps what was sent."""

    def __init__(self, answer: Callable[[dict[str, Any]], Answer]) -> None:
        self._answer = answer
        self.sent: list[tuple[str, dict[str, Any], dict[str, str]]] = []

    def post(self, url: str, *, json: dict[str, Any], headers: dict[str, str]) -> _Response:
        self.sent.append((url, json, headers))
        return _Response(*self._answer(json))


def envelope(status: int = 0, data: Any = None, **extra: Any) -> Answer:
    body = {"id": 1, "status": status, "desc": None, "data": data, **extra}
    return 200, json.dumps(body).encode()


def ok(**payload: Any) -> Answer:
    return envelope(0, {**payload, "res": 0, "res_desc": None})


def make(
    answer: Callable[[dict[str, Any]], Answer], **kwargs: Any
) -> tuple[ElectraClient, ScriptedSession]:
    session = ScriptedSession(answer)
    client = ElectraClient(
        cast("aiohttp.ClientSession", session),
        imei="2b95000012345678",
        base_url="https://example.invalid/",
        **kwargs,
    )
    return client, session


async def test_request_body_and_headers() -> None:
    def answer(body: dict[str, Any]) -> Answer:
        if body["cmd"] == "VALIDATE_TOKEN":
            return ok(sid="S1")
        return ok(devices=[])

    client, session = make(answer, token="T")
    assert await client.get_devices() == []
    (url, validate, headers), (_, devices, _) = session.sent
    assert url == "https://example.invalid/mobile/mobilecommand"
    assert headers == {"User-Agent": "Electra Client"}
    assert validate == {
        "pvdid": 1,
        "id": validate["id"],
        "cmd": "VALIDATE_TOKEN",
        "sid": None,
        "data": {"imei": "2b95000012345678", "token": "T", "os": "android", "osver": "M4B30Z"},
    }
    assert isinstance(validate["id"], int)
    assert devices == {
        "pvdid": 1,
        "id": devices["id"],
        "cmd": "GET_DEVICES",
        "sid": "S1",
        "data": {},
    }
    assert devices["id"] != validate["id"]


@pytest.mark.parametrize(
    "answer",
    [
        (200, b"<html>maintenance</html>"),
        (200, b""),
        (200, b"[1, 2]"),
        (200, b'{"data": {"res": 0}}'),  # no status
        (200, b'{"status": "0", "data": {"res": 0}}'),
        (200, b'{"status": 0, "data": "oops"}'),
        (200, b'{"status": 0, "data": {"devices": []}}'),  # no res
        (200, b'{"status": 0, "data": {"res": "0"}}'),
    ],
)
async def test_bad_envelopes(answer: Answer) -> None:
    client, _ = make(lambda body: answer, token="T")
    with pytest.raises(ApiProtocolError):
        await client.send_otp("0501234567")


async def test_answers_missing_their_payload() -> None:
    client, _ = make(lambda body: ok(), token="T")
    with pytest.raises(ApiProtocolError):
        await client.get_devices()  # VALIDATE_TOKEN without sid
    client, _ = make(lambda body: ok(token="T"))
    with pytest.raises(ApiProtocolError):
        await client.check_otp("0501234567", "1234")  # CHECK_OTP without sid


async def test_otp_answers_without_data() -> None:
    client, _ = make(lambda body: envelope(0, None))
    with pytest.raises(ElectraResponseError) as err:
        await client.send_otp("0501234567")
    assert not isinstance(err.value, ElectraInvalidPhoneError)
    client, _ = make(lambda body: envelope(5, None))
    with pytest.raises(ElectraResponseError):
        await client.check_otp("0501234567", "1234")


async def test_otp_refusals_with_status_zero() -> None:
    refused = envelope(0, {"res": 100, "res_desc": "nope"})
    client, _ = make(lambda body: refused)
    with pytest.raises(ElectraInvalidPhoneError) as phone:
        await client.send_otp("0501234567")
    assert (phone.value.status, phone.value.res, phone.value.res_desc) == (0, 100, "nope")
    with pytest.raises(ElectraInvalidCodeError):
        await client.check_otp("0501234567", "1234")


async def test_devices_null() -> None:
    def answer(body: dict[str, Any]) -> Answer:
        return ok(sid="S") if body["cmd"] == "VALIDATE_TOKEN" else ok(devices=None)

    client, _ = make(answer, token="T")
    assert await client.get_devices() == []


async def test_other_validate_refusal_is_not_auth() -> None:
    client, _ = make(
        lambda body: envelope(0, {"res": 7, "res_desc": "Busy", "sid": None}), token="T"
    )
    with pytest.raises(ElectraResponseError) as err:
        await client.get_devices()
    assert err.value.res == 7


async def test_telemetry_with_broken_group() -> None:
    def answer(body: dict[str, Any]) -> Answer:
        if body["cmd"] == "VALIDATE_TOKEN":
            return ok(sid="S")
        return ok(timeDelta=5, commandJson={"OPER": '{"OPER": {', "DIAG_L2": None})

    client, _ = make(answer, token="T")
    with pytest.raises(ApiProtocolError):
        await client.get_telemetry(1)
    assert client.get_state(1) is None
