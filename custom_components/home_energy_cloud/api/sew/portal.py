"""Flavor A: ``BASE/PortalService/<Module>.svc/<Method>Mob`` with the AES envelope (the seed).

The body is ``{"EncType": "A", "EncQuery": ...}`` (or ``{"EncQuery": ..., "encType": "I"}``),
or the plain parameters where the utility switched encryption off. WCF wraps the reply as
``{"<Method>Result": ...}``: an encrypted string, or the plain result envelope. A request the
server cannot decrypt gets WCF's HTTP 400; both that and a reply that does not decrypt with the
utility's key mean the encryption setting is wrong (:class:`SewEncryptionMismatchError`). A
plain reply is accepted either way: the request was understood, and whether a utility that
opted out of encryption still encrypts replies is unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .const import CALL_LOGIN, CALL_SUBMIT_CODE, PORTAL_CALLS, PORTAL_PREFIX
from .crypto import PasswordDigest, decrypt_text, encrypt_query, password_digest
from .exceptions import (
    SewAuthError,
    SewEncryptionMismatchError,
    SewInvalidCodeError,
    SewProtocolError,
    SewResponseError,
)
from .flavor import LoginOutcome, Params, PendingCode, read_login
from .models import SewSession
from .transport import Http, load_json, unwrap_result

HTTP_BAD_REQUEST = 400


@dataclass(frozen=True, slots=True)
class PortalSettings:
    """How one utility's PortalService wants its requests (per-utility, from the registry)."""

    encrypted: bool = True
    envelope: str = "A"
    """``"A"`` (Android app, the seed) or ``"I"`` (seen in SEW's own test code)."""
    key: str = "PasswordPassword"
    password_digest: PasswordDigest = PasswordDigest.HEX
    method_suffix: str = "Mob"


def _form(params: Params) -> dict[str, str]:
    """Flavor A sends every parameter as text (it travels URL-encoded)."""
    return {
        name: ("true" if value else "false") if isinstance(value, bool) else str(value)
        for name, value in params.items()
    }


class PortalTransport:
    """Calls of one utility's PortalService."""

    def __init__(self, http: Http, base_url: str, settings: PortalSettings) -> None:
        """``base_url`` is the utility's origin (``/PortalService`` is added if missing)."""
        base = base_url.rstrip("/")
        if not base.casefold().endswith(PORTAL_PREFIX.casefold()):
            base += PORTAL_PREFIX
        self._base = base
        self._http = http
        self._settings = settings

    def _url(self, call: str) -> tuple[str, str]:
        module, method = PORTAL_CALLS[call]
        full = method + self._settings.method_suffix
        return f"{self._base}/{module}.svc/{full}", full

    def _body(self, params: Mapping[str, str]) -> dict[str, str]:
        settings = self._settings
        if not settings.encrypted:
            return dict(params)
        query = encrypt_query(params, settings.key)
        if settings.envelope == "I":
            return {"EncQuery": query, "encType": "I"}
        return {"EncType": settings.envelope, "EncQuery": query}

    async def _send(self, call: str, params: Params) -> Any:
        url, method = self._url(call)
        status, reply = await self._http.post(url, self._body(_form(params)))
        if status == HTTP_BAD_REQUEST:
            raise SewEncryptionMismatchError(
                "the utility could not read the request (encryption setting or envelope wrong?)"
            )
        if status >= 300:
            raise SewProtocolError(f"unexpected HTTP {status}")
        return decode_reply(reply, method, self._settings)

    async def login(self, username: str, password: str, device_id: str) -> LoginOutcome:
        """``UserLogin.svc/ValidateUserLoginMob`` with the SHA-256 digest of the password."""
        params = {
            "UserId": username,
            "Password": password_digest(password, self._settings.password_digest),
            "TFADeviceid": device_id,
        }
        try:
            data = await self._send(CALL_LOGIN, params)
        except SewResponseError as err:
            raise SewAuthError("the utility refused the username or password") from err
        if not isinstance(data, Mapping):
            raise SewProtocolError("the login reply has no data object")
        return read_login(data, username, "LoginToken")

    async def submit_code(self, pending: PendingCode, code: str, device_id: str) -> SewSession:
        """``UserLogin.svc/ValidateTFACodeMob``; a refused code raises SewInvalidCodeError."""
        params = {
            "UserId": pending.user_id,
            "TFAToken": pending.tfa_token,
            "Code": code.strip(),
            "TFADeviceid": device_id,
        }
        try:
            data = await self._send(CALL_SUBMIT_CODE, params)
        except SewResponseError as err:
            raise SewInvalidCodeError("the utility refused the code") from err
        if not isinstance(data, Mapping):
            raise SewProtocolError("the code reply has no data object")
        outcome = read_login(data, pending.user_id, "LoginToken")
        if isinstance(outcome, PendingCode):
            raise SewInvalidCodeError("the utility asks for another code")
        return outcome

    async def call(self, session: SewSession, call: str, params: Params) -> Any:
        """One data call: the login token and user id travel with the parameters."""
        return await self._send(
            call, {**params, "LoginToken": session.token, "UserID": session.user_id}
        )


def decode_reply(reply: str, method: str, settings: PortalSettings) -> Any:
    """``result.Data`` of a PortalService reply body, or the typed error it amounts to."""
    try:
        wrapper = load_json(reply)
    except SewProtocolError as err:
        raise SewEncryptionMismatchError("the reply is not JSON") from err
    if not isinstance(wrapper, Mapping) or f"{method}Result" not in wrapper:
        raise SewEncryptionMismatchError(f"the reply lacks {method}Result")
    inner = wrapper[f"{method}Result"]
    if isinstance(inner, str):
        # Whatever the request side uses, an encrypted reply must open with the utility's key.
        inner = load_json_or_mismatch(decrypt_text(inner, settings.key))
    return unwrap_result(inner)


def load_json_or_mismatch(text: str) -> Any:
    """Decrypted text that is not JSON means the key decrypted garbage that padded correctly."""
    try:
        return load_json(text)
    except SewProtocolError as err:
        raise SewEncryptionMismatchError("the decrypted reply is not JSON (wrong key?)") from err
