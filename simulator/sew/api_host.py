"""Flavor B host: ``/API/UserLogin/*`` and ``/Service/<Module>/<Method>`` (notes §1.2).

GetId hands out a key pair; ValidateUserLogin needs Basic ``key:tokenId`` and answers
``Data.Table`` (empty for wrong credentials); data calls need Basic ``UserID:SessionToken``. A
bad or expired session gets HTTP 401 (or, per setting, ``status_code`` 401 in the JSON).
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .backend import Refused, envelope, expired_envelope
from .scenario import User
from .usage_service import RowStyle

if TYPE_CHECKING:
    from .cloud import SewCloud

HOST = "api_b"
STYLE = RowStyle(aspnet_dates=False, value_is_quantity=True)
TOKEN_KEY = "SessionToken"


def setup(app: web.Application, cloud: SewCloud) -> None:
    """Add the host's routes."""
    handler = _Handler(cloud)
    app.router.add_post("/API/UserLogin/{method}", handler.login_module)
    app.router.add_post("/Service/{module}/{method}", handler.service)


def _basic(request: web.Request) -> tuple[str, str] | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        user, _, secret = base64.b64decode(header[6:], validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return user, secret


async def _body(request: web.Request) -> dict[str, str]:
    try:
        body = json.loads((await request.read()).decode() or "{}")
    except (UnicodeDecodeError, ValueError) as err:
        raise web.HTTPBadRequest(text="body is not JSON") from err
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text="body is not an object")
    return {str(k): "" if v is None else str(v) for k, v in body.items()}


class _Handler:
    def __init__(self, cloud: SewCloud) -> None:
        self._cloud = cloud

    def _guard(self, module: str, method: str) -> web.Response | None:
        backend = self._cloud.backend
        backend.calls[f"{HOST}:{module}.{method}"] += 1
        if backend.maintenance:
            return web.Response(status=503, text="Service is under maintenance")
        if module not in self._cloud.host_settings(HOST).modules:
            return web.Response(status=404, text="Not Found")
        return None

    def _session_user(self, request: web.Request) -> User | None:
        credentials = _basic(request)
        if credentials is None:
            return None
        user_id, token = credentials
        return self._cloud.backend.sessions.user_for(token, user_id)

    def _expired(self) -> web.Response:
        if self._cloud.host_settings(HOST).expiry_in_json:
            return web.json_response(expired_envelope())
        return web.json_response(
            envelope(None, message="Unauthorized", status=0, code=401), status=401
        )

    async def login_module(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if (refusal := self._guard("UserLogin", method)) is not None:
            return refusal
        backend = self._cloud.backend
        body = await _body(request)
        if method == "GetId":
            key, token_id = backend.sessions.new_key_pair()
            return web.json_response(envelope({"key": key, "tokenId": token_id}))
        if method in ("ValidateUserLogin", "ValidateTFACode"):
            pair = _basic(request)
            if pair is None or pair not in backend.sessions.key_pairs:
                return web.json_response(
                    envelope(None, message="Unauthorized", status=0, code=401), status=401
                )
            return web.json_response(envelope({"Table": self._login(method, body)}))
        if method == "GetUserSetting":
            user = self._session_user(request)
            if user is None:
                return self._expired()
            return web.json_response(envelope(backend.accounts(user)))
        return web.Response(status=404, text="Not Found")

    def _login(self, method: str, body: dict[str, str]) -> list[dict[str, Any]]:
        backend = self._cloud.backend
        device = body.get("TFADeviceid", "")
        if method == "ValidateTFACode":
            record = backend.finish_code(
                body.get("UserId", ""),
                body.get("TFAToken", ""),
                body.get("Code", ""),
                device,
                TOKEN_KEY,
            )
            return [] if record is None else [record]
        user = backend.find_user(body.get("UserId", ""))
        if user is None or body.get("password") != user.password:
            return []
        return [backend.start_login(user, device, TOKEN_KEY)]

    async def service(self, request: web.Request) -> web.Response:
        module, method = request.match_info["module"], request.match_info["method"]
        if (refusal := self._guard(module, method)) is not None:
            return refusal
        backend = self._cloud.backend
        body = await _body(request)
        user = self._session_user(request)
        if user is None:
            return self._expired()
        operations = {
            ("Usage", "GetMultiMeter"): lambda: backend.meters(user, body),
            ("Usage", "GetUsageGeneration"): lambda: backend.usage(user, body, STYLE),
            ("Billing", "GetBill"): lambda: backend.bill(user, body),
            ("Outage", "GetOutageStatus"): lambda: backend.outage(user, body),
        }
        operation = operations.get((module, method))
        if operation is None:
            return web.Response(status=404, text="Not Found")
        try:
            return web.json_response(envelope(operation()))
        except Refused as err:
            return web.json_response(envelope(None, message=str(err), status=0))
