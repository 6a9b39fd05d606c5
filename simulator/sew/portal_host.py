"""Flavor A host: ``/PortalService/<Module>.svc/<Method>[Mob]`` with the AES envelope.

A body the host cannot read (wrong envelope, undecryptable EncQuery, plain parameters sent to an
encrypting host or the reverse) gets WCF's HTTP 400 text. Replies are ``{"<Method>Result": X}``
with X the encrypted result envelope (a base64 string) or, with encryption off, the envelope.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .backend import Refused, envelope, expired_envelope
from .envelope import EnvelopeError, decrypt_params, encrypt_text
from .usage_service import RowStyle

if TYPE_CHECKING:
    from .cloud import SewCloud

HOST = "portal_a"
STYLE = RowStyle(aspnet_dates=True, value_is_quantity=False)
WCF_BAD_REQUEST = "Request Error: The server encountered an error processing the request."
TOKEN_KEY = "LoginToken"
DATA_METHODS = {
    ("UserLogin", "GetUserSetting"),
    ("Usage", "GetMultiMeter"),
    ("Usage", "GetUsageGeneration"),
    ("AdminBilling", "GetBill"),
    ("Outage", "GetOutageStatus"),
}


def setup(app: web.Application, cloud: SewCloud) -> None:
    """Add the host's one route (every module and method)."""
    app.router.add_post("/PortalService/{module}.svc/{method}", _Handler(cloud).handle)


class _Handler:
    def __init__(self, cloud: SewCloud) -> None:
        self._cloud = cloud

    def _params(self, body: object) -> dict[str, str]:
        settings = self._cloud.host_settings(HOST)
        if not isinstance(body, dict):
            raise EnvelopeError("body is not an object")
        if not settings.encrypted:
            if "EncQuery" in body:
                raise EnvelopeError("encrypted body sent to a plain host")
            return {str(k): "" if v is None else str(v) for k, v in body.items()}
        kind_key = "encType" if settings.envelope == "I" else "EncType"
        if body.get(kind_key) != settings.envelope or not isinstance(body.get("EncQuery"), str):
            raise EnvelopeError("wrong envelope")
        return decrypt_params(body["EncQuery"], settings.key)

    async def handle(self, request: web.Request) -> web.Response:
        cloud = self._cloud
        backend = cloud.backend
        settings = cloud.host_settings(HOST)
        module, method = request.match_info["module"], request.match_info["method"]
        base = method.removesuffix("Mob")
        backend.calls[f"{HOST}:{module}.{method}"] += 1
        if backend.maintenance:
            return web.Response(status=503, text="Service is under maintenance")
        if module not in settings.modules:
            return web.Response(status=404, text="Endpoint not found.")
        try:
            params = self._params(json.loads((await request.read()).decode()))
        except (EnvelopeError, UnicodeDecodeError, ValueError):
            return web.Response(status=400, text=WCF_BAD_REQUEST)
        result = self._dispatch(module, base, params)
        if result is None:
            return web.Response(status=401, text="Unauthorized")
        payload: Any = result
        if settings.encrypted:
            payload = encrypt_text(json.dumps(result), settings.key)
        return web.json_response({f"{method}Result": payload})

    def _dispatch(self, module: str, method: str, params: dict[str, str]) -> dict[str, Any] | None:
        """The result envelope; None means "answer HTTP 401"."""
        backend = self._cloud.backend
        settings = self._cloud.host_settings(HOST)
        device = params.get("TFADeviceid", "")
        if (module, method) == ("UserLogin", "ValidateUserLogin"):
            user = backend.find_user(params.get("UserId", ""))
            if user is None or params.get("Password") != _digest(
                user.password, settings.password_digest
            ):
                return envelope(None, message="Invalid User Id or Password", status=0)
            return envelope(backend.start_login(user, device, TOKEN_KEY))
        if (module, method) == ("UserLogin", "ValidateTFACode"):
            record = backend.finish_code(
                params.get("UserId", ""),
                params.get("TFAToken", ""),
                params.get("Code", ""),
                device,
                TOKEN_KEY,
            )
            if record is None:
                return envelope(None, message="Invalid verification code", status=0)
            return envelope(record)
        if (module, method) not in DATA_METHODS:
            return envelope(None, message=f"Unknown method {method}", status=0, code=404)
        user = backend.sessions.user_for(params.get(TOKEN_KEY), params.get("UserID"))
        if user is None:
            return expired_envelope() if settings.expiry_in_json else None
        try:
            if method == "GetUserSetting":
                return envelope(backend.accounts(user))
            if method == "GetMultiMeter":
                return envelope(backend.meters(user, params))
            if method == "GetUsageGeneration":
                return envelope(backend.usage(user, params, STYLE))
            if method == "GetBill":
                return envelope(backend.bill(user, params))
            return envelope(backend.outage(user, params))
        except Refused as err:
            return envelope(None, message=str(err), status=0)


def _digest(password: str, encoding: str) -> str:
    digest = hashlib.sha256(password.encode())
    if encoding == "base64":
        return base64.b64encode(digest.digest()).decode()
    return digest.hexdigest()
