"""Flavor B: ``/API/`` + ``/Service/`` with Basic auth (notes §1.2, as Hidroelectrica runs it).

GetId hands out a key pair; ValidateUserLogin (Basic ``key:tokenId``, plaintext password) gives
``UserID`` and ``SessionToken``; every data call then sends Basic ``UserID:SessionToken``. An
empty ``Table`` from ValidateUserLogin means wrong credentials.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from .const import API_CALLS, CALL_LOGIN, CALL_SUBMIT_CODE, SOURCE_TYPE_DATA, SOURCE_TYPE_LOGIN
from .exceptions import (
    SewAuthError,
    SewEncryptionMismatchError,
    SewInvalidCodeError,
    SewProtocolError,
    SewResponseError,
)
from .flavor import LoginOutcome, Params, PendingCode, read_login
from .models import SewSession, rows_of, text
from .transport import Http, load_json, unwrap_result

HTTP_BAD_REQUEST = 400


def basic(user: str, secret: str) -> str:
    """An HTTP Basic Authorization value."""
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode("ascii")


class ApiTransport:
    """Calls of one utility's mobile ``/API/`` + ``/Service/``."""

    def __init__(self, http: Http, base_url: str) -> None:
        """``base_url`` is the origin the ``/API`` and ``/Service`` paths hang off."""
        base = base_url.rstrip("/")
        for suffix in ("/api", "/service"):
            if base.casefold().endswith(suffix):
                base = base[: -len(suffix)]
        self._base = base
        self._http = http

    async def _send(self, call: str, body: Params, authorization: str | None, source: str) -> Any:
        prefix, module, method = API_CALLS[call]
        headers = {"SourceType": source}
        if authorization is not None:
            headers["Authorization"] = authorization
        status, reply = await self._http.post(
            f"{self._base}{prefix}/{module}/{method}", dict(body), headers
        )
        if status == HTTP_BAD_REQUEST:
            raise SewProtocolError("the utility refused the request as malformed (HTTP 400)")
        if status >= 300:
            raise SewProtocolError(f"unexpected HTTP {status}")
        payload = load_json(reply)
        if isinstance(payload, Mapping) and isinstance(payload.get("EncQuery"), str):
            # This utility encrypts its /API/ replies too (the ...ENC endpoints, notes §1.2).
            raise SewEncryptionMismatchError("the reply is encrypted; try the PortalService flavor")
        return unwrap_result(payload)

    async def _get_id(self) -> str:
        data = await self._send("get_id", {}, None, SOURCE_TYPE_LOGIN)
        if not isinstance(data, Mapping):
            raise SewProtocolError("GetId answered no data")
        key, token_id = text(data.get("key")), text(data.get("tokenId"))
        if key is None or token_id is None:
            raise SewProtocolError("GetId answered no key pair")
        return basic(key, token_id)

    async def login(self, username: str, password: str, device_id: str) -> LoginOutcome:
        """GetId, then ValidateUserLogin with the plaintext password (as the app sends it)."""
        auth = await self._get_id()
        body = {
            "UserId": username,
            "password": password,
            "deviceType": "MobileApp",
            "OperatingSystem": "Android",
            "LanguageCode": "EN",
            "TFADeviceid": device_id,
        }
        try:
            data = await self._send(CALL_LOGIN, body, auth, SOURCE_TYPE_LOGIN)
        except SewResponseError as err:
            raise SewAuthError("the utility refused the username or password") from err
        table = rows_of(data, "Table") if data is not None else []
        if not table:
            raise SewAuthError("the utility refused the username or password")
        outcome = read_login(table[0], username, "SessionToken")
        if isinstance(outcome, PendingCode):
            return PendingCode(outcome.user_id, outcome.destination, outcome.tfa_token, auth)
        return outcome

    async def submit_code(self, pending: PendingCode, code: str, device_id: str) -> SewSession:
        """ValidateTFACode with the login's GetId credentials."""
        body = {
            "UserId": pending.user_id,
            "TFAToken": pending.tfa_token,
            "Code": code.strip(),
            "TFADeviceid": device_id,
        }
        try:
            data = await self._send(CALL_SUBMIT_CODE, body, pending.login_auth, SOURCE_TYPE_LOGIN)
        except SewResponseError as err:
            raise SewInvalidCodeError("the utility refused the code") from err
        table = rows_of(data, "Table") if data is not None else []
        if not table:
            raise SewInvalidCodeError("the utility refused the code")
        outcome = read_login(table[0], pending.user_id, "SessionToken")
        if isinstance(outcome, PendingCode):
            raise SewInvalidCodeError("the utility asks for another code")
        return outcome

    async def call(self, session: SewSession, call: str, params: Params) -> Any:
        """One data call with Basic ``UserID:SessionToken``."""
        body = {**params, "UserID": session.user_id}
        return await self._send(call, body, basic(session.user_id, session.token), SOURCE_TYPE_DATA)
