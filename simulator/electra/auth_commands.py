"""SEND_OTP, CHECK_OTP and VALIDATE_TOKEN: the commands that work without a sid."""

from __future__ import annotations

from typing import Any

from .protocol import (
    RES_BAD_CODE,
    RES_BAD_REQUEST,
    RES_INTRUDER,
    RES_TOKEN_NOT_FOUND,
    RES_UNKNOWN_PHONE,
    STATUS_SESSION,
    Reply,
    ok,
    refused,
)
from .sessions import Validation
from .state import CloudState


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def send_otp(state: CloudState, data: dict[str, Any]) -> Reply:
    """Text a code to a registered phone; unknown phones get ``res 100``."""
    phone, imei = _text(data, "phone"), _text(data, "imei")
    if phone is None or imei is None:
        return refused(RES_BAD_REQUEST, "Missing phone or imei")
    if state.account(phone) is None:
        return refused(RES_UNKNOWN_PHONE, "User not found")
    state.auth.send_otp(phone, imei)
    return ok()


def check_otp(state: CloudState, data: dict[str, Any]) -> Reply:
    """Exchange the code for a token and a first sid.

    A wrong code, an IMEI other than SEND_OTP's, or no pending code all answer ``status 1,
    res 100`` with ``data`` present, as Home Assistant's fixture has it.
    """
    phone, imei, code = _text(data, "phone"), _text(data, "imei"), _text(data, "code")
    if phone is None or imei is None or code is None:
        return refused(RES_BAD_REQUEST, "Missing phone, imei or code")
    issued = state.auth.check_otp(phone, imei, code)
    if issued is None:
        return refused(RES_BAD_CODE, "Wrong OTP code", status=STATUS_SESSION)
    token, sid = issued
    return ok(token=token, sid=sid)


def validate_token(state: CloudState, data: dict[str, Any]) -> Reply:
    """Issue a new sid for a token; refuse with "Token not found" or "Intruder lockout"."""
    result = state.auth.validate(_text(data, "token") or "", _text(data, "imei") or "")
    if result is Validation.LOCKOUT:
        return refused(RES_INTRUDER, result.value, sid=None)
    if result is Validation.NOT_FOUND:
        return refused(RES_TOKEN_NOT_FOUND, result.value, sid=None)
    return ok(sid=result)
